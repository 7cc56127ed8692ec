package dev.pbkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pbkv.kv.ByteStrings;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ServerHealth;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pbkv get|put|append|delete|cas}: one operation against a running cluster. Keys and values
 * are bytes: an argument's exact bytes (see {@link ArgBytes}), a file's ({@code --value-file}) or
 * standard input's ({@code -}); values print as text, or escaped as {@code $'…'} when they are not
 * printable UTF-8, or as they are with {@code --raw}.
 */
final class KvCommands {
  private KvCommands() {}

  /** The largest value read from a file or standard input. */
  static final int MAX_VALUE_BYTES = (int) SizeLimitFlags.MAX_LIMIT_BYTES;

  /** Where {@code --raw} writes (the process's standard output). */
  static OutputStream rawOut = System.out;

  /** True while the shell runs: standard input holds its commands, and {@code -} is refused. */
  static volatile boolean stdinHoldsCommands;

  /** A key or value for messages: {@code 'text'}, or {@code $'…'} when it is not text. */
  static String quoted(String byteString) {
    String shown = ByteStrings.display(byteString);
    return shown.startsWith("$'") ? shown : "'" + shown + "'";
  }

  /** Runs one command and prints its result; returns the exit code. */
  abstract static class One implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    /**
     * Set by the shell: the connection every command of a session uses, its timeout and its size
     * limits (the session's flags; a line's own connection flags are not used).
     */
    PbkvClient shared;

    long sharedTimeoutMillis;

    dev.pbkv.kv.SizeLimits sharedLimits;

    @Option(names = "--json", description = "print one JSON object (docs/json.md)")
    boolean json;

    abstract Command command();

    /** Prints {@code result}; returns the exit code. */
    abstract int print(Result result, PrintWriter out, PrintWriter err);

    /** {@code result} as the command's JSON object (docs/json.md). */
    abstract ObjectNode toJson(Result result);

    @Override
    public Integer call() {
      Command command = command();
      // before any connection: exit 2; in the shell, the session's limits (its client's)
      SizeLimitFlags.require(shared != null ? sharedLimits : client.limits(), command);
      if (shared != null) {
        return run(shared, command);
      }
      try (PbkvClient c = client.connect(1)) {
        return run(c, command);
      }
    }

    private int run(PbkvClient c, Command command) {
      long timeoutMillis = shared != null ? sharedTimeoutMillis : client.timeoutMillis;
      requireLivePrimary(c, Duration.ofMillis(timeoutMillis));
      Result result;
      try {
        result = c.execute(command);
      } catch (IndeterminateException e) {
        if (command.isRead()) { // a read that timed out changed nothing: it failed
          throw new UserError("no answer within " + timeoutMillis + " ms from the primary");
        }
        throw e;
      }
      if (result instanceof Result.Error e) {
        throw new UserError(e.message());
      }
      if (result instanceof Result.Unavailable) {
        // It took effect (exactly once); only its result is lost: success, said honestly.
        spec.commandLine()
            .getErr()
            .println(
                "pbkv: "
                    + name()
                    + " took effect, but its result is no longer available (a retry of a large"
                    + " append after the key was changed by more than appends)");
        if (json) {
          Json.print(
              Json.object()
                  .put("key", ByteStrings.display(command.key()))
                  .putNull("value")
                  .put("executed", true)
                  .put("result_available", false),
              spec.commandLine().getOut());
        }
        return 0;
      }
      if (json) { // the same exit code and error line; the JSON object instead of the text
        int exit = print(result, new PrintWriter(Writer.nullWriter()), spec.commandLine().getErr());
        Json.print(toJson(result), spec.commandLine().getOut());
        return exit;
      }
      return print(result, spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    String name() {
      return spec.qualifiedName();
    }

    /** The bytes of a KEY or VALUE argument ({@code -}: standard input, if allowed). */
    String arg(String arg) {
      return ByteStrings.of(ArgBytes.bytes(arg));
    }

    /** A value given as an argument, {@code -} (standard input) or {@code --value-file}. */
    static String value(String arg, Path file, String what) {
      if (file != null && arg != null) {
        throw new UserError("give " + what + " or --value-file, not both");
      }
      if (file != null) {
        if (Files.isDirectory(file)) {
          throw new UserError("--value-file " + file + " is a directory");
        }
        try {
          long size = Files.size(file);
          if (size > MAX_VALUE_BYTES) {
            throw new UserError(
                "--value-file " + file + " has " + size + " bytes; no value can pass 32 MiB");
          }
          return ByteStrings.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
          throw new UserError("--value-file " + file + ": no such file");
        } catch (IOException e) {
          throw new UserError("--value-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
      }
      if (arg == null) {
        throw new UserError(
            "give " + what + " (or - to read it from standard input, or --value-file FILE)");
      }
      if (arg.equals("-")) {
        return readStdin();
      }
      return ByteStrings.of(ArgBytes.bytes(arg));
    }

    static String readStdin() {
      if (stdinHoldsCommands) {
        throw new UserError(
            "- cannot read a value here: standard input holds the shell's commands;"
                + " use --value-file FILE");
      }
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        int n;
        InputStream stdin = System.in;
        while ((n = stdin.read(buf)) > 0) {
          out.write(buf, 0, n);
          if (out.size() > MAX_VALUE_BYTES) {
            throw new UserError(
                "the value on standard input is over 32 MiB: no value can pass that");
          }
        }
        return ByteStrings.of(out.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Prints a value: as text or {@code $'…'}, or its bytes as they are with {@code raw}. */
    static void printValue(String value, boolean raw, PrintWriter out) {
      if (!raw) {
        out.println(ByteStrings.display(value));
        return;
      }
      out.flush();
      try {
        rawOut.write(ByteStrings.bytes(value));
        rawOut.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Fails fast, with exit code 2, when the view service knows there is no live primary: nothing is
   * sent, so nothing can have taken effect.
   */
  static void requireLivePrimary(PbkvClient c, Duration timeout) {
    String problem = primaryProblem(c.status(timeout), c.viewService().toString());
    if (problem != null) {
      throw new UserError(problem);
    }
  }

  /**
   * Why {@code s} has no live primary, or {@code null} when it has one. The primary is the
   * incarnation the view names (address and boot id): a primary that restarted at its address is
   * alive but has lost its state, and is not the primary any more.
   */
  static String primaryProblem(Status s, String viewService) {
    View v = s.view();
    if (v.primary() == null) {
      return "no primary yet: no server has pinged the view service at " + viewService;
    }
    for (ServerHealth h : s.servers()) {
      if (!h.server().equals(v.primary())) {
        continue;
      }
      String why = null;
      if (!h.alive()) {
        why = "has missed " + h.missedChecks() + " pings";
      } else if (!v.isPrimary(h.server(), h.bootId())) {
        why = "has restarted (it lost its state; the view names its earlier incarnation)";
      }
      if (why != null) {
        return "no live primary: "
            + (s.problem() != null
                ? s.problem()
                : v.primary() + ", primary of view " + v.viewNum() + ", " + why);
      }
    }
    return null;
  }

  @picocli.CommandLine.Command(
      name = "get",
      header = "Print a key's value.",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the value of KEY: as text when it is printable UTF-8, else in the shell's",
        "$'...' notation (\\xHH for each other byte); --raw writes the bytes as they are.",
        "Exit code 1 if KEY has no value."
      },
      footer = {"", "Example:  pbkv get greeting      pbkv get --raw photo > photo.jpg"})
  static final class Get extends One {
    @Parameters(paramLabel = "KEY", description = "the key (its bytes as given)")
    String key;

    @Option(names = "--raw", description = "write the value's bytes as they are, no newline")
    boolean raw;

    @Override
    Command command() {
      return new Command.Get(arg(key));
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      String v = ((Result.Value) result).value();
      if (v == null) {
        err.println(name() + ": key " + quoted(arg(key)) + " has no value");
        return 1;
      }
      printValue(v, raw, out);
      return 0;
    }

    @Override
    ObjectNode toJson(Result result) {
      ObjectNode o = Json.object();
      o.put("key", ByteStrings.display(arg(key)));
      o.put("value", ByteStrings.display(((Result.Value) result).value()));
      return o;
    }
  }

  @picocli.CommandLine.Command(
      name = "put",
      header = "Set a key's value.",
      mixinStandardHelpOptions = true,
      description = {
        "Sets KEY to VALUE and prints OK. VALUE - reads the value from standard input; with",
        "--value-file FILE, give KEY only. Values are bytes, up to 32 MiB from a file or stdin."
      },
      footer = {
        "",
        "Example:  pbkv put greeting hello      pbkv put photo --value-file photo.jpg",
        "          printf 'a\\0b' | pbkv put k -"
      })
  static final class Put extends One {
    @Parameters(index = "0", paramLabel = "KEY", description = "the key")
    String key;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "VALUE",
        description = "the value; - reads it from standard input")
    String value;

    @Option(
        names = "--value-file",
        paramLabel = "FILE",
        description = "read the value from FILE (instead of VALUE)")
    Path valueFile;

    @Override
    Command command() {
      return new Command.Put(arg(key), value(value, valueFile, "VALUE"));
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      out.println("OK");
      return 0;
    }

    @Override
    ObjectNode toJson(Result result) {
      ObjectNode o = Json.object();
      o.put("key", ByteStrings.display(arg(key)));
      o.put("ok", true);
      return o;
    }
  }

  @picocli.CommandLine.Command(
      name = "append",
      header = "Append to a key's value; print the new value.",
      mixinStandardHelpOptions = true,
      description = {
        "Appends VALUE to KEY's value (an absent key counts as empty) and prints the new value",
        "(as get does). VALUE - reads standard input; --value-file FILE reads a file."
      },
      footer = {"", "Example:  pbkv append greeting \", world\""})
  static final class Append extends One {
    @Parameters(index = "0", paramLabel = "KEY", description = "the key")
    String key;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "VALUE",
        description = "what to append; - reads it from standard input")
    String value;

    @Option(
        names = "--value-file",
        paramLabel = "FILE",
        description = "read what to append from FILE (instead of VALUE)")
    Path valueFile;

    @Option(names = "--raw", description = "write the new value's bytes as they are, no newline")
    boolean raw;

    @Override
    Command command() {
      return new Command.Append(arg(key), value(value, valueFile, "VALUE"));
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      printValue(((Result.Value) result).value(), raw, out);
      return 0;
    }

    @Override
    ObjectNode toJson(Result result) {
      ObjectNode o = Json.object();
      o.put("key", ByteStrings.display(arg(key)));
      o.put("value", ByteStrings.display(((Result.Value) result).value()));
      return o;
    }
  }

  @picocli.CommandLine.Command(
      name = "delete",
      header = "Remove a key.",
      mixinStandardHelpOptions = true,
      description = "Removes KEY and prints deleted; exit code 1 if it had no value.",
      footer = {"", "Example:  pbkv delete greeting"})
  static final class Delete extends One {
    @Parameters(paramLabel = "KEY", description = "the key")
    String key;

    @Override
    Command command() {
      return new Command.Delete(arg(key));
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      if (!((Result.Deleted) result).existed()) {
        err.println(name() + ": key " + quoted(arg(key)) + " has no value");
        return 1;
      }
      out.println("deleted");
      return 0;
    }

    @Override
    ObjectNode toJson(Result result) {
      ObjectNode o = Json.object();
      o.put("key", ByteStrings.display(arg(key)));
      o.put("deleted", ((Result.Deleted) result).existed());
      return o;
    }
  }

  @picocli.CommandLine.Command(
      name = "cas",
      header = "Compare and set: change a key only if it holds the expected value.",
      mixinStandardHelpOptions = true,
      customSynopsis = {
        "pbkv cas [OPTIONS] KEY EXPECTED UPDATE",
        "       pbkv cas --create [OPTIONS] KEY UPDATE"
      },
      description = {
        "Sets KEY to UPDATE only if its value is EXPECTED, and prints swapped. With --create, sets",
        "it only if KEY has no value yet. One of EXPECTED and UPDATE may be - (standard input);",
        "--value-file FILE gives UPDATE. Exit code 1 if it did not swap (the line says why).",
        "",
        "Parameters:",
        "  KEY        the key",
        "  EXPECTED   the value KEY must hold (not with --create)",
        "  UPDATE     the new value",
        "",
        "Options:"
      },
      footer = {"", "Example:  pbkv cas greeting hello bye      pbkv cas --create lock me"})
  static final class Cas extends One {
    @Option(names = "--create", description = "expect KEY to have no value")
    boolean create;

    @Option(
        names = "--value-file",
        paramLabel = "FILE",
        description = "read UPDATE from FILE (then leave UPDATE out)")
    Path valueFile;

    @Parameters(arity = "0..3", hidden = true)
    List<String> args = List.of();

    private String key;

    @Override
    Command command() {
      int want = (create ? 2 : 3) - (valueFile == null ? 0 : 1);
      if (args.size() != want) {
        throw new UserError(
            (create ? "with --create, give KEY UPDATE" : "give KEY EXPECTED UPDATE")
                + (valueFile == null ? "" : " (without UPDATE: --value-file gives it)")
                + "; got "
                + args.size()
                + " argument"
                + (args.size() == 1 ? "" : "s"));
      }
      if (args.stream().filter("-"::equals).count() > 1) {
        throw new UserError("only one of EXPECTED and UPDATE can be - (standard input)");
      }
      key = arg(args.get(0));
      String expected = create ? null : value(args.get(1), null, "EXPECTED");
      String update =
          valueFile != null
              ? value(null, valueFile, "UPDATE")
              : value(args.get(want - 1), null, "UPDATE");
      return new Command.CompareAndSet(key, expected, update);
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      Result.CasResult cas = (Result.CasResult) result;
      if (cas.swapped()) {
        out.println("swapped");
        return 0;
      }
      if (cas.previous() == null) {
        err.println(
            name()
                + ": not swapped: key "
                + quoted(key)
                + " has no value (use --create to set it only if absent)");
        return 1;
      }
      err.println(
          name()
              + ": not swapped: "
              + (create ? "key " + quoted(key) + " has a value, " : "the value is ")
              + quoted(cas.previous()));
      return 1;
    }

    @Override
    ObjectNode toJson(Result result) {
      Result.CasResult cas = (Result.CasResult) result;
      ObjectNode o = Json.object();
      o.put("key", ByteStrings.display(key));
      o.put("swapped", cas.swapped());
      o.put("previous", ByteStrings.display(cas.previous()));
      return o;
    }
  }
}
