package dev.pbkv.check;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import java.util.Objects;

/** A message in flight in the model checker's network. The hash is computed once. */
public final class Envelope {
  private final Address from;
  private final Address to;
  private final Message message;
  private final int hash;

  public Envelope(Address from, Address to, Message message) {
    this.from = Objects.requireNonNull(from, "from");
    this.to = Objects.requireNonNull(to, "to");
    this.message = Objects.requireNonNull(message, "message");
    this.hash = (from.hashCode() * 31 + to.hashCode()) * 31 + message.hashCode();
  }

  public Address from() {
    return from;
  }

  public Address to() {
    return to;
  }

  public Message message() {
    return message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Envelope e
        && hash == e.hash
        && from.equals(e.from)
        && to.equals(e.to)
        && message.equals(e.message);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return from + " -> " + to + ": " + message;
  }
}
