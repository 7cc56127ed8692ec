package dev.pbkv.sim;

import dev.pbkv.clock.LamportClock;
import dev.pbkv.clock.LamportStamp;
import dev.pbkv.clock.VectorClock;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Stamps every event of a simulation with a Lamport clock and a vector clock per node, kept
 * <em>outside</em> the nodes (docs/design.md §7): runtime state, not protocol state, so a crashed
 * and restarted node continues its clocks.
 *
 * <p>The events of a node, in program order:
 *
 * <ul>
 *   <li>{@link Kind#START} / {@link Kind#RESTART}: a node's {@code init} handler (its first or a
 *       later incarnation);
 *   <li>{@link Kind#INVOKE}: an input from outside ({@link Simulation#invoke});
 *   <li>{@link Kind#SEND}: one per message sent, in the order the handler sent them;
 *   <li>{@link Kind#RECEIVE}: a delivery; the message's send stamp is merged in first ({@code L =
 *       max(L, L_send) + 1}, {@code V = max(V, V_send)} then incremented). A duplicated or replayed
 *       message is delivered more than once under the same id: each delivery is its own receive
 *       event and merges the same send stamp;
 *   <li>{@link Kind#TIMER}: a timer fired;
 *   <li>{@link Kind#CRASH}, {@link Kind#PAUSE}, {@link Kind#RESUME}: faults of that node.
 * </ul>
 *
 * Every event ticks its node's clocks by one. A drop is not an event of any node (the message's
 * send has a stamp, and no receive ever gets one). So for any two recorded events a and b: if a
 * happened before b then {@code L(a) < L(b)}, and {@code V(a) < V(b)} exactly when a happened
 * before b.
 *
 * <p>Add it to the simulation (with {@link #attach}) before the nodes, and before any listener that
 * reads its stamps in the same callbacks. Crashes, pauses and resumes are recognised from the
 * simulator's fault descriptions ({@code "crash X …"}, {@code "pause X for …"}, {@code "resume X
 * …"}); restarts from the node instance changing at an {@code init}.
 */
public final class LogicalClocks implements SimListener {

  /** What happened at a node. */
  public enum Kind {
    START,
    RESTART,
    INVOKE,
    SEND,
    RECEIVE,
    TIMER,
    CRASH,
    PAUSE,
    RESUME
  }

  /**
   * One stamped event.
   *
   * @param index position in {@link #events()}: a topological order of happens-before
   * @param node where it happened
   * @param kind what happened
   * @param lamport the node's Lamport time after the event
   * @param vector the node's vector clock after the event
   * @param messageId the simulator's message id for a send or receive, else {@code null}
   * @param peer the receiver of a send, the sender of a receive, else {@code null}
   * @param micros virtual time
   * @param detail the message, timer or fault, in words
   */
  public record Event(
      int index,
      Address node,
      Kind kind,
      long lamport,
      VectorClock vector,
      Long messageId,
      Address peer,
      long micros,
      String detail) {

    /** The event's place in the total order {@code (Lamport time, node)}. */
    public LamportStamp stamp() {
      return new LamportStamp(lamport, node.name());
    }

    @Override
    public String toString() {
      return "#"
          + index
          + " "
          + node
          + " "
          + kind
          + (messageId == null
              ? ""
              : " m" + messageId + (kind == Kind.SEND ? " to " : " from ") + peer)
          + " L="
          + lamport
          + " V="
          + vector
          + " at "
          + Simulation.formatMillis(micros)
          + (detail == null ? "" : ": " + detail);
    }
  }

  /** The clocks of one address (they survive crashes and restarts). */
  private static final class Clocks {
    final LamportClock lamport;
    VectorClock vector = VectorClock.EMPTY;
    Node instance; // the incarnation last seen, compared by identity

    Clocks(Address a) {
      lamport = new LamportClock(a.name());
    }
  }

  private final TreeMap<Address, Clocks> clocks = new TreeMap<>();
  private final List<Event> events = new ArrayList<>();
  private final HashMap<Long, Event> sends = new HashMap<>(); // lookups only
  private final HashMap<Long, List<Event>> receives = new HashMap<>(); // lookups only

  private Address busy; // the node whose handler is running, or null
  private int handlerlessIndex = -1; // its INVOKE event when the handler is init or an invoke

  /** Stamps a simulation's events from now on. */
  public LogicalClocks() {}

  /** A new instance, added to {@code sim} as a listener. */
  public static LogicalClocks attach(Simulation sim) {
    LogicalClocks c = new LogicalClocks();
    sim.addListener(c);
    return c;
  }

  // --- what it records ------------------------------------------------------------------------

  /** Every stamped event so far, in the order they happened (unmodifiable view). */
  public List<Event> events() {
    return Collections.unmodifiableList(events);
  }

  /** The send event of message {@code id}, or {@code null} if it was not seen. */
  public Event sendOf(long id) {
    return sends.get(id);
  }

  /** The receive events of message {@code id}: none if lost, several if duplicated. */
  public List<Event> receivesOf(long id) {
    List<Event> r = receives.get(id);
    return r == null ? List.of() : Collections.unmodifiableList(r);
  }

  /** Every node that has had an event. */
  public SortedSet<Address> nodes() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(clocks.keySet()));
  }

  /** The current Lamport time of {@code node} (0 before its first event). */
  public long lamport(Address node) {
    Clocks c = clocks.get(node);
    return c == null ? 0 : c.lamport.time();
  }

  /** The current vector clock of {@code node} (empty before its first event). */
  public VectorClock vector(Address node) {
    Clocks c = clocks.get(node);
    return c == null ? VectorClock.EMPTY : c.vector;
  }

  // --- the listener ---------------------------------------------------------------------------

  @Override
  public void onSend(long micros, long id, Address from, Address to, Message msg) {
    if (busy == null) {
      beginHandlerless(micros, from);
    }
    Event e = tick(micros, from, Kind.SEND, id, to, String.valueOf(msg));
    sends.put(id, e);
  }

  @Override
  public void onDeliver(long micros, long id, Address from, Address to, Message msg) {
    busy = to;
    handlerlessIndex = -1;
    Clocks c = clocks(to);
    Event send = sends.get(id);
    if (send == null) {
      c.lamport.tick(); // sent before we were attached: nothing to merge
    } else {
      c.lamport.receive(send.lamport());
      c.vector = c.vector.merge(send.vector());
    }
    c.vector = c.vector.increment(to.name());
    Event e = record(micros, to, Kind.RECEIVE, id, from, String.valueOf(msg));
    receives.computeIfAbsent(id, k -> new ArrayList<>(1)).add(e);
  }

  @Override
  public void onTimer(long micros, Address node, Timer timer) {
    busy = node;
    handlerlessIndex = -1;
    tick(micros, node, Kind.TIMER, null, null, String.valueOf(timer));
  }

  @Override
  public void onHandled(long micros, Address address, Node node) {
    if (busy == null) {
      beginHandlerless(micros, address);
    }
    Clocks c = clocks(address);
    Node before = c.instance;
    c.instance = node;
    if (handlerlessIndex >= 0 && before != node) {
      // init of a new incarnation, not an invoke
      Event placeholder = events.get(handlerlessIndex);
      boolean first = before == null;
      events.set(
          handlerlessIndex,
          new Event(
              placeholder.index(),
              placeholder.node(),
              first ? Kind.START : Kind.RESTART,
              placeholder.lamport(),
              placeholder.vector(),
              null,
              null,
              placeholder.micros(),
              first ? "start" : "restart as a fresh node"));
    }
    busy = null;
    handlerlessIndex = -1;
  }

  @Override
  public void onFault(long micros, String description) {
    Address crashed = subject(description, "crash ", " (");
    if (crashed != null) {
      tick(micros, crashed, Kind.CRASH, null, null, description);
      return;
    }
    Address paused = subject(description, "pause ", " for ");
    if (paused != null) {
      tick(micros, paused, Kind.PAUSE, null, null, description);
      return;
    }
    Address resumed = subject(description, "resume ", " with ");
    if (resumed != null) {
      tick(micros, resumed, Kind.RESUME, null, null, description);
    }
  }

  /** The known node named between {@code prefix} and {@code end} in {@code description}. */
  private Address subject(String description, String prefix, String end) {
    if (!description.startsWith(prefix)) {
      return null;
    }
    int stop = description.lastIndexOf(end);
    if (stop <= prefix.length()) {
      return null;
    }
    String name = description.substring(prefix.length(), stop);
    if (name.isBlank()) {
      return null;
    }
    Address a = Address.of(name);
    return clocks.containsKey(a) ? a : null;
  }

  // --- stamping -------------------------------------------------------------------------------

  /** An init or an invoke has started at {@code node}: an INVOKE event, fixed up if it is init. */
  private void beginHandlerless(long micros, Address node) {
    busy = node;
    tick(micros, node, Kind.INVOKE, null, null, "input from outside");
    handlerlessIndex = events.size() - 1;
  }

  private Event tick(
      long micros, Address node, Kind kind, Long messageId, Address peer, String detail) {
    Clocks c = clocks(node);
    c.lamport.tick();
    c.vector = c.vector.increment(node.name());
    return record(micros, node, kind, messageId, peer, detail);
  }

  private Event record(
      long micros, Address node, Kind kind, Long messageId, Address peer, String detail) {
    Clocks c = clocks.get(node);
    Event e =
        new Event(
            events.size(), node, kind, c.lamport.time(), c.vector, messageId, peer, micros, detail);
    events.add(e);
    return e;
  }

  private Clocks clocks(Address a) {
    Objects.requireNonNull(a, "address");
    Clocks c = clocks.get(a);
    if (c == null) {
      c = new Clocks(a);
      clocks.put(a, c);
    }
    return c;
  }
}
