package dev.pbkv.cli;

import dev.pbkv.check.CheckTrace;
import dev.pbkv.check.Outcome;
import dev.pbkv.check.Search;
import dev.pbkv.check.SearchResult;
import dev.pbkv.check.SearchScenario;
import dev.pbkv.check.SearchScenarios;
import dev.pbkv.check.TraceExport;
import dev.pbkv.rules.RuleSwitch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv check}: the model checker on a named search of a small configuration. */
@Command(
    name = "check",
    header = "Search every interleaving of a small configuration (model checker).",
    footer = {
      "",
      "Example:  pbkv check list",
      "          pbkv check failover --break REPLY_BEFORE_BACKUP_ACK --save-trace t.trace",
      "          pbkv check failover --replay t.trace"
    },
    mixinStandardHelpOptions = true,
    description = {
      "Runs a named search: setup phases reach their goals breadth-first, then the last phase",
      "searches breadth-first (shortest counterexample) or by random depth-first probes.",
      "Exit 0 when the outcome is the expected one: a violation when a rule this search catches",
      "is broken, none otherwise. 'pbkv check list' shows the searches.",
      "",
      "--save-trace FILE writes the trace found (all phases, from the initial state) as text;",
      "'pbkv check NAME --replay FILE' runs it again on the real nodes, with the rules it was",
      "recorded with, and exits 0 when the violation (or goal) shows again. --diagram and --trace",
      "draw or record the trace found, or the replayed one."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "'list', or a search name")
  String name;

  @Option(names = "--bfs", description = "breadth-first search of the last phase (the default)")
  boolean bfs;

  @Option(names = "--dfs", description = "random depth-first probes in the last phase")
  boolean dfs;

  @Option(names = "--depth", paramLabel = "N", description = "depth limit of the last phase")
  Integer depth;

  @Option(
      names = "--time",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "time limit of the last phase (default: the search's own)")
  Long timeMillis;

  @Option(
      names = "--break",
      paramLabel = "RULE",
      description = "break a rule on purpose; one of: ${COMPLETION-CANDIDATES}")
  List<RuleSwitch> broken = List.of();

  @Option(names = "--seed", description = "seed of the DFS probes (default: from the clock)")
  Long seed;

  @Option(names = "--threads", description = "threads (default: the number of cores)")
  Integer threads;

  @Option(
      names = "--save-trace",
      paramLabel = "FILE",
      description = "save the trace found (violation or goal) for --replay")
  Path saveTrace;

  @Option(
      names = "--replay",
      paramLabel = "FILE",
      description = "search nothing: replay a trace saved with --save-trace and check it again")
  Path replay;

  @picocli.CommandLine.Mixin TraceOutput traceOutput;

  @Option(names = "--json", description = "print one JSON object instead (docs/json.md)")
  boolean json;

  @Override
  public Integer call() {
    traceOutput.checkWritable();
    FileChecks.writable(saveTrace, "--save-trace");
    PrintWriter out = json ? Json.discard() : spec.commandLine().getOut();
    if (name.equals("list")) {
      if (json) {
        com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
        com.fasterxml.jackson.databind.node.ArrayNode searches = o.putArray("searches");
        for (SearchScenario s : SearchScenarios.all()) {
          com.fasterxml.jackson.databind.node.ObjectNode item = searches.addObject();
          item.put("name", s.name());
          item.put("description", s.description());
          item.put("expected", s.expected().name());
          item.set("catches", Json.strings(s.catches()));
        }
        Json.print(o, spec.commandLine().getOut());
        return 0;
      }
      for (SearchScenario s : SearchScenarios.all()) {
        out.printf(
            Locale.ROOT,
            "%-20s %s%n%-20s expects %s; catches %s%n",
            s.name(),
            s.description(),
            "",
            s.expected(),
            s.catches().isEmpty() ? "-" : s.catches());
      }
      return 0;
    }
    SearchScenario scenario = SearchScenarios.byName(name);
    if (scenario == null) {
      throw new UserError(
          "unknown search '"
              + name
              + "'; expected one of: "
              + SearchScenarios.all().stream()
                  .map(SearchScenario::name)
                  .collect(Collectors.joining(", ")));
    }
    if (replay != null) {
      return replay(scenario, out);
    }
    if (bfs && dfs) {
      throw new UserError("--bfs and --dfs exclude each other; give one");
    }
    if (depth != null && depth < 1) {
      throw new UserError("--depth must be at least 1, got " + depth);
    }
    if (threads != null && threads < 1) {
      throw new UserError("--threads must be at least 1, got " + threads);
    }
    Set<RuleSwitch> rules =
        broken.isEmpty() ? EnumSet.noneOf(RuleSwitch.class) : EnumSet.copyOf(broken);
    Long dfsSeed = null;
    if (dfs) {
      dfsSeed = seed != null ? seed : System.nanoTime() & 0xFFFFFFFFL;
    }
    out.println(
        "search "
            + scenario.name()
            + ": "
            + scenario.description()
            + (rules.isEmpty() ? "" : "; broken on purpose: " + rules)
            + (dfs ? "; DFS seed " + dfsSeed : "; BFS"));
    out.flush();
    Search.Stats stats = new Search.Stats();
    Thread progress = progressLine(stats, System.console() != null);
    SearchScenario.Run run;
    try {
      run =
          scenario.run(
              rules,
              s -> {
                if (depth != null) {
                  s.maxDepth(depth);
                }
                if (timeMillis != null) {
                  s.maxTimeMillis(timeMillis);
                }
                if (threads != null) {
                  s.threads(threads);
                }
                return s;
              },
              dfsSeed,
              stats);
    } finally {
      progress.interrupt();
      try {
        progress.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (System.console() != null) {
        System.err.print("\r\033[K");
        System.err.flush();
      }
    }
    int i = 1;
    for (SearchResult r : run.phases()) {
      String phase = scenario.phases().get(i - 1).name();
      out.println("phase " + i++ + " (" + phase + "): " + r.summary());
    }
    SearchResult last = run.last();
    if (last.outcome() == Outcome.INVARIANT_VIOLATED) {
      out.println("counterexample (" + run.fullTrace().size() + " events from the start):");
      int n = 1;
      for (var e : run.fullTrace()) {
        out.printf(Locale.ROOT, "%3d. %s%n", n++, e);
      }
      out.println("final state:");
      out.println(last.state());
    }
    boolean setupOk = run.phases().size() == scenario.phases().size();
    if (saveTrace != null || traceOutput.wanted()) {
      writeTrace(scenario, rules, run, out);
    }
    boolean expected = setupOk && scenario.isExpected(last.outcome(), rules);
    out.println(
        (expected ? "as expected" : "NOT as expected")
            + ": "
            + last.outcome()
            + " (expected "
            + scenario.expectedWith(rules)
            + (scenario.expectedWith(rules) == Outcome.SPACE_EXHAUSTED
                ? ", or a depth/time limit without a violation"
                : "")
            + ")");
    int exit = expected ? 0 : 1;
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
      o.put("search", scenario.name());
      o.set("broken", Json.strings(rules));
      o.put("strategy", dfs ? "dfs" : "bfs");
      if (dfsSeed == null) {
        o.putNull("dfs_seed");
      } else {
        o.put("dfs_seed", dfsSeed);
      }
      com.fasterxml.jackson.databind.node.ArrayNode phases = o.putArray("phases");
      for (int p = 0; p < run.phases().size(); p++) {
        SearchResult r = run.phases().get(p);
        phases
            .addObject()
            .put("name", scenario.phases().get(p).name())
            .put("outcome", r.outcome().name())
            .put("predicate", r.predicate() == null ? null : r.predicate().toString())
            .put("depth", r.depth())
            .put("states", r.states())
            .put("elapsed_ms", r.elapsedMillis());
      }
      o.put("outcome", last.outcome().name());
      o.put("expected", scenario.expectedWith(rules).name());
      o.put("as_expected", expected);
      o.set(
          "counterexample",
          Json.strings(last.outcome() == Outcome.INVARIANT_VIOLATED ? run.fullTrace() : List.of()));
      boolean saved = saveTrace != null && last.state() != null && setupOk; // as writeTrace
      o.put("saved_trace", saved ? saveTrace.toString() : null);
      o.put("exit", exit);
      Json.print(o, spec.commandLine().getOut());
    }
    return exit;
  }

  /** Saves, records or draws the trace {@code run} found (if it found one). */
  private void writeTrace(
      SearchScenario scenario, Set<RuleSwitch> rules, SearchScenario.Run run, PrintWriter out) {
    if (run.last().state() == null || run.phases().size() != scenario.phases().size()) {
      out.println("no trace to save or draw: the search ended with " + run.last().outcome());
      return;
    }
    CheckTrace trace = CheckTrace.of(scenario, rules, run);
    if (saveTrace != null) {
      try {
        trace.write(saveTrace);
      } catch (IOException e) {
        throw new UserError("cannot write " + saveTrace + ": " + e.getMessage());
      }
      out.println(
          "trace saved: "
              + saveTrace
              + " ("
              + trace.size()
              + " events; replay: pbkv check "
              + scenario.name()
              + " --replay "
              + saveTrace
              + ")");
    }
    if (traceOutput.wanted()) {
      traceOutput.write(TraceExport.of(trace.replay(scenario)), out);
    }
  }

  /** {@code --replay FILE}: loads a saved trace and runs it again. */
  private int replay(SearchScenario scenario, PrintWriter out) {
    if (dfs || bfs || depth != null || timeMillis != null || seed != null || saveTrace != null) {
      throw new UserError(
          "--replay searches nothing: drop --bfs, --dfs, --depth, --time, --seed and --save-trace");
    }
    CheckTrace trace;
    try {
      trace = CheckTrace.read(replay);
    } catch (IOException e) {
      throw new UserError("cannot read " + replay + ": " + e.getMessage());
    }
    Set<RuleSwitch> rules =
        broken.isEmpty() ? EnumSet.noneOf(RuleSwitch.class) : EnumSet.copyOf(broken);
    if (!broken.isEmpty() && !rules.equals(trace.broken())) {
      throw new UserError(
          replay
              + " was recorded with --break "
              + (trace.broken().isEmpty() ? "(none)" : trace.broken())
              + ", not "
              + rules
              + ": drop --break, the trace names its rules");
    }
    CheckTrace.Replay r;
    try {
      r = trace.replay(scenario);
    } catch (IllegalArgumentException e) {
      throw new UserError(replay + ": " + e.getMessage());
    }
    out.println(
        "replay of "
            + replay
            + ": search "
            + trace.search()
            + (trace.broken().isEmpty() ? "" : "; broken on purpose: " + trace.broken())
            + "; recorded outcome "
            + trace.outcome()
            + " ("
            + trace.predicate()
            + ")");
    int n = 1;
    for (int i = 0; i < r.phases().size(); i++) {
      CheckTrace.ReplayedPhase p = r.phases().get(i);
      out.println("phase " + (i + 1) + " (" + p.name() + "): " + p.events().size() + " events");
      for (var e : p.events()) {
        out.printf(Locale.ROOT, "%3d. %s%n", n++, e);
      }
    }
    out.println("final state:");
    out.println(r.end());
    if (traceOutput.wanted()) {
      traceOutput.write(TraceExport.of(r), out);
    }
    out.println(r.verdict());
    int exit = r.reproduced() ? 0 : 1;
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
      o.put("replay", replay.toString());
      o.put("search", trace.search());
      o.set("broken", Json.strings(trace.broken()));
      o.put("recorded_outcome", trace.outcome().name());
      o.put("predicate", trace.predicate());
      o.set("events", Json.strings(r.events()));
      o.put("reproduced", r.reproduced());
      o.put("verdict", r.verdict());
      o.put("exit", exit);
      Json.print(o, spec.commandLine().getOut());
    }
    return exit;
  }

  private static Thread progressLine(Search.Stats stats, boolean live) {
    Thread t =
        new Thread(
            () -> {
              long lastStates = 0;
              long lastMillis = stats.elapsedMillis();
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Thread.sleep(500);
                  long states = stats.states.get();
                  long now = stats.elapsedMillis();
                  double rate = (states - lastStates) * 1000.0 / Math.max(1, now - lastMillis);
                  lastStates = states;
                  lastMillis = now;
                  if (!live) {
                    continue;
                  }
                  System.err.printf(
                      Locale.ROOT,
                      "\r\033[K%,d states, depth %d, %,.0f states/s, %.1f s",
                      states,
                      stats.depth.get(),
                      rate,
                      now / 1000.0);
                  System.err.flush();
                }
              } catch (InterruptedException e) {
                // done
              }
            },
            "pbkv-check-progress");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
