package dev.pbkv.clock;

import java.util.Objects;

/**
 * A Lamport timestamp together with the node that made it: the total order of events by {@code
 * (time, node)}. Two events of different nodes never get equal stamps, so ties in Lamport time are
 * broken by node id, as in Lamport's mutual exclusion.
 *
 * @param time the Lamport time, at least 0
 * @param node the id of the node whose clock made the stamp
 */
public record LamportStamp(long time, String node) implements Comparable<LamportStamp> {

  public LamportStamp {
    Objects.requireNonNull(node, "node");
    if (time < 0) {
      throw new IllegalArgumentException("a Lamport time is never negative, got " + time);
    }
  }

  /** Orders by time, then by node id. */
  @Override
  public int compareTo(LamportStamp other) {
    int c = Long.compare(time, other.time);
    return c != 0 ? c : node.compareTo(other.node);
  }

  /** True if this stamp comes before {@code other} in the total order. */
  public boolean isBefore(LamportStamp other) {
    return compareTo(other) < 0;
  }

  /** {@code time@node}, e.g. {@code 3@n1}. */
  @Override
  public String toString() {
    return time + "@" + node;
  }
}
