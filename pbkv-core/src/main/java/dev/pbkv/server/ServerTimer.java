package dev.pbkv.server;

import dev.pbkv.node.Timer;

/** Timers of a primary/backup server. */
public sealed interface ServerTimer extends Timer {

  /** Time to ping the view service. */
  record PingTick() implements ServerTimer {}

  /**
   * Re-send the unacknowledged chunks of the state transfer of view {@code viewNum} if the backup
   * has acknowledged no chunk beyond the first {@code ackedChunks} since the timer was set.
   */
  record TransferRetry(long viewNum, int ackedChunks) implements ServerTimer {}

  /**
   * Re-send unacknowledged forwards of view {@code viewNum} if the backup has acknowledged nothing
   * beyond {@code ackedIndex} since the timer was set.
   */
  record ForwardRetry(long viewNum, long ackedIndex) implements ServerTimer {}

  /**
   * Time for the primary to sweep the at-most-once table (every {@link
   * ServerConfig#sweepIntervalMillis()}). {@code primarySince} is the view in which this server
   * became primary: a tick from an earlier term as primary is stale, so a new primary sweeps a full
   * interval after it took over at the earliest, never sooner after its predecessor's last sweep.
   */
  record SweepTick(long primarySince) implements ServerTimer {}
}
