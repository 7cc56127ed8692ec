package dev.pbkv.check;

import dev.pbkv.node.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model checker: breadth-first search (shortest traces; level-synchronous, on all cores),
 * random depth-first probes (seeded), minimization of a trace, replay, and a checks mode.
 *
 * <p>De-duplication stores states (which share all but the changed node with their parent),
 * compared with the nodes' {@code equals}: exact, not a hash compaction, because a node's {@code
 * hashCode} need not cover all of its state.
 */
public final class Search {
  private Search() {}

  /** Live counters a caller may poll while a search runs (for a progress line). */
  public static final class Stats {
    public final AtomicLong states = new AtomicLong();
    public final AtomicInteger depth = new AtomicInteger();
    public final long startNanos = System.nanoTime();

    public long elapsedMillis() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }
  }

  private record Found(Outcome outcome, SearchState state, StatePredicate predicate) {}

  // --- breadth-first ------------------------------------------------------------------------

  public static SearchResult bfs(SearchState root, SearchSettings settings) {
    return bfs(root, settings, new Stats());
  }

  public static SearchResult bfs(SearchState root, SearchSettings settings, Stats stats) {
    long start = System.nanoTime();
    long deadline = start + settings.maxTimeMillis() * 1_000_000;
    Set<SearchState> visited = ConcurrentHashMap.newKeySet(1 << 16);
    visited.add(root);
    stats.states.set(1);
    Found first = check(root, settings);
    if (first != null) {
      return result(first, 0, 1, start, 0);
    }
    List<SearchState> frontier = List.of(root);
    int level = 0;
    int threads = settings.threads();
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
    try {
      while (!frontier.isEmpty()) {
        if (level >= settings.maxDepth()) {
          return result(
              new Found(Outcome.DEPTH_EXHAUSTED, null, null), level, visited.size(), start, 0);
        }
        AtomicReference<Found> found = new AtomicReference<>();
        List<SearchState> current = frontier;
        int chunkSize = Math.max(64, current.size() / (threads * 16) + 1);
        int chunks = (current.size() + chunkSize - 1) / chunkSize;
        List<List<SearchState>> outs = new ArrayList<>(chunks);
        for (int c = 0; c < chunks; c++) {
          outs.add(new ArrayList<>());
        }
        AtomicInteger nextChunk = new AtomicInteger();
        Runnable worker =
            () -> {
              int c;
              long added = 0;
              try {
                while ((c = nextChunk.getAndIncrement()) < chunks) {
                  List<SearchState> out = outs.get(c);
                  int end = Math.min(current.size(), (c + 1) * chunkSize);
                  for (int k = c * chunkSize; k < end; k++) {
                    if (found.get() != null) {
                      return;
                    }
                    if ((k & 63) == 0 && System.nanoTime() > deadline) {
                      found.compareAndSet(null, new Found(Outcome.TIME_EXHAUSTED, null, null));
                      return;
                    }
                    SearchState s = current.get(k);
                    if (settings.pruned(s)) {
                      continue;
                    }
                    for (Event e : s.events(settings)) {
                      SearchState n = s.step(e);
                      if (visited.add(n)) {
                        added++;
                        Found f = check(n, settings);
                        if (f != null) {
                          found.compareAndSet(null, f);
                        }
                        out.add(n);
                      }
                    }
                  }
                }
              } finally {
                stats.states.addAndGet(added);
              }
            };
        run(pool, threads, worker);
        level++;
        stats.depth.set(level);
        Found f = found.get();
        if (f != null) {
          return result(f, level, visited.size(), start, 0);
        }
        List<SearchState> next = new ArrayList<>();
        for (List<SearchState> out : outs) {
          next.addAll(out);
        }
        frontier = next;
      }
      return result(
          new Found(Outcome.SPACE_EXHAUSTED, null, null), level, visited.size(), start, 0);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  private static void run(ExecutorService pool, int threads, Runnable worker) {
    if (pool == null) {
      worker.run();
      return;
    }
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(pool.submit(worker));
    }
    for (Future<?> f : fs) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("search interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "pbkv-check-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static Found check(SearchState s, SearchSettings settings) {
    StatePredicate v = settings.violated(s);
    if (v != null) {
      return new Found(Outcome.INVARIANT_VIOLATED, s, v);
    }
    StatePredicate g = settings.reached(s);
    if (g != null) {
      return new Found(Outcome.GOAL_FOUND, s, g);
    }
    return null;
  }

  private static SearchResult result(Found f, int depth, long states, long startNanos, long seed) {
    return new SearchResult(
        f.outcome(),
        f.state(),
        f.predicate(),
        depth,
        states,
        (System.nanoTime() - startNanos) / 1_000_000,
        seed);
  }

  // --- random depth-first probes --------------------------------------------------------------

  public static SearchResult dfs(SearchState root, SearchSettings settings, long seed) {
    return dfs(root, settings, seed, new Stats());
  }

  /**
   * Random probes from {@code root}, each at most {@code maxDepth} events (100 if unlimited), until
   * the time limit; one stream of probes per thread, thread {@code t} seeded {@code seed + t}. A
   * violation's trace is minimized; the result's seed is that of the probe's thread.
   */
  public static SearchResult dfs(
      SearchState root, SearchSettings settings, long seed, Stats stats) {
    long start = System.nanoTime();
    long deadline = start + settings.maxTimeMillis() * 1_000_000;
    int maxDepth = settings.maxDepth() == Integer.MAX_VALUE ? 100 : settings.maxDepth();
    Found first = check(root, settings);
    if (first != null) {
      return result(first, 0, 1, start, seed);
    }
    int threads = settings.threads();
    AtomicReference<Found> found = new AtomicReference<>();
    AtomicLong foundSeed = new AtomicLong(seed);
    AtomicInteger deepest = new AtomicInteger();
    AtomicInteger nextThread = new AtomicInteger();
    Runnable worker =
        () -> {
          long mySeed = seed + nextThread.getAndIncrement();
          SplittableRandom rnd = new SplittableRandom(mySeed);
          long generated = 0;
          while (found.get() == null) {
            if ((generated & 15) == 0 && System.nanoTime() > deadline) {
              break;
            }
            SearchState s = root;
            for (int d = 0; d < maxDepth && found.get() == null; d++) {
              if (settings.pruned(s)) {
                break;
              }
              List<Event> es = s.events(settings);
              if (es.isEmpty()) {
                break;
              }
              s = s.step(es.get(rnd.nextInt(es.size())));
              generated++;
              stats.states.incrementAndGet();
              Found f = check(s, settings);
              if (f != null) {
                if (found.compareAndSet(null, f)) {
                  foundSeed.set(mySeed);
                }
                break;
              }
            }
            deepest.accumulateAndGet(s.depth() - root.depth(), Math::max);
            stats.depth.set(deepest.get());
          }
        };
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
    try {
      run(pool, threads, worker);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
    Found f = found.get();
    long states = stats.states.get();
    if (f == null) {
      return result(
          new Found(Outcome.TIME_EXHAUSTED, null, null), deepest.get(), states, start, seed);
    }
    SearchState end = f.state();
    if (f.outcome() == Outcome.INVARIANT_VIOLATED) {
      List<Event> trace = relative(root, end);
      List<Event> min = minimize(root, trace, settings, f.predicate());
      end = replay(root, min, settings);
    }
    return result(
        new Found(f.outcome(), end, f.predicate()), deepest.get(), states, start, foundSeed.get());
  }

  /** The events from {@code root} to {@code end}, a state reached from it. */
  private static List<Event> relative(SearchState root, SearchState end) {
    List<Event> all = end.trace();
    return all.subList(all.size() - (end.depth() - root.depth()), all.size());
  }

  // --- traces ---------------------------------------------------------------------------------

  /** Applies {@code events} from {@code root}; throws if one is not enabled. */
  public static SearchState replay(SearchState root, List<Event> events, SearchSettings settings) {
    SearchState s = root;
    int i = 1;
    for (Event e : events) {
      if (!s.enabled(e, settings)) {
        throw new IllegalArgumentException("event " + i + " is not enabled: " + e);
      }
      s = s.step(e);
      i++;
    }
    return s;
  }

  /**
   * Deletes events from {@code trace} while what remains still leads from {@code root} to a state
   * that breaks {@code invariant}; events that are not enabled after a deletion are dropped too.
   */
  public static List<Event> minimize(
      SearchState root, List<Event> trace, SearchSettings settings, StatePredicate invariant) {
    List<Event> cur = violatingPrefix(root, trace, settings, invariant);
    if (cur == null) {
      throw new IllegalArgumentException("the trace does not break " + invariant);
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = cur.size() - 1; i >= 0; i--) {
        if (i >= cur.size()) {
          continue;
        }
        List<Event> cand = new ArrayList<>(cur);
        cand.remove(i);
        List<Event> r = violatingPrefix(root, cand, settings, invariant);
        if (r != null) {
          cur = r;
          changed = true;
        }
      }
    }
    return cur;
  }

  private static List<Event> violatingPrefix(
      SearchState root, List<Event> events, SearchSettings settings, StatePredicate invariant) {
    SearchState s = root;
    List<Event> applied = new ArrayList<>();
    if (!invariant.holds(s)) {
      return applied;
    }
    for (Event e : events) {
      if (!s.enabled(e, settings)) {
        continue;
      }
      s = s.step(e);
      applied.add(e);
      if (!invariant.holds(s)) {
        return applied;
      }
    }
    return null;
  }

  // --- checks mode ---------------------------------------------------------------------------

  /**
   * Explores up to {@code maxStates} states breadth-first and runs every event twice on copies:
   * reports handlers that are nondeterministic (the two successors differ), copies that are not
   * equal to their original or hash differently, and handlers that change the original through a
   * shallow copy. An empty list means no problem was seen.
   */
  public static List<String> checks(SearchState root, SearchSettings settings, int maxStates) {
    List<String> problems = new ArrayList<>();
    Set<SearchState> visited = new java.util.HashSet<>();
    java.util.ArrayDeque<SearchState> queue = new java.util.ArrayDeque<>();
    visited.add(root);
    queue.add(root);
    while (!queue.isEmpty() && visited.size() < maxStates && problems.size() < 20) {
      SearchState s = queue.poll();
      if (settings.pruned(s)) {
        continue;
      }
      for (Event e : s.events(settings)) {
        Node original = s.node(e.node());
        int hashBefore = original.hashCode();
        Node snapshot = SearchState.copyNode(original);
        if (!snapshot.equals(original) || snapshot.hashCode() != original.hashCode()) {
          problems.add(
              "copy of " + e.node() + " is not equal to it (or hashes differently): " + original);
        }
        SearchState a = s.step(e);
        SearchState b = s.step(e);
        if (!original.equals(snapshot) || original.hashCode() != hashBefore) {
          problems.add(
              "handling [" + e + "] changed the original " + e.node() + ": copy() is shallow");
        }
        if (!a.equals(b) || a.hashCode() != b.hashCode()) {
          problems.add("nondeterministic handler: [" + e + "] gave two different states");
        }
        if (visited.add(a)) {
          queue.add(a);
        }
      }
    }
    return problems;
  }
}
