package dev.pbkv.cli;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.PbkvClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv get|put|append|delete|cas}: one operation against a running cluster. */
final class KvCommands {
  private KvCommands() {}

  /** Runs one command and prints its result; exit code 0, or 1 when it found nothing. */
  abstract static class One implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    abstract Command command();

    /** Prints {@code result}; returns the exit code. */
    abstract int print(Result result, PrintWriter out, PrintWriter err);

    @Override
    public Integer call() {
      Command command = command();
      try (PbkvClient c = client.connect(1)) {
        Result result = c.execute(command);
        if (result instanceof Result.Error e) {
          throw new UserError(e.message());
        }
        return print(result, spec.commandLine().getOut(), spec.commandLine().getErr());
      }
    }

    String name() {
      return spec.qualifiedName();
    }
  }

  @picocli.CommandLine.Command(
      name = "get",
      header = "Print a key's value.",
      mixinStandardHelpOptions = true,
      description = "Prints the value of KEY; exit code 1 if it has none.")
  static final class Get extends One {
    @Parameters(paramLabel = "KEY")
    String key;

    @Override
    Command command() {
      return new Command.Get(key);
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      String v = ((Result.Value) result).value();
      if (v == null) {
        err.println(name() + ": key '" + key + "' has no value");
        return 1;
      }
      out.println(v);
      return 0;
    }
  }

  @picocli.CommandLine.Command(
      name = "put",
      header = "Set a key's value.",
      mixinStandardHelpOptions = true)
  static final class Put extends One {
    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    @Override
    Command command() {
      return new Command.Put(key, value);
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      out.println("OK");
      return 0;
    }
  }

  @picocli.CommandLine.Command(
      name = "append",
      header = "Append to a key's value; print the new value.",
      mixinStandardHelpOptions = true)
  static final class Append extends One {
    @Parameters(index = "0", paramLabel = "KEY")
    String key;

    @Parameters(index = "1", paramLabel = "VALUE")
    String value;

    @Override
    Command command() {
      return new Command.Append(key, value);
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      out.println(((Result.Value) result).value());
      return 0;
    }
  }

  @picocli.CommandLine.Command(
      name = "delete",
      header = "Remove a key.",
      mixinStandardHelpOptions = true,
      description = "Removes KEY; exit code 1 if it had no value.")
  static final class Delete extends One {
    @Parameters(paramLabel = "KEY")
    String key;

    @Override
    Command command() {
      return new Command.Delete(key);
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      if (!((Result.Deleted) result).existed()) {
        err.println(name() + ": key '" + key + "' has no value");
        return 1;
      }
      out.println("deleted");
      return 0;
    }
  }

  @picocli.CommandLine.Command(
      name = "cas",
      header = "Compare and set: change a key only if it holds the expected value.",
      mixinStandardHelpOptions = true,
      description = {
        "Sets KEY to UPDATE only if its value is EXPECTED. With --create, sets it only if KEY",
        "has no value yet (then give KEY and UPDATE only). Exit code 1 if it did not swap."
      })
  static final class Cas extends One {
    @Option(names = "--create", description = "expect KEY to have no value")
    boolean create;

    @Parameters(paramLabel = "KEY [EXPECTED] UPDATE", arity = "2..3")
    java.util.List<String> args;

    @Override
    Command command() {
      if (create && args.size() != 2) {
        throw new UserError("with --create, give KEY and UPDATE only");
      }
      if (!create && args.size() != 3) {
        throw new UserError("give KEY EXPECTED UPDATE (or --create KEY UPDATE)");
      }
      return create
          ? new Command.CompareAndSet(args.get(0), null, args.get(1))
          : new Command.CompareAndSet(args.get(0), args.get(1), args.get(2));
    }

    @Override
    int print(Result result, PrintWriter out, PrintWriter err) {
      Result.CasResult cas = (Result.CasResult) result;
      if (cas.swapped()) {
        out.println("swapped");
        return 0;
      }
      if (cas.previous() == null) {
        throw new UserError(
            "key '" + args.get(0) + "' has no value (use --create to set it only if absent)");
      }
      err.println(name() + ": not swapped: the value is \"" + cas.previous() + "\"");
      return 1;
    }
  }
}
