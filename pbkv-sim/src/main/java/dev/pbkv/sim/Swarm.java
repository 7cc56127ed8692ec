package dev.pbkv.sim;

import dev.pbkv.rules.RuleSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs {@link RandomRun}s over a range of seeds, each with its own fault mix and workload ({@link
 * RandomRunOptions#swarm}), on every core. Each run is single-threaded and deterministic; only
 * which runs happen at the same time depends on the machine.
 */
public final class Swarm {
  private Swarm() {}

  /** A failed seed: how to replay it, and what went wrong. */
  public record Failure(long seed, RandomRunReport report) {
    public String firstProblem() {
      return report.stuck() != null ? "stuck: " + report.stuck() : report.violations().get(0);
    }
  }

  /** The outcome of a range of seeds. */
  public record Summary(
      long seedsRun,
      long passed,
      long expectedStuck,
      long ops,
      long events,
      double seconds,
      List<Failure> failures) {
    public Summary {
      failures = List.copyOf(failures);
    }

    public boolean allPassed() {
      return failures.isEmpty();
    }
  }

  /**
   * Runs seeds {@code from..to} (inclusive) with {@code rules} broken; stops early at the first
   * failure when {@code stopAtFirstFailure}: seeds above the lowest failed seed so far are skipped,
   * seeds below it always run, so the lowest failed seed is the same on every machine. {@code
   * progress} hears about every finished seed.
   */
  public static Summary run(
      long from,
      long to,
      Set<RuleSwitch> rules,
      boolean stopAtFirstFailure,
      Consumer<RandomRunReport> progress) {
    return run(from, to, rules, SwarmMode.DEFAULT, stopAtFirstFailure, progress);
  }

  /** Like {@link #run(long, long, Set, boolean, Consumer)}, in {@code mode}. */
  public static Summary run(
      long from,
      long to,
      Set<RuleSwitch> rules,
      SwarmMode mode,
      boolean stopAtFirstFailure,
      Consumer<RandomRunReport> progress) {
    if (to < from) {
      throw new IllegalArgumentException("empty seed range " + from + ".." + to);
    }
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "swarm");
              t.setDaemon(true);
              return t;
            });
    long t0 = System.nanoTime();
    AtomicLong lowestFailure = new AtomicLong(Long.MAX_VALUE);
    List<Future<RandomRunReport>> futures = new ArrayList<>();
    for (long seed = from; seed <= to; seed++) {
      long s = seed;
      futures.add(
          pool.submit(
              () -> {
                if (s > lowestFailure.get()) {
                  return null;
                }
                RandomRunReport report =
                    new RandomRun(RandomRunOptions.swarm(s, rules, mode)).run();
                if (!report.passed() && stopAtFirstFailure) {
                  lowestFailure.accumulateAndGet(s, Math::min);
                }
                return report;
              }));
    }
    long run = 0;
    long passed = 0;
    long expectedStuck = 0;
    long ops = 0;
    long events = 0;
    List<Failure> failures = new ArrayList<>();
    try {
      for (Future<RandomRunReport> f : futures) {
        RandomRunReport report = f.get();
        if (report == null) {
          continue;
        }
        run++;
        ops += report.opsCompleted();
        events += report.events();
        if (report.passed()) {
          passed++;
          if (report.expectedStuck() != null) {
            expectedStuck++;
          }
        } else {
          failures.add(new Failure(report.options().seed(), report));
        }
        synchronized (progress) {
          progress.accept(report);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("swarm interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a swarm run crashed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return new Summary(
        run, passed, expectedStuck, ops, events, (System.nanoTime() - t0) / 1e9, failures);
  }
}
