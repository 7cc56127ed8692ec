package dev.pbkv.mutex;

import dev.pbkv.node.Address;
import dev.pbkv.node.Timer;
import java.util.Objects;

/** Timers of a {@link FifoChannel}. */
public sealed interface ChannelTimer extends Timer {

  /**
   * Re-send what {@code peer} has not acknowledged, if it has acknowledged nothing beyond {@code
   * ackedUpTo} since the timer was set.
   */
  record Retransmit(Address peer, long ackedUpTo) implements ChannelTimer {
    public Retransmit {
      Objects.requireNonNull(peer, "peer");
    }
  }
}
