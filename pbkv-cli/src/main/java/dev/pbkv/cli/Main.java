package dev.pbkv.cli;

import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Entry point of the {@code pbkv} command. */
@Command(
    name = "pbkv",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "pbkv: a primary/backup replicated key-value store with a view service,",
      "and the simulator that shows every failure of the design.",
      ""
    },
    subcommands = {
      DemoCommand.class,
      ViewServerCommand.class,
      ServerCommand.class,
      KvCommands.Get.class,
      KvCommands.Put.class,
      KvCommands.Append.class,
      KvCommands.Delete.class,
      KvCommands.Cas.class,
      ShellCommand.class,
      StatusCommand.class,
      BenchCommand.class,
      ScenarioCommand.class,
      SimCommand.class,
      SimBenchCommand.class,
      CheckBenchCommand.class,
      LincheckCommand.class,
      CheckCommand.class,
      DebugCommand.class,
      MutexDemoCommand.class,
      TraceCommand.class,
      HelpCommand.class
    },
    footer = {
      "",
      "Example:     pbkv demo            (a failover, end to end, with real processes)",
      "             pbkv scenario list   (the lecture's failure scenarios, simulated)",
      "A cluster:   pbkv viewserver --listen 127.0.0.1:7000",
      "             pbkv server --listen 127.0.0.1:7001 --viewserver 127.0.0.1:7000   (and 7002…)",
      "             pbkv put k v; pbkv get k; pbkv status; pbkv shell",
      "Details:     pbkv help COMMAND"
    })
public final class Main implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Bare {@code pbkv}: the usage, on standard error, and exit code 2 (a usage error). */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  public static void main(String[] args) {
    System.exit(
        run(
            ArgBytes.recover(args),
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true)));
  }

  /**
   * Runs the command line; returns the exit code: 0 success, 1 a failed outcome (or nothing found),
   * 2 a usage error or unreachable cluster, 3 an indeterminate operation.
   */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpWidth(100);
    cli.setParameterExceptionHandler(new OneLineUsageError());
    cli.setExecutionExceptionHandler(new OneLineUserError());
    return cli.execute(args);
  }

  /** Wrong flags and values: one line naming the problem, exit code 2, never a stack trace. */
  static final class OneLineUsageError implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      String name = cmd.getCommandSpec().qualifiedName();
      cmd.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
      return 2;
    }
  }

  /** A bad value found while running (e.g. an unknown scenario): one line, exit code 2. */
  static final class OneLineUserError implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult)
        throws Exception {
      String name = cmd.getCommandSpec().qualifiedName();
      if (ex instanceof UserError
          || ex instanceof IllegalArgumentException
          || ex instanceof PbkvException) {
        cmd.getErr().println(name + ": " + ex.getMessage());
        return 2;
      }
      if (ex instanceof IndeterminateException) {
        cmd.getErr().println(name + ": indeterminate: " + ex.getMessage());
        return 3;
      }
      throw ex; // a bug: show everything
    }
  }

  /** The version from the jar's manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"pbkv " + (v == null ? "dev" : v)};
    }
  }
}
