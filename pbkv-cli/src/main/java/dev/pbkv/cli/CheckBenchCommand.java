package dev.pbkv.cli;

import dev.pbkv.check.CheckBench;
import dev.pbkv.check.SearchScenarios;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv check-bench}: the model checker's speed on a fixed amount of work. */
@Command(
    name = "check-bench",
    header = "Measure the model checker's speed.",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the model checker on a fixed amount of work, so the figures compare across",
      "machines and commits: each named search runs with the correct protocol until it has",
      "explored its whole (pruned) space, once to warm up and then --rounds times; it prints",
      "distinct states/s and transitions/s (successors computed) per round and the median.",
      "Then random depth-first probes run for --dfs-seconds (generated states/s).",
      "",
      "A time-bounded breadth-first run is no measure: the deeper levels compute many",
      "successors per new state, so its states/s falls level by level; --levels shows this.",
      "",
      "Example:  pbkv check-bench --searches three-servers --rounds 5"
    })
final class CheckBenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--searches",
      split = ",",
      paramLabel = "NAME",
      description = "searches to run to exhaustion (default: three-servers,stale-read)")
  List<String> searches = CheckBench.DEFAULT_SEARCHES;

  @Option(
      names = "--rounds",
      description = "measured rounds per search (default: ${DEFAULT-VALUE})")
  int rounds = 3;

  @Option(
      names = "--threads",
      description = "search threads (default: the number of processors, ${DEFAULT-VALUE})")
  int threads = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--dfs-seconds",
      description =
          "seconds of random DFS after the searches; 0 skips it (default: ${DEFAULT-VALUE})")
  int dfsSeconds = 10;

  @Option(names = "--seed", description = "seed of the random DFS (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(
      names = "--levels",
      paramLabel = "SECONDS",
      description = "also show a BFS cut after SECONDS, level by level (default: off)")
  int levelSeconds;

  @Override
  public Integer call() {
    if (rounds < 1 || threads < 1 || dfsSeconds < 0 || levelSeconds < 0) {
      throw new UserError(
          "--rounds and --threads must be at least 1, --dfs-seconds and --levels at least 0");
    }
    for (String s : searches) {
      if (SearchScenarios.all().stream().noneMatch(sc -> sc.name().equals(s))) {
        throw new UserError("no search named '" + s + "' (see 'pbkv check list')");
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "pbkv check-bench: %d threads, %d processors, Java %s%n",
        threads, Runtime.getRuntime().availableProcessors(), Runtime.version());
    CheckBench bench = new CheckBench(out, threads);
    out.println("breadth-first search to exhaustion (one warm-up round each):");
    for (String s : searches) {
      bench.bfs(s, rounds);
    }
    if (dfsSeconds > 0) {
      out.println("random depth-first probes:");
      bench.dfs(dfsSeconds, seed);
    }
    if (levelSeconds > 0) {
      bench.levels(levelSeconds);
    }
    return 0;
  }
}
