package dev.pbkv.cli;

import dev.pbkv.debug.DebugServer;
import dev.pbkv.debug.ScenarioStart;
import dev.pbkv.debug.Session;
import dev.pbkv.debug.SessionFile;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.scenario.Scenario;
import dev.pbkv.sim.scenario.Scenarios;
import java.awt.Desktop;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv debug}: steps the real nodes from a page in the browser. */
@Command(
    name = "debug",
    header = "Step the real nodes from a browser page: deliver, drop, crash, undo, branch.",
    mixinStandardHelpOptions = true,
    description = {
      "Serves a page on 127.0.0.1 that drives the real protocol nodes one step at a time, as the",
      "model checker does: pick the message to deliver next (or drop or duplicate it), fire a",
      "timer, crash, restart or pause a node, cut links, call from a client; undo, and branch from",
      "any earlier state. Each node's state and clocks sit beside the growing space-time diagram;",
      "after every step the invariants are checked (one primary per view, linearizable so far,",
      "nothing lost) and the first violation is marked.",
      "",
      "Start from a scenario (its own run is the plan you can follow with 'next'), from a model",
      "checker trace (pbkv check NAME --save-trace FILE), or from a saved session (the page's",
      "'save session': a pbkv trace that also holds the actions, replayed here on the real nodes).",
      "Stop with the page's quit button or Ctrl-C."
    },
    footer = {
      "",
      "Example:  pbkv debug split-brain --break NON_PRIMARY_SERVES",
      "          pbkv check failover --break REPLY_BEFORE_BACKUP_ACK --save-trace t.trace",
      "          pbkv debug --replay t.trace"
    })
final class DebugCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SCENARIO",
      description = "a scenario from 'pbkv scenario list'")
  String name;

  @Option(
      names = "--break",
      paramLabel = "RULE",
      description = "break a rule on purpose; one of: ${COMPLETION-CANDIDATES}")
  List<RuleSwitch> broken = List.of();

  @Option(names = "--seed", description = "seed of the scenario's run (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(
      names = "--replay",
      paramLabel = "FILE",
      description = "start from a model checker trace or a saved session instead")
  Path replay;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "port on 127.0.0.1 (default: a free one, printed)")
  int port = 0;

  @Option(names = "--no-browser", description = "only print the address; do not open a browser")
  boolean noBrowser;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (port < 0 || port > 65535) {
      throw new UserError("--port must be between 0 and 65535, got " + port);
    }
    Session session = session();
    try (DebugServer server = start(session)) {
      out.println("pbkv debug: " + session.start().title());
      out.println(
          "serving "
              + server.uri()
              + " (on 127.0.0.1 only; stop with the page's quit button or Ctrl-C)");
      out.flush();
      if (!noBrowser) {
        openBrowser(server, out);
      }
      Thread hook = new Thread(server::close, "pbkv-debug-shutdown"); // Ctrl-C
      Runtime.getRuntime().addShutdownHook(hook);
      server.awaitStop();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook has run
      }
      out.println("pbkv debug: stopped");
    }
    return 0;
  }

  private DebugServer start(Session session) {
    try {
      return DebugServer.start(session, port);
    } catch (IOException e) {
      throw new UserError("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage());
    }
  }

  private Session session() {
    if (replay != null) {
      if (name != null || !broken.isEmpty()) {
        throw new UserError("--replay starts from its file: drop the scenario name and --break");
      }
      try {
        return SessionFile.open(replay);
      } catch (IOException e) {
        throw new UserError("cannot read " + replay + ": " + e.getMessage());
      }
    }
    if (name == null) {
      throw new UserError("name a scenario (pbkv scenario list) or give --replay FILE");
    }
    Scenario scenario =
        Scenarios.byName(name)
            .orElseThrow(
                () ->
                    new UserError(
                        "unknown scenario '"
                            + name
                            + "'; expected one of: "
                            + Scenarios.all().stream()
                                .map(Scenario::name)
                                .collect(Collectors.joining(", "))));
    EnumSet<RuleSwitch> rules =
        broken.isEmpty() ? EnumSet.noneOf(RuleSwitch.class) : EnumSet.copyOf(broken);
    if (scenario.notInDebugger() != null) {
      throw new UserError(
          "the debugger cannot replay scenario "
              + scenario.name()
              + ": "
              + scenario.notInDebugger());
    }
    return new Session(ScenarioStart.of(scenario, seed, rules));
  }

  /** Opens the page where a desktop browser is available; a headless machine just prints it. */
  private static void openBrowser(DebugServer server, PrintWriter out) {
    try {
      if (!java.awt.GraphicsEnvironment.isHeadless()
          && Desktop.isDesktopSupported()
          && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        Desktop.getDesktop().browse(server.uri());
        return;
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // fall through: print the address
    }
    out.println("no browser to open here: open the address above in one");
  }
}
