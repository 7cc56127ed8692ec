package dev.pbkv.check;

import dev.pbkv.node.Address;

/** One step of the model checker: a delivery or a timer firing. */
public sealed interface Event {

  /** The node that handles the event. */
  Address node();

  /** Delivers a message in flight (it stays in flight: duplicates are possible). */
  record Deliver(Envelope envelope) implements Event {
    @Override
    public Address node() {
      return envelope.to();
    }

    @Override
    public String toString() {
      return "deliver " + envelope;
    }
  }

  /** Fires a pending timer of {@code node}. */
  record Fire(Address node, TimerEntry timer) implements Event {
    @Override
    public String toString() {
      return "timer " + node + ": " + timer;
    }
  }
}
