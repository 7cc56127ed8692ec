package dev.pbkv.net;

import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The pending timers of one client session, kept by the client that drives it instead of being
 * scheduled one by one (a session has only its op's retry ticks, so the list is short). A timer set
 * with a range ({@link dev.pbkv.node.Effects#setTimer(Timer, long, long)}: the retry's back-off
 * jitter, docs/design.md §5) is due after a delay drawn uniformly from the range, so that sessions
 * retrying at the same back-off do not retry in step. Not thread-safe: used by the one thread that
 * drives the session (the random too).
 */
final class SessionTimers {
  private record Pending(long dueNanos, Timer timer) {}

  private final List<Pending> pending = new ArrayList<>();
  private final RandomGenerator random;

  /** Timers whose delays are drawn from {@code random} (used only by the driving thread). */
  SessionTimers(RandomGenerator random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * Adds {@code timer}, due between {@code minMillis} and {@code maxMillis} (both included) after
   * {@code nowNanos}, uniformly drawn; exactly {@code minMillis} when {@code maxMillis} is not
   * above it (nothing is drawn then). Returns the delay in milliseconds.
   */
  long add(long nowNanos, Timer timer, long minMillis, long maxMillis) {
    long millis = maxMillis > minMillis ? random.nextLong(minMillis, maxMillis + 1) : minMillis;
    pending.add(new Pending(nowNanos + millis * 1_000_000, timer));
    return millis;
  }

  /** Drops every timer (e.g. the op completed: its retry ticks are stale). */
  void clear() {
    pending.clear();
  }

  /** True if a timer is due by {@code nowNanos}. */
  boolean anyDue(long nowNanos) {
    for (Pending p : pending) {
      if (nowNanos - p.dueNanos() >= 0) {
        return true;
      }
    }
    return false;
  }

  /** The earliest due time, or {@code orElse} if there is no timer. */
  long earliestDue(long orElse) {
    long earliest = orElse;
    for (Pending p : pending) {
      earliest = Math.min(earliest, p.dueNanos());
    }
    return earliest;
  }

  /**
   * Removes the timers due by {@code nowNanos} and hands each to {@code fire} (which may add new
   * ones); true if any fired.
   */
  boolean fireDue(long nowNanos, Consumer<Timer> fire) {
    boolean fired = false;
    for (int i = 0; i < pending.size(); ) {
      Pending p = pending.get(i);
      if (nowNanos - p.dueNanos() >= 0) {
        pending.remove(i);
        fire.accept(p.timer());
        fired = true;
      } else {
        i++;
      }
    }
    return fired;
  }
}
