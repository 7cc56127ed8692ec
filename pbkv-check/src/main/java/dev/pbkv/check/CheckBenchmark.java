package dev.pbkv.check;

import static dev.pbkv.check.CheckSystem.append;
import static dev.pbkv.check.CheckSystem.get;

import java.util.Locale;

/**
 * The model checker's speed (run by hand, not a timed test): distinct states per second of BFS on
 * the 3-server, 2-client configuration, and generated states per second of random DFS on it; and
 * what BFS stores per state. To see the memory in use, run it with a small heap ({@code -Xmx256m}).
 *
 * <pre>
 * java -cp pbkv-sim/target/classes:pbkv-core/target/classes dev.pbkv.check.CheckBenchmark [seconds [threads]]
 * </pre>
 */
public final class CheckBenchmark {
  private CheckBenchmark() {}

  public static CheckSystem system() {
    return CheckSystem.create()
        .servers(3)
        .client(append("k", "a"), get("k"))
        .client(append("k", "b"));
  }

  public static SearchSettings settings(CheckSystem sys, long millis) {
    return new SearchSettings()
        .invariant(Predicates.resultsLinearizable())
        .prune(Predicates.viewNumAbove(3))
        .prune(Predicates.missedChecksAbove(sys.serverAddresses(), 2))
        .maxTimeMillis(millis);
  }

  public static void main(String[] args) {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 10;
    int threads =
        args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
    CheckSystem sys = system();
    SearchState init = sys.initialState();
    System.out.println("warming up …");
    Search.bfs(init, settings(sys, 2_000));
    Search.dfs(init, settings(sys, 2_000).maxDepth(60), 1);
    Search.Stats stats = new Search.Stats();
    SearchState root = sys.initialState();
    SearchResult bfs = Search.bfs(root, settings(sys, seconds * 1000).threads(threads), stats);
    System.out.printf(
        Locale.ROOT,
        "BFS (%d threads): %,d distinct states in %.1f s to depth %d: %,.0f distinct states/s (%s)%n",
        threads,
        bfs.states(),
        bfs.elapsedMillis() / 1000.0,
        bfs.depth(),
        bfs.statesPerSecond(),
        bfs.outcome());
    System.out.printf(
        Locale.ROOT,
        "BFS storage: %.1f bytes per seen state (fingerprint table and trace links, %,d KB);"
            + " interned: %,d node states, %,d messages%n",
        stats.storedBytes.get() / (double) bfs.states(),
        stats.storedBytes.get() >> 10,
        root.interner().slotCount(),
        root.interner().envelopeCount());
    SearchResult dfs =
        Search.dfs(init, settings(sys, seconds * 1000).maxDepth(60).threads(threads), 1);
    System.out.printf(
        Locale.ROOT,
        "DFS: %,d generated states in %.1f s: %,.0f generated states/s (%s)%n",
        dfs.states(),
        dfs.elapsedMillis() / 1000.0,
        dfs.statesPerSecond(),
        dfs.outcome());
    Runtime rt = Runtime.getRuntime();
    System.out.printf(
        Locale.ROOT,
        "heap in use after: %,d MB (max %,d MB)%n",
        (rt.totalMemory() - rt.freeMemory()) >> 20,
        rt.maxMemory() >> 20);
  }
}
