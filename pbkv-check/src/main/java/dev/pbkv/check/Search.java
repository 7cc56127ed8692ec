package dev.pbkv.check;

import dev.pbkv.node.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model checker: breadth-first search (shortest traces; level-synchronous, on all cores),
 * random depth-first probes (seeded), minimization of a trace, replay, and a checks mode.
 *
 * <p>Breadth-first search keeps 128-bit fingerprints of the states it has seen, not the states:
 * each node state and message gets an exact id by its {@code equals} (a node's {@code hashCode}
 * need not cover all of its state), and a state's fingerprint mixes those ids; see {@link
 * FingerprintSet} for the chance of a collision.
 */
public final class Search {
  private Search() {}

  /** Live counters a caller may poll while a search runs (for a progress line). */
  public static final class Stats {
    public final AtomicLong states = new AtomicLong();
    public final AtomicInteger depth = new AtomicInteger();

    /** Bytes a breadth-first search holds per seen state: fingerprints and trace links. */
    public final AtomicLong storedBytes = new AtomicLong();

    /** Successor states computed (BFS: one per enabled event of each expanded state). */
    public final AtomicLong transitions = new AtomicLong();

    /** Each completed BFS level: its new states, the successors computed for it, and when. */
    public final List<Level> levels = Collections.synchronizedList(new ArrayList<>());

    /**
     * One completed breadth-first level.
     *
     * @param depth the level's depth (1 = the root's successors)
     * @param newStates states first seen at this level
     * @param transitions successors computed while expanding the level above
     * @param elapsedMillis time since the search started, when the level was complete
     */
    public record Level(int depth, long newStates, long transitions, long elapsedMillis) {}

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

  /** A fingerprint, as the key of the states new in one level. */
  private record Fp(long high, long low) {}

  /**
   * A state new in the level being expanded: of the equal states reached in the level, the one
   * reached from the earliest parent by its earliest event ({@code key}: parent position, then
   * event index), whichever thread found it first.
   */
  private static final class Candidate {
    SearchState state;
    long key;
    Found found;

    Candidate(SearchState state, long key, Found found) {
      this.state = state;
      this.key = key;
      this.found = found;
    }

    synchronized void offer(SearchState s, long k, SearchSettings settings) {
      if (k < key) {
        state = s;
        key = k;
        found = check(s, settings);
      }
    }
  }

  /**
   * Breadth-first search from {@code root}, level by level: the threads expand a level's states in
   * chunks; a successor whose fingerprint was seen at an earlier level is dropped, and of the equal
   * successors within the level the one from the earliest (parent, event) is kept. The new level is
   * then ordered by (parent, event), so the levels, the state counts and the counterexample (the
   * first violating state in that order) are the same on every run and every number of threads.
   *
   * <p>Only fingerprints of seen states are kept (see {@link FingerprintSet}), plus for each state
   * of each level the position of its parent in the level above and the index of its event among
   * the parent's events: 6 bytes. The trace of a state found is rebuilt from those by stepping from
   * {@code root} again (the handlers are deterministic), so the result's state links back to {@code
   * root} as {@link SearchState#step} does. Full states are kept for the level being expanded and
   * the next one only.
   */
  public static SearchResult bfs(SearchState root, SearchSettings settings, Stats stats) {
    long start = System.nanoTime();
    long deadline = settings.deadlineNanos(start);
    FingerprintSet visited = new FingerprintSet();
    visited.add(root);
    stats.states.set(1);
    Found first = check(root, settings);
    if (first != null) {
      return result(first, 0, 1, start, 0);
    }
    List<SearchState> frontier = List.of(root);
    List<int[]> parents = new ArrayList<>(); // per level >= 1: parent position in the level above
    List<char[]> choices = new ArrayList<>(); // per level >= 1: event index among the parent's
    long linkBytes = 0;
    int level = 0;
    int threads = settings.threads();
    ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemon()) : null;
    try {
      while (!frontier.isEmpty()) {
        if (level >= settings.maxDepth()) {
          return result(
              new Found(Outcome.DEPTH_EXHAUSTED, null, null), level, visited.size(), start, 0);
        }
        List<SearchState> current = frontier;
        int chunkSize = Math.max(64, current.size() / (threads * 16) + 1);
        int chunks = (current.size() + chunkSize - 1) / chunkSize;
        ConcurrentHashMap<Fp, Candidate> fresh = new ConcurrentHashMap<>();
        AtomicInteger nextChunk = new AtomicInteger();
        AtomicBoolean timeUp = new AtomicBoolean();
        AtomicLong levelTransitions = new AtomicLong();
        long seenBefore = visited.size();
        Runnable worker =
            () -> {
              int c;
              while ((c = nextChunk.getAndIncrement()) < chunks && !timeUp.get()) {
                int end = Math.min(current.size(), (c + 1) * chunkSize);
                long computed = 0;
                for (int k = c * chunkSize; k < end; k++) {
                  if ((k & 63) == 0 && System.nanoTime() > deadline) {
                    levelTransitions.addAndGet(computed);
                    timeUp.set(true);
                    return;
                  }
                  SearchState s = current.get(k);
                  if (settings.pruned(s)) {
                    continue;
                  }
                  List<Event> es = s.events(settings);
                  if (es.size() > Character.MAX_VALUE) {
                    throw new IllegalStateException("more than 65535 events enabled in a state");
                  }
                  computed += es.size();
                  for (int j = 0; j < es.size(); j++) {
                    SearchState n = s.stepUnlinked(es.get(j));
                    if (visited.contains(n)) { // no writes to visited during the expansion
                      continue;
                    }
                    long key = ((long) k << 16) | j;
                    Fp fp = new Fp(n.fingerprintHigh(), n.fingerprintLow());
                    Candidate known = fresh.get(fp);
                    if (known == null) {
                      known = fresh.putIfAbsent(fp, new Candidate(n, key, check(n, settings)));
                    }
                    if (known != null) {
                      known.offer(n, key, settings);
                    }
                  }
                }
                levelTransitions.addAndGet(computed);
                stats.states.set(seenBefore + fresh.size()); // an estimate until the level ends
              }
            };
        run(pool, threads, worker);
        Candidate[] next = fresh.values().toArray(new Candidate[0]);
        fresh.clear();
        for (Candidate cand : next) {
          visited.add(cand.state);
        }
        stats.states.set(visited.size());
        if (timeUp.get()) {
          stats.transitions.addAndGet(levelTransitions.get());
          return result(
              new Found(Outcome.TIME_EXHAUSTED, null, null), level, visited.size(), start, 0);
        }
        if (visited.size() > settings.maxStates()) {
          stats.transitions.addAndGet(levelTransitions.get());
          return result(
              new Found(Outcome.STATES_EXHAUSTED, null, null), level, visited.size(), start, 0);
        }
        level++;
        stats.depth.set(level);
        stats.transitions.addAndGet(levelTransitions.get());
        stats.levels.add(
            new Stats.Level(
                level,
                next.length,
                levelTransitions.get(),
                (System.nanoTime() - start) / 1_000_000));
        Arrays.sort(next, (a, b) -> Long.compare(a.key, b.key));
        for (Candidate cand : next) {
          if (cand.found != null) {
            SearchState end =
                rebuild(
                    root,
                    parents,
                    choices,
                    (int) (cand.key >>> 16),
                    (int) (cand.key & 0xFFFF),
                    settings,
                    cand.state);
            return result(
                new Found(cand.found.outcome(), end, cand.found.predicate()),
                level,
                visited.size(),
                start,
                0);
          }
        }
        int[] parent = new int[next.length];
        char[] choice = new char[next.length];
        List<SearchState> states = new ArrayList<>(next.length);
        for (int m = 0; m < next.length; m++) {
          parent[m] = (int) (next[m].key >>> 16);
          choice[m] = (char) (next[m].key & 0xFFFF);
          states.add(next[m].state);
          next[m] = null;
        }
        parents.add(parent);
        choices.add(choice);
        linkBytes += 6L * parent.length;
        stats.storedBytes.set(visited.bytes() + linkBytes);
        frontier = states;
      }
      return result(
          new Found(Outcome.SPACE_EXHAUSTED, null, null), level, visited.size(), start, 0);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /**
   * Steps from {@code root} along the recorded links to the state reached from the state at {@code
   * parentPos} of the last complete level by its event {@code choice}; checks it is {@code found}.
   */
  private static SearchState rebuild(
      SearchState root,
      List<int[]> parents,
      List<char[]> choices,
      int parentPos,
      int choice,
      SearchSettings settings,
      SearchState found) {
    int levels = parents.size() + 1;
    int[] path = new int[levels];
    path[levels - 1] = choice;
    int pos = parentPos;
    for (int l = levels - 1; l >= 1; l--) {
      path[l - 1] = choices.get(l - 1)[pos];
      pos = parents.get(l - 1)[pos];
    }
    SearchState s = root;
    for (int e : path) {
      s = s.step(s.events(settings).get(e));
    }
    if (s.fingerprintHigh() != found.fingerprintHigh()
        || s.fingerprintLow() != found.fingerprintLow()
        || !s.equals(found)) {
      throw new IllegalStateException(
          "stepping the same events again reached another state: a handler is nondeterministic"
              + " (run the checks mode)");
    }
    return s;
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
   * the state budget or the time limit; one stream of probes per thread, thread {@code t} seeded
   * {@code seed + t}. A violation's trace is minimized; the result's seed is that of the probe's
   * thread.
   */
  public static SearchResult dfs(
      SearchState root, SearchSettings settings, long seed, Stats stats) {
    long start = System.nanoTime();
    long deadline = settings.deadlineNanos(start);
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
    AtomicLong budget = new AtomicLong(); // states generated by every probe of this search
    AtomicBoolean budgetUsed = new AtomicBoolean();
    Runnable worker =
        () -> {
          long mySeed = seed + nextThread.getAndIncrement();
          SplittableRandom rnd = new SplittableRandom(mySeed);
          long generated = 0;
          while (found.get() == null) {
            if ((generated & 15) == 0
                && (System.nanoTime() > deadline || budget.get() >= settings.maxStates())) {
              budgetUsed.set(budget.get() >= settings.maxStates());
              break;
            }
            SearchState s = root;
            for (int d = 0; d < maxDepth && found.get() == null; d++) {
              if (settings.pruned(s)) {
                break;
              }
              int enabled = s.eventCount(settings);
              if (enabled == 0) {
                break;
              }
              s = s.step(s.event(settings, rnd.nextInt(enabled)));
              generated++;
              budget.incrementAndGet();
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
      Outcome why = budgetUsed.get() ? Outcome.STATES_EXHAUSTED : Outcome.TIME_EXHAUSTED;
      return result(new Found(why, null, null), deepest.get(), states, start, seed);
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
   * equal to their original or hash differently, equal states with different fingerprints, and
   * handlers that change the original through a shallow copy. An empty list means no problem was
   * seen.
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
        } else if (a.fingerprintHigh() != b.fingerprintHigh()
            || a.fingerprintLow() != b.fingerprintLow()) {
          problems.add("equal states with different fingerprints after [" + e + "]");
        }
        if (visited.add(a)) {
          queue.add(a);
        }
      }
    }
    return problems;
  }
}
