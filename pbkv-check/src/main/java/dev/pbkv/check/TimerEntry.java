package dev.pbkv.check;

import dev.pbkv.node.Timer;
import java.util.Objects;

/** A pending timer of one node with its delay bounds (no clock: only the order rule uses them). */
public record TimerEntry(Timer timer, long minMillis, long maxMillis) {
  public TimerEntry {
    Objects.requireNonNull(timer, "timer");
  }

  @Override
  public String toString() {
    return timer + (minMillis == maxMillis ? "@" + minMillis : "@" + minMillis + ".." + maxMillis);
  }
}
