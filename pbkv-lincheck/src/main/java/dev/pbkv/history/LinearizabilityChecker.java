package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks that a key-value history is linearizable: the Wing &amp; Gong search with Lowe's
 * memoization (as in Porcupine and Knossos), run on each key's sub-history separately — every
 * command touches one key, so the history is linearizable iff each key's is.
 *
 * <p>Semantics. The model of a key is its value (or absent), with the exact semantics of {@link
 * dev.pbkv.kv.KvStore#execute}. An op with a null result is indeterminate: it may take effect at
 * any point after its call, or never. Indeterminate reads constrain nothing and are dropped before
 * the search; so are ops whose result is {@link Result.Error} (they did not take effect), and
 * indeterminate writes that nobody can have observed. A write whose result carries no value (an
 * append answered {@link Result.Ok}, as in external histories) is not checked against an output.
 * Times: an op is concurrent with every op whose interval it touches — a call at time t counts as
 * before a return at time t (as in Porcupine), the permissive choice. Scans ({@link
 * dev.pbkv.kv.Command.Scan}) read a range of keys, which this per-key model cannot express: they
 * are skipped here and {@link ScanCheck} checks a weaker property.
 *
 * <p>Search. Per key, Porcupine's search over a linked list of call and return entries, with a memo
 * of (set of linearized ops, value) in primitive arrays. On top of it, all exact (each is argued in
 * its class): a read that matches the current value is linearized without branching; a lookahead
 * prunes a value that an op whose return is due can no longer find; values no op can observe share
 * one state. Cost is dominated by the number of concurrent writes whose order no read pins down.
 *
 * <p>Contract: the verdict is {@link Verdict#OK} only if a linearization exists, {@link
 * Verdict#ILLEGAL} only if none does, and {@link Verdict#UNKNOWN} when the budget ran out first.
 * Keys are checked in order of size (then name), on up to as many threads as there are cores; the
 * reported key is the first illegal one in that order, whatever the thread timing. The memo is
 * capped to a share of the heap; past it the search goes on without remembering more.
 */
public final class LinearizabilityChecker {
  /** The budget of {@link #check(List)}. */
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(10);

  private static final int PARALLEL_MIN_OPS = 1024;
  private static final Duration EXPLAIN_BUDGET = Duration.ofSeconds(2);
  private static final Duration EXPLAIN_MIN = Duration.ofMillis(250);

  private static volatile ExecutorService pool;

  private LinearizabilityChecker() {}

  /** Checks {@code history} within {@link #DEFAULT_BUDGET}. */
  public static CheckResult check(List<HistoryOp> history) {
    return check(history, DEFAULT_BUDGET);
  }

  /**
   * Checks {@code history}, giving up with {@link Verdict#UNKNOWN} after {@code budget} (the
   * explanation of an illegal history may take up to 2 s more, at least 250 ms).
   *
   * @throws IllegalArgumentException if an op returns before it is called
   */
  public static CheckResult check(List<HistoryOp> history, Duration budget) {
    long start = System.nanoTime();
    long deadline = start + budgetNanos(budget);
    Map<String, List<HistoryOp>> byKey = new HashMap<>();
    int dropped = 0;
    for (HistoryOp op : history) {
      if (op.command() instanceof Command.Scan) {
        continue; // a page reads a range of keys, which the per-key model cannot express: ScanCheck
      }
      if (constrainsNothing(op)) {
        dropped++;
        byKey.computeIfAbsent(op.command().key(), k -> new ArrayList<>());
      } else {
        byKey.computeIfAbsent(op.command().key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<Map.Entry<String, List<HistoryOp>>> order = new ArrayList<>(byKey.entrySet());
    order.sort(
        Comparator.comparingInt((Map.Entry<String, List<HistoryOp>> e) -> e.getValue().size())
            .thenComparing(Map.Entry::getKey));
    int tasks = order.size();
    KeySearch[] searches = new KeySearch[tasks];
    KeyProblem[] problems = new KeyProblem[tasks];
    int[] outcomes = new int[tasks];
    AtomicInteger firstIllegal = new AtomicInteger(Integer.MAX_VALUE);
    AtomicInteger nextTask = new AtomicInteger();
    int workers = history.size() >= PARALLEL_MIN_OPS ? Math.min(cores(), tasks) : 1;
    long cacheBytes =
        Math.max(16L << 20, (long) (Runtime.getRuntime().maxMemory() * 0.45) / workers);
    Runnable worker =
        () -> {
          int t;
          while ((t = nextTask.getAndIncrement()) < tasks) {
            final int task = t;
            if (task > firstIllegal.get()) {
              outcomes[task] = KeySearch.UNKNOWN;
              continue;
            }
            KeyProblem problem =
                new KeyProblem(
                    order.get(task).getKey(),
                    Reduction.dropUnobservedWrites(order.get(task).getValue()),
                    KeyProblem.ABSENT);
            KeySearch search = new KeySearch(problem);
            int outcome = search.run(deadline, () -> firstIllegal.get() < task, cacheBytes);
            problems[task] = problem;
            searches[task] = search;
            outcomes[task] = outcome;
            if (outcome == KeySearch.ILLEGAL) {
              firstIllegal.accumulateAndGet(task, Math::min);
            }
          }
        };
    runAll(worker, workers);

    int illegal = firstIllegal.get();
    if (illegal != Integer.MAX_VALUE) {
      long now = System.nanoTime();
      long explainDeadline =
          now + Math.min(EXPLAIN_BUDGET.toNanos(), Math.max(deadline - now, EXPLAIN_MIN.toNanos()));
      String text = Explainer.explain(problems[illegal], searches[illegal], explainDeadline);
      return new CheckResult(
          Verdict.ILLEGAL, problems[illegal].key, text, micros(start), tasks, history.size());
    }
    StringBuilder unknown = new StringBuilder();
    for (int t = 0; t < tasks; t++) {
      if (outcomes[t] == KeySearch.UNKNOWN) {
        if (unknown.length() == 0) {
          unknown.append("no verdict: the budget of ").append(format(budget)).append(" ran out on");
        }
        KeySearch s = searches[t];
        unknown
            .append("\n  \"")
            .append(order.get(t).getKey())
            .append("\" (")
            .append(order.get(t).getValue().size())
            .append(" ops");
        if (s != null) {
          unknown
              .append(", ")
              .append(s.configurations)
              .append(" configurations remembered")
              .append(s.cacheFull ? ", memo full" : "")
              .append(", longest partial linearization ")
              .append(Math.max(0, s.bestLen));
        } else {
          unknown.append(", not started");
        }
        unknown.append(")");
      }
    }
    if (unknown.length() > 0) {
      return new CheckResult(
          Verdict.UNKNOWN, null, unknown.toString(), micros(start), tasks, history.size());
    }
    return new CheckResult(
        Verdict.OK,
        null,
        "linearizable: "
            + history.size()
            + " ops on "
            + tasks
            + " keys ("
            + dropped
            + " indeterminate reads and failed ops dropped)",
        micros(start),
        tasks,
        history.size());
  }

  /** Indeterminate reads and ops that failed outright cannot constrain the order. */
  static boolean constrainsNothing(HistoryOp op) {
    return (op.result() == null && op.command() instanceof Command.Get)
        || op.result() instanceof Result.Error;
  }

  private static void runAll(Runnable worker, int workers) {
    if (workers <= 1) {
      worker.run();
      return;
    }
    ExecutorService executor = pool();
    List<Future<?>> helpers = new ArrayList<>();
    for (int i = 1; i < workers; i++) {
      helpers.add(executor.submit(worker));
    }
    worker.run();
    for (Future<?> f : helpers) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private static int cores() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private static ExecutorService pool() {
    ExecutorService p = pool;
    if (p == null) {
      synchronized (LinearizabilityChecker.class) {
        p = pool;
        if (p == null) {
          AtomicInteger n = new AtomicInteger();
          p =
              Executors.newCachedThreadPool(
                  r -> {
                    Thread t = new Thread(r, "lincheck-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                  });
          pool = p;
        }
      }
    }
    return p;
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private static long budgetNanos(Duration budget) {
    try {
      return Math.max(0, budget.toNanos());
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE / 4;
    }
  }

  private static long micros(long startNanos) {
    return (System.nanoTime() - startNanos) / 1000;
  }
}
