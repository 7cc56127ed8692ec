package dev.pbkv.clock;

import java.util.Objects;

/**
 * A Lamport clock of one node (Lamport 1978, IR1 and IR2).
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #tick()} before every local event and every send: the time grows by one;
 *   <li>{@link #receive(long)} for a received message stamped {@code t}: the time becomes {@code
 *       max(time, t) + 1};
 *   <li>so if event a happened before event b, then {@code L(a) < L(b)} (the converse does not
 *       hold: use a {@link VectorClock} for exact happens-before);
 *   <li>{@link LamportStamp} orders all events totally by {@code (time, node)}.
 * </ul>
 *
 * <p>The clock is a small mutable value: {@code equals}/{@code hashCode} cover node and time, and
 * {@link #copy()} makes an independent copy, so a node that keeps one as protocol state can be
 * compared and copied. Not thread-safe (nodes are single-threaded).
 */
public final class LamportClock {
  private final String node;
  private long time;

  /** A clock at time 0 for node {@code node}. */
  public LamportClock(String node) {
    this(node, 0);
  }

  /** A clock at time {@code time} for node {@code node}. */
  public LamportClock(String node, long time) {
    this.node = Objects.requireNonNull(node, "node");
    if (time < 0) {
      throw new IllegalArgumentException("a Lamport time is never negative, got " + time);
    }
    this.time = time;
  }

  /** The node this clock belongs to. */
  public String node() {
    return node;
  }

  /** The current time (of the last event; 0 before any). */
  public long time() {
    return time;
  }

  /** The stamp of the last event: the current time at this node. */
  public LamportStamp stamp() {
    return new LamportStamp(time, node);
  }

  /** A local event or a send: the time grows by one. Returns the event's stamp. */
  public LamportStamp tick() {
    time = Math.addExact(time, 1);
    return stamp();
  }

  /**
   * Receipt of a message stamped {@code messageTime}: the time becomes {@code max(time,
   * messageTime) + 1}. Returns the receive event's stamp.
   */
  public LamportStamp receive(long messageTime) {
    if (messageTime < 0) {
      throw new IllegalArgumentException("a Lamport time is never negative, got " + messageTime);
    }
    time = Math.addExact(Math.max(time, messageTime), 1);
    return stamp();
  }

  /** An independent copy of this clock. */
  public LamportClock copy() {
    return new LamportClock(node, time);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LamportClock other && time == other.time && node.equals(other.node);
  }

  @Override
  public int hashCode() {
    return Objects.hash(node, time);
  }

  @Override
  public String toString() {
    return "LamportClock[" + stamp() + "]";
  }
}
