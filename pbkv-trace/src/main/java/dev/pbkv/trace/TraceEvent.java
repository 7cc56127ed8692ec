package dev.pbkv.trace;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One event of one node, stamped with logical time: a message sent, received or lost, a timer, a
 * crash or restart, a view change, a client call or return, a note, or the first broken invariant.
 *
 * @param node the node the event happened at
 * @param kind what happened
 * @param lamport the node's Lamport time at the event
 * @param clock the node's vector clock at the event (node → counter)
 * @param micros virtual time (simulator) or wall-clock time (TCP runtime), in microseconds
 * @param messageId links a send to its receives and drops (null for local events); unique in a
 *     trace, also when traces of several processes are merged
 * @param peer the other end of a message (null for local events)
 * @param label a short description, shown on the diagram
 * @param detail everything else (the whole message, a result), shown on hover
 */
public record TraceEvent(
    String node,
    Kind kind,
    long lamport,
    Map<String, Long> clock,
    long micros,
    String messageId,
    String peer,
    String label,
    String detail) {

  /** What an event is. */
  public enum Kind {
    SEND,
    RECEIVE,
    DROP,
    TIMER,
    CRASH,
    RESTART,
    PAUSE,
    RESUME,
    VIEW,
    CALL,
    RETURN,
    NOTE,
    /**
     * An invariant broken by the event it annotates: the label names the invariant, the detail
     * explains why (drawn as a marked event and a banner).
     */
    VIOLATION
  }

  public TraceEvent {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(kind, "kind");
    clock = clock == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(clock));
    label = label == null ? "" : label;
    detail = detail == null ? "" : detail;
  }
}
