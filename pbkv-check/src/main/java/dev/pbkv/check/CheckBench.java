package dev.pbkv.check;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The model checker's speed, measured on a fixed amount of work ({@code pbkv check-bench}).
 *
 * <p>Breadth-first search: named searches of {@link SearchScenarios} run with the correct protocol
 * until they exhaust their (pruned) space, so every round does exactly the same work and the
 * figures compare across machines and commits: distinct states per second, and successors computed
 * (transitions) per second. A time-bounded run is no measure: the later levels of a search compute
 * many successors for each new state (most are states already seen), so "distinct states per
 * second" falls as a search goes deeper and depends on where the time limit cuts it.
 *
 * <p>Random depth-first probes: a seeded run of fixed duration on the 3-server, 2-client
 * configuration; every step computes one successor, so generated states per second are steady along
 * a run.
 */
public final class CheckBench {
  /** The searches measured by default: the two largest that exhaust their space. */
  public static final List<String> DEFAULT_SEARCHES = List.of("three-servers", "stale-read");

  private final PrintWriter out;
  private final int threads;

  /** A benchmark that prints to {@code out} and searches with {@code threads} threads. */
  public CheckBench(PrintWriter out, int threads) {
    this.out = out;
    this.threads = threads;
  }

  /** What one round of one search did. */
  public record Round(long states, long transitions, int depth, long millis, long storedBytes) {
    /** The same work with another duration (rounds differ only in time). */
    public Round withMillis(long newMillis) {
      return new Round(states, transitions, depth, newMillis, storedBytes);
    }
  }

  /**
   * Runs {@code search} to exhaustion {@code rounds} times after one unmeasured warm-up round;
   * prints one line per round and the median; returns the measured rounds.
   */
  public List<Round> bfs(String search, int rounds) {
    SearchScenario scenario = SearchScenarios.byName(search);
    if (scenario == null) {
      throw new IllegalArgumentException("no search named '" + search + "'");
    }
    once(scenario); // warm-up: the JIT compiles the handlers and the search
    List<Round> measured = new ArrayList<>();
    for (int r = 1; r <= rounds; r++) {
      Round round = once(scenario);
      measured.add(round);
      out.printf(
          Locale.ROOT,
          "  %-14s round %d: %,9d states, %,11d transitions, depth %2d, %6.2f s:"
              + " %,8.0f states/s, %,10.0f transitions/s, %.1f B/state%n",
          search,
          r,
          round.states(),
          round.transitions(),
          round.depth(),
          round.millis() / 1000.0,
          perSecond(round.states(), round.millis()),
          perSecond(round.transitions(), round.millis()),
          round.storedBytes() / (double) round.states());
      out.flush();
    }
    long[] millis = measured.stream().mapToLong(Round::millis).sorted().toArray();
    long median = millis[millis.length / 2];
    Round first = measured.get(0);
    out.printf(
        Locale.ROOT,
        "  %-14s median %.2f s (min %.2f, max %.2f): %,.0f distinct states/s, %,.0f"
            + " transitions/s%n",
        search,
        median / 1000.0,
        millis[0] / 1000.0,
        millis[millis.length - 1] / 1000.0,
        perSecond(first.states(), median),
        perSecond(first.transitions(), median));
    out.flush();
    return measured;
  }

  private Round once(SearchScenario scenario) {
    Search.Stats stats = new Search.Stats();
    long start = System.nanoTime();
    SearchScenario.Run run = scenario.run(Set.of(), s -> s.threads(threads), null, stats);
    long millis = (System.nanoTime() - start) / 1_000_000;
    SearchResult last = run.last();
    if (last.outcome() != scenario.expected()) {
      throw new IllegalStateException(
          scenario.name() + " ended " + last.outcome() + ", expected " + scenario.expected());
    }
    // the setup phases are small next to the last: time the whole run, count the last phase
    return new Round(
        last.states(), stats.transitions.get(), last.depth(), millis, stats.storedBytes.get());
  }

  /**
   * Random DFS on the 3-server, 2-client configuration for {@code seconds}, seed {@code seed}
   * (after a 2-second warm-up); prints and returns the generated states per second.
   */
  public double dfs(long seconds, long seed) {
    CheckSystem sys = threeServers();
    SearchState init = sys.initialState();
    Search.dfs(init, settings(sys, 2_000), seed);
    SearchResult r = Search.dfs(init, settings(sys, seconds * 1000), seed);
    out.printf(
        Locale.ROOT,
        "  random DFS (seed %d, %d threads): %,d generated states in %.1f s: %,.0f states/s%n",
        seed,
        threads,
        r.states(),
        r.elapsedMillis() / 1000.0,
        r.statesPerSecond());
    out.flush();
    return r.statesPerSecond();
  }

  /**
   * BFS of the 3-server, 2-client configuration cut at {@code seconds}, level by level: shows why a
   * time-bounded "states per second" is no measure (it falls level by level).
   */
  public void levels(long seconds) {
    CheckSystem sys = threeServers();
    Search.Stats stats = new Search.Stats();
    SearchResult r =
        Search.bfs(sys.initialState(), settings(sys, seconds * 1000).maxDepth(60), stats);
    out.printf(
        Locale.ROOT,
        "  BFS of 3 servers and 2 clients, cut at %d s (%s at depth %d, %,d states):%n",
        seconds,
        r.outcome(),
        r.depth(),
        r.states());
    out.println("  level   new states   transitions  transitions/new   elapsed   states/s so far");
    long total = 1;
    for (Search.Stats.Level l : stats.levels) {
      total += l.newStates();
      out.printf(
          Locale.ROOT,
          "  %5d %12d %13d %16.1f %8.2f s %17.0f%n",
          l.depth(),
          l.newStates(),
          l.transitions(),
          l.transitions() / (double) Math.max(1, l.newStates()),
          l.elapsedMillis() / 1000.0,
          perSecond(total, l.elapsedMillis()));
    }
    out.flush();
  }

  /** The configuration of the DFS and levels runs: 3 servers, clients append/get and append. */
  static CheckSystem threeServers() {
    return CheckSystem.create()
        .servers(3)
        .client(CheckSystem.append("k", "a"), CheckSystem.get("k"))
        .client(CheckSystem.append("k", "b"));
  }

  private SearchSettings settings(CheckSystem sys, long millis) {
    return new SearchSettings()
        .invariant(Predicates.resultsLinearizable())
        .prune(Predicates.viewNumAbove(3))
        .prune(Predicates.missedChecksAbove(sys.serverAddresses(), 2))
        .maxDepth(60)
        .maxTimeMillis(millis)
        .threads(threads);
  }

  private static double perSecond(long count, long millis) {
    return count * 1000.0 / Math.max(1, millis);
  }

  /** For a quick run without the CLI: {@code java -cp pbkv.jar dev.pbkv.check.CheckBench}. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    CheckBench bench = new CheckBench(out, Runtime.getRuntime().availableProcessors());
    for (String s : args.length > 0 ? Arrays.asList(args) : DEFAULT_SEARCHES) {
      bench.bfs(s, 3);
    }
    bench.dfs(10, 1);
  }
}
