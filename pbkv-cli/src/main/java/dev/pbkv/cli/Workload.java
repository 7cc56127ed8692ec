package dev.pbkv.cli;

import dev.pbkv.history.History;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients appending unique tokens and reading, recording every op's call, return and
 * result (or indeterminate) for the checks, and the longest time without any op completing. Used by
 * {@code pbkv demo} and the multi-process tests.
 */
final class Workload implements AutoCloseable {
  private final long start = System.nanoTime();
  private final History history = new History();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong lastCompletionMicros = new AtomicLong();
  private final AtomicLong longestGapMicros = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  final int keys;

  /**
   * Starts {@code workers} threads; each op is a read with probability {@code readPercent}%, else
   * an append of a unique token, on one of {@code keys} keys.
   */
  Workload(PbkvClient client, int workers, int keys, int readPercent, long seed) {
    this.keys = keys;
    for (int w = 0; w < workers; w++) {
      String name = "w" + w;
      SplittableRandom r = new SplittableRandom(seed * 31 + w);
      Thread t =
          new Thread(
              () -> {
                long n = 0;
                while (!stop.get()) {
                  String key = "k" + r.nextInt(keys);
                  Command command =
                      r.nextInt(100) < readPercent
                          ? new Command.Get(key)
                          : new Command.Append(key, name + "." + (++n) + ";");
                  int id;
                  synchronized (history) {
                    id = history.call(name, micros(), command);
                  }
                  try {
                    Result result = client.execute(command);
                    long now = micros();
                    synchronized (history) {
                      history.complete(id, now, result);
                    }
                    completed.incrementAndGet();
                    long last = lastCompletionMicros.getAndSet(now);
                    if (last > 0) {
                      longestGapMicros.accumulateAndGet(now - last, Math::max);
                    }
                  } catch (IndeterminateException | PbkvException e) {
                    // indeterminate: it may or may not have happened
                  }
                }
              },
              "workload-" + name);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
  }

  /** Now, on the clock of this workload's history (microseconds since it started). */
  long micros() {
    return (System.nanoTime() - start) / 1000;
  }

  long completed() {
    return completed.get();
  }

  /**
   * The time from {@code killMicros} (this workload's clock) until the first op called after it
   * completed: how long a failover kept writes out, measured conservatively (it includes that one
   * op's own latency). -1 if no op called after it completed.
   */
  long recoveryMicros(long killMicros) {
    long first = Long.MAX_VALUE;
    synchronized (history) {
      for (HistoryOp op : history.ops()) {
        if (!op.isIndeterminate() && op.callMicros() >= killMicros) {
          first = Math.min(first, op.returnMicros());
        }
      }
    }
    return first == Long.MAX_VALUE ? -1 : first - killMicros;
  }

  /** The longest time between two completed ops, in microseconds (the unavailability seen). */
  long longestGapMicros() {
    return longestGapMicros.get();
  }

  /** Waits until {@code more} further ops have completed; false if that takes over the limit. */
  boolean awaitProgress(long more, long limitMillis) throws InterruptedException {
    long target = completed.get() + more;
    long deadline = System.nanoTime() + limitMillis * 1_000_000;
    while (completed.get() < target) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20); // polling an observable counter
    }
    return true;
  }

  /** Stops the clients and waits for their last ops. */
  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(60_000);
    }
  }

  List<HistoryOp> history() {
    synchronized (history) {
      return List.copyOf(history.ops());
    }
  }
}
