package dev.pbkv.net;

import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The pending timers of one client session, kept by the client that drives it instead of being
 * scheduled one by one (a session has only its op's retry ticks, so the list is short). Not
 * thread-safe: used by the one thread that drives the session.
 */
final class SessionTimers {
  private record Pending(long dueNanos, Timer timer) {}

  private final List<Pending> pending = new ArrayList<>();

  /** Adds {@code timer}, due {@code millis} after {@code nowNanos}. */
  void add(long nowNanos, Timer timer, long millis) {
    pending.add(new Pending(nowNanos + millis * 1_000_000, timer));
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
