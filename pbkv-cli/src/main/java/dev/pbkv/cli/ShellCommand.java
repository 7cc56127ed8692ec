package dev.pbkv.cli;

import dev.pbkv.kv.Commands;
import dev.pbkv.net.PbkvClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pbkv shell}: a session against a running cluster. On a terminal it edits lines with JLine
 * (arrows, history kept in a file, completion of commands); from a file or a pipe it runs the lines
 * as a script. Each line is split as a POSIX shell would ({@link ShellWords}) and runs exactly as
 * the {@code pbkv} command of the same words: the same output, the same one-line errors on standard
 * error. The exit status is the worst of the lines' exit codes.
 */
@picocli.CommandLine.Command(
    name = "shell",
    header = "An interactive session: get, put, append, delete, cas, with history.",
    mixinStandardHelpOptions = true,
    description = {
      "Reads commands from the terminal (with line editing, history and completion) or from",
      "standard input (a script), and runs each as pbkv runs it: the same output, the same",
      "one-line errors on standard error. Lines are split as a POSIX shell does: 'single',",
      "\"double\" and $'\\xHH' quotes, \\ escapes, # comments; '' is an empty value.",
      "  get KEY | put KEY VALUE | append KEY VALUE | delete KEY | cas KEY EXPECTED UPDATE",
      "  (their flags too: get --raw, put --value-file FILE, cas --create, …; the connection's",
      "  flags, such as --timeout and --max-value-bytes, are the session's: give them to shell)",
      "  history (this session's commands), !N or !! (run one again), help [COMMAND], quit",
      "The exit status is the worst line's: 0 if all succeeded, else the highest exit code."
    },
    footer = {
      "",
      "Example:  pbkv shell --viewserver 127.0.0.1:7000",
      "          pbkv shell < commands.txt   (exit code: the worst line's)"
    })
final class ShellCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--history-file",
      paramLabel = "FILE",
      defaultValue = "${env:PBKV_HISTORY:-${sys:user.home}/.pbkv_history}",
      description =
          "where a terminal session keeps its history (default: ${DEFAULT-VALUE}) [PBKV_HISTORY]")
  Path historyFile;

  /** For tests: the terminal to use instead of the process's (then the session is interactive). */
  static Terminal terminal;

  /** The words a line may start with. */
  static final List<String> BUILTINS = List.of("history", "help", "quit", "exit");

  private final List<String> history = new ArrayList<>();

  @picocli.CommandLine.Command(
      name = "pbkv",
      subcommands = {
        KvCommands.Get.class,
        KvCommands.Put.class,
        KvCommands.Append.class,
        KvCommands.Delete.class,
        KvCommands.Cas.class
      })
  static final class Line implements Runnable {
    @Override
    public void run() {}
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (PbkvClient c = client.connect(1)) {
      KvCommands.stdinHoldsCommands = true; // '-' cannot read a value from the commands
      try {
        if (terminal != null || System.console() != null) {
          return interactive(c, out, err);
        }
        return script(System.in, c, out, err);
      } finally {
        KvCommands.stdinHoldsCommands = false;
      }
    }
  }

  private int interactive(PbkvClient c, PrintWriter out, PrintWriter err) throws IOException {
    Terminal t = terminal != null ? terminal : TerminalBuilder.builder().system(true).build();
    List<String> words = new ArrayList<>(Commands.WORDS);
    words.addAll(BUILTINS);
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(t)
            .appName("pbkv")
            .completer(new StringsCompleter(words))
            .variable(LineReader.HISTORY_FILE, historyFile)
            .option(
                LineReader.Option.DISABLE_EVENT_EXPANSION, true) // !N is ours: the same in scripts
            .build();
    out.println("connected to the cluster of view service " + c.viewService() + "; type help");
    out.flush();
    int worst = 0;
    try {
      while (true) {
        String line;
        try {
          line = reader.readLine("pbkv> ");
        } catch (UserInterruptException ctrlC) {
          continue;
        } catch (EndOfFileException ctrlD) {
          return worst;
        }
        Integer exit = runLine(line, c, out, err);
        if (exit == null) {
          return worst;
        }
        worst = Math.max(worst, exit);
      }
    } finally {
      reader.getHistory().save();
      if (terminal == null) {
        t.close();
      }
    }
  }

  private int script(InputStream in, PbkvClient c, PrintWriter out, PrintWriter err) {
    int worst = 0;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      int b;
      boolean more = true;
      while (more) {
        b = in.read();
        more = b >= 0;
        if (more && b != '\n') {
          line.write(b);
          continue;
        }
        if (!more && line.size() == 0) {
          break;
        }
        Integer exit = runLine(ArgBytes.fromBytes(line.toByteArray()), c, out, err);
        line.reset();
        if (exit == null) {
          break;
        }
        worst = Math.max(worst, exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return worst;
  }

  /** Runs one line; returns its exit code, or null to end the session. */
  Integer runLine(String line, PbkvClient c, PrintWriter out, PrintWriter err) {
    String stripped = line.strip();
    if (stripped.equals("!!") || stripped.matches("!\\d+")) {
      int n = stripped.equals("!!") ? history.size() : Integer.parseInt(stripped.substring(1));
      if (n < 1 || n > history.size()) {
        err.println("pbkv shell: no command " + stripped + " in the history");
        return 2;
      }
      line = history.get(n - 1);
      out.println(line);
    }
    List<String> words;
    try {
      words = ShellWords.split(line);
    } catch (UserError e) {
      err.println("pbkv shell: " + e.getMessage());
      return 2;
    }
    if (words.isEmpty()) {
      return 0;
    }
    String verb = words.get(0);
    if (verb.equals("quit") || verb.equals("exit")) {
      return null;
    }
    if (verb.equals("history")) {
      for (int i = 0; i < history.size(); i++) {
        out.printf("%4d  %s%n", i + 1, history.get(i));
      }
      return 0;
    }
    history.add(line.strip());
    if (verb.equals("help")) {
      if (words.size() == 1) {
        spec.commandLine().usage(out);
        return 0;
      }
      words = List.of(words.get(1), "--help");
      verb = words.get(0);
    }
    if (!Commands.WORDS.contains(verb)) {
      err.println(
          "pbkv shell: unknown command '"
              + verb
              + "'; expected "
              + String.join(", ", Commands.WORDS)
              + ", history, !N, !!, help or quit");
      return 2;
    }
    CommandLine cli =
        new CommandLine(
            new Line(),
            new CommandLine.IFactory() {
              @Override
              public <K> K create(Class<K> cls) throws Exception {
                K k = CommandLine.defaultFactory().create(cls);
                if (k instanceof KvCommands.One one) {
                  one.shared = c;
                  one.sharedTimeoutMillis = client.timeoutMillis;
                  one.sharedLimits = client.limits();
                }
                return k;
              }
            });
    cli.setOut(out);
    cli.setErr(err);
    cli.setUsageHelpWidth(100);
    cli.setParameterExceptionHandler(new Main.OneLineUsageError(null));
    cli.setExecutionExceptionHandler(new Main.OneLineUserError());
    int exit = cli.execute(words.toArray(String[]::new));
    out.flush();
    err.flush();
    return exit;
  }
}
