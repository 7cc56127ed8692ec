package dev.pbkv.cli;

import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
      KeysCommand.class,
      InfoCommand.class,
      AdminCommand.class,
      ShellCommand.class,
      StatusCommand.class,
      CertsCommand.class,
      UsersCommand.class,
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
    cli.setExecutionExceptionHandler(new OneLineUserError());
    Path config = ConfigFile.named(args, System.getenv());
    ConfigFile loaded = null;
    if (config != null && ConfigFile.takesConfig(commandSpec(cli, args))) {
      try {
        loaded = ConfigFile.load(config, cli, System.getenv());
        cli.setDefaultValueProvider(loaded);
      } catch (UserError e) {
        err.println("pbkv: " + e.getMessage());
        if (java.util.Arrays.asList(args).contains("--json")) {
          jsonError(e.getMessage(), 2, out);
        }
        return 2;
      }
    }
    cli.setParameterExceptionHandler(new OneLineUsageError(loaded));
    return cli.execute(args);
  }

  /**
   * The (sub)subcommand {@code args} name (e.g. {@code server}, {@code admin remove-server}), or
   * null.
   */
  static CommandLine.Model.CommandSpec commandSpec(CommandLine cli, String[] args) {
    CommandLine current = cli;
    CommandLine.Model.CommandSpec found = null;
    for (String a : args) {
      if (!a.startsWith("-")) {
        CommandLine sub = current.getSubcommands().get(a);
        if (sub == null) {
          return found;
        }
        current = sub;
        found = sub.getCommandSpec();
      }
    }
    return found;
  }

  /** Wrong flags and values: one line naming the problem, exit code 2, never a stack trace. */
  static final class OneLineUsageError implements IParameterExceptionHandler {
    private final ConfigFile config; // null without --config

    OneLineUsageError(ConfigFile config) {
      this.config = config;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      String name = cmd.getCommandSpec().qualifiedName();
      String origin = config == null ? null : config.origin(ex.getArgSpec());
      boolean json = java.util.Arrays.asList(args).contains("--json");
      if (origin != null) {
        cmd.getErr().println("pbkv: " + origin + ": " + ex.getMessage());
        if (json) {
          jsonError(origin + ": " + ex.getMessage(), 2, cmd.getOut());
        }
        return 2;
      }
      cmd.getErr().println(name + ": " + ex.getMessage() + " (see '" + name + " --help')");
      if (json) {
        jsonError(ex.getMessage(), 2, cmd.getOut());
      }
      return 2;
    }
  }

  /** Whether the command that ran was given {@code --json}. */
  private static boolean wantsJson(CommandLine cmd) {
    ParseResult pr = cmd.getParseResult();
    return pr != null && pr.hasMatchedOption("--json");
  }

  /** In {@code --json} mode an error is also a JSON object on standard output (docs/json.md). */
  static void jsonError(String message, int exit, PrintWriter out) {
    com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
    o.put("error", message);
    o.put("exit", exit);
    Json.print(o, out);
  }

  /** A bad value found while running (e.g. an unknown scenario): one line, exit code 2. */
  static final class OneLineUserError implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult)
        throws Exception {
      String name = cmd.getCommandSpec().qualifiedName();
      boolean json = parseResult != null && wantsJson(cmd);
      if (ex instanceof UserError
          || ex instanceof IllegalArgumentException
          || ex instanceof PbkvException) {
        cmd.getErr().println(name + ": " + ex.getMessage());
        if (json) {
          jsonError(ex.getMessage(), 2, cmd.getOut());
        }
        return 2;
      }
      if (ex instanceof IndeterminateException) {
        cmd.getErr().println(name + ": indeterminate: " + ex.getMessage());
        if (json) {
          jsonError("indeterminate: " + ex.getMessage(), 3, cmd.getOut());
        }
        return 3;
      }
      throw ex; // a bug: show everything
    }
  }

  /**
   * The version and commit the build wrote into {@code pbkv-version.properties}: "pbkv 0.1.0
   * (commit 1a2b3c4d5e)", or "commit unknown" when built outside a git checkout.
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      java.util.Properties p = new java.util.Properties();
      try (var in = Main.class.getResourceAsStream("/pbkv-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (java.io.IOException e) {
        // reported as unknown below
      }
      String version = filled(p.getProperty("version"), "dev");
      String commit = filled(p.getProperty("commit"), "unknown");
      return new String[] {"pbkv " + version + " (commit " + commit + ")"};
    }

    /** The build's value, or {@code fallback} when the build left the placeholder. */
    private static String filled(String value, String fallback) {
      return value == null || value.isBlank() || value.startsWith("${") ? fallback : value;
    }
  }
}
