package dev.pbkv.server;

import dev.pbkv.node.Timer;

/** Timers of a primary/backup server. */
public sealed interface ServerTimer extends Timer {

  /** Time to ping the view service. */
  record PingTick() implements ServerTimer {}

  /**
   * Probe the backup about the state transfer of view {@code viewNum} if it has acknowledged no
   * chunk beyond the first {@code ackedChunks} since the timer was set ({@code intervalMillis} ago,
   * the back-off's current interval; docs/design.md §4.2).
   */
  record TransferRetry(long viewNum, int ackedChunks, long intervalMillis) implements ServerTimer {
    /** A timer set with no back-off history: the next interval starts from the base. */
    public TransferRetry(long viewNum, int ackedChunks) {
      this(viewNum, ackedChunks, 0);
    }
  }

  /**
   * Probe the backup about the forwards of view {@code viewNum} if it has acknowledged nothing
   * beyond {@code ackedIndex} since the timer was set ({@code intervalMillis} ago, the back-off's
   * current interval; docs/design.md §4.1).
   */
  record ForwardRetry(long viewNum, long ackedIndex, long intervalMillis) implements ServerTimer {
    /** A timer set with no back-off history: the next interval starts from the base. */
    public ForwardRetry(long viewNum, long ackedIndex) {
      this(viewNum, ackedIndex, 0);
    }
  }

  /**
   * Time for the primary to sweep the at-most-once table (every {@link
   * ServerConfig#sweepIntervalMillis()}). {@code primarySince} is the view in which this server
   * became primary: a tick from an earlier term as primary is stale, so a new primary sweeps a full
   * interval after it took over at the earliest, never sooner after its predecessor's last sweep.
   */
  record SweepTick(long primarySince) implements ServerTimer {}
}
