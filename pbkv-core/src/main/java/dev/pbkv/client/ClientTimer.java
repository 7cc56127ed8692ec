package dev.pbkv.client;

import dev.pbkv.node.Timer;

/** Timers of a client session. */
public sealed interface ClientTimer extends Timer {

  /**
   * Retry request {@code seq} if it is still outstanding; {@code intervalMillis} is the back-off's
   * current interval, the delay this timer was set with.
   */
  record RetryTick(long seq, long intervalMillis) implements ClientTimer {
    /** A timer set with no back-off history: the next interval starts from the base. */
    public RetryTick(long seq) {
      this(seq, 0);
    }
  }
}
