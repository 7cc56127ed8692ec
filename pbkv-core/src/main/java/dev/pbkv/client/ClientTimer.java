package dev.pbkv.client;

import dev.pbkv.node.Timer;

/** Timers of a client session. */
public sealed interface ClientTimer extends Timer {

  /** Retry request {@code seq} if it is still outstanding. */
  record RetryTick(long seq) implements ClientTimer {}
}
