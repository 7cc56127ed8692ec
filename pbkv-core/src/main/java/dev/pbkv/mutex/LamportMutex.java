package dev.pbkv.mutex;

import dev.pbkv.clock.LamportClock;
import dev.pbkv.clock.LamportStamp;
import dev.pbkv.mutex.MutexMessage.Release;
import dev.pbkv.mutex.MutexMessage.Request;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Lamport's mutual exclusion ("Time, Clocks, and the Ordering of Events in a Distributed System",
 * 1978): a lock shared by a fixed, known group of nodes, built from Lamport clocks alone.
 *
 * <p>Every node keeps a Lamport clock and a queue of requests ordered by {@code (timestamp, node
 * id)}:
 *
 * <ol>
 *   <li>To ask for the lock ({@link #request}), a node stamps a {@link Request}, puts it in its own
 *       queue and sends it to every other node.
 *   <li>A node that receives a request puts it in its queue and answers with an {@link
 *       MutexMessage.Ack} stamped later than the request.
 *   <li>A node <em>enters</em> (holds the lock) when its own request heads its own queue and it has
 *       received, from every other node, a message stamped later (in the {@code (timestamp, node)}
 *       order) than its request.
 *   <li>To leave ({@link #release}), it removes its request from its queue and sends a stamped
 *       {@link Release}; every receiver removes that request from its queue.
 * </ol>
 *
 * <p>The algorithm assumes reliable links that deliver in FIFO order: a later-stamped message from
 * a node proves that node's earlier requests have arrived. Here every message travels through a
 * {@link FifoChannel}, which restores that assumption over a network that loses, reorders and
 * duplicates. Then the lock is safe (never two holders), live (every request is granted once the
 * holder releases), and fair: it is granted in the order of the requests' {@code (timestamp, node)}
 * stamps.
 *
 * <p><strong>It does not tolerate crashed nodes.</strong> Every node must answer every request and
 * every holder must release: a node that crashes (or is cut off for good) never acknowledges, never
 * releases the lock it holds, and its queued request never leaves the others' queues, so every
 * other node waits forever. A crashed node cannot be restarted into the group either (its clock,
 * queue and channel state are gone). Use a lease-based lock or consensus where nodes fail.
 *
 * <p>Drivers call {@link #request} and {@link #release} as inputs from outside (in the simulator
 * through {@code Simulation.invoke}) and watch {@link #holdsLock()}. The Lamport clock here is
 * protocol state (it is part of {@code equals}), unlike the tracing clocks of a runtime. {@code
 * equals}/{@code hashCode} cover the protocol state and {@link #copy()} makes a deep copy.
 */
public final class LamportMutex implements Node {
  private final Address self;
  private final List<Address> members; // sorted, includes self
  private final List<Address> peers; // sorted, excludes self
  private final MutexConfig config;

  private LamportClock clock;
  private final TreeSet<LamportStamp> queue = new TreeSet<>();
  private final TreeMap<Address, LamportStamp> latestFrom = new TreeMap<>();
  private LamportStamp ownRequest; // pending or held; null when idle
  private boolean holding;
  private FifoChannel channel;

  /**
   * @param self this node's address
   * @param members every node of the group, including {@code self}; fixed for the group's life
   * @param config timing and rule switches
   */
  public LamportMutex(Address self, Collection<Address> members, MutexConfig config) {
    this.self = Objects.requireNonNull(self, "self");
    this.config = Objects.requireNonNull(config, "config");
    TreeSet<Address> sorted = new TreeSet<>(members);
    if (sorted.size() != members.size()) {
      throw new IllegalArgumentException("members must be distinct: " + members);
    }
    if (!sorted.contains(self)) {
      throw new IllegalArgumentException(self + " is not among the members " + sorted);
    }
    this.members = List.copyOf(sorted);
    List<Address> others = new ArrayList<>(sorted);
    others.remove(self);
    this.peers = List.copyOf(others);
    this.clock = new LamportClock(self.name());
    this.channel = new FifoChannel(config.retransmitMillis());
  }

  /** A node with the default configuration. */
  public LamportMutex(Address self, Collection<Address> members) {
    this(self, members, MutexConfig.defaults());
  }

  @Override
  public void init(Effects fx) {
    // Nothing to do until someone asks for the lock.
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    if (msg instanceof ChannelMessage cm) {
      if (!peers.contains(from)) {
        return; // not a member of this group: a misrouted message
      }
      for (Message payload : channel.onMessage(from, cm, fx)) {
        handle(from, payload, fx);
      }
      maybeEnter();
    }
    // Anything else is another protocol's message, misrouted: ignored (docs/design.md §8).
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    if (timer instanceof ChannelTimer t) {
      channel.onTimer(t, fx);
    } else {
      throw new IllegalArgumentException("lamport mutex: unknown timer " + timer);
    }
  }

  /** One payload, delivered once and in FIFO order by the channel. */
  private void handle(Address from, Message payload, Effects fx) {
    if (payload instanceof Request r) {
      clock.receive(r.ts());
      noteFrom(from, r.ts());
      queue.add(new LamportStamp(r.ts(), from.name()));
      channel.send(from, new MutexMessage.Ack(clock.tick().time()), fx);
    } else if (payload instanceof MutexMessage.Ack a) {
      clock.receive(a.ts());
      noteFrom(from, a.ts());
    } else if (payload instanceof Release rel) {
      clock.receive(rel.ts());
      noteFrom(from, rel.ts());
      queue.remove(new LamportStamp(rel.requestTs(), from.name()));
    }
    // Any other payload is not the mutex's (a confused peer): delivered by the channel, ignored.
  }

  private void noteFrom(Address from, long ts) {
    LamportStamp s = new LamportStamp(ts, from.name());
    latestFrom.merge(from, s, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /** Enters if the rules allow it (rule 5 of Lamport's paper). */
  private void maybeEnter() {
    if (ownRequest == null || holding || !ownRequest.equals(queue.first())) {
      return;
    }
    if (config.breaks(MutexRule.ENTER_WITHOUT_ALL_ACKS) || waitingFor().isEmpty()) {
      holding = true;
    }
  }

  // --- the driver's API -----------------------------------------------------------------------

  /**
   * Asks for the lock: stamps a request, queues it and sends it to every other member. The node may
   * enter at once (a group of one); otherwise watch {@link #holdsLock()}.
   *
   * @throws IllegalStateException if this node is already waiting for or holding the lock
   */
  public void request(Effects fx) {
    if (ownRequest != null) {
      throw new IllegalStateException(
          self + " already " + (holding ? "holds" : "waits for") + " the lock");
    }
    ownRequest = clock.tick();
    queue.add(ownRequest);
    for (Address peer : peers) {
      channel.send(peer, new Request(ownRequest.time()), fx);
    }
    maybeEnter();
  }

  /**
   * Leaves the critical section: removes this node's request and sends a release to every other
   * member.
   *
   * @throws IllegalStateException if this node does not hold the lock
   */
  public void release(Effects fx) {
    if (!holding) {
      throw new IllegalStateException(self + " does not hold the lock");
    }
    queue.remove(ownRequest);
    long requestTs = ownRequest.time();
    ownRequest = null;
    holding = false;
    long ts = clock.tick().time();
    for (Address peer : peers) {
      channel.send(peer, new Release(ts, requestTs), fx);
    }
  }

  /** True while this node is in the critical section. */
  public boolean holdsLock() {
    return holding;
  }

  /** True while this node has asked for the lock and not yet entered. */
  public boolean isWaiting() {
    return ownRequest != null && !holding;
  }

  // --- read-only state, for tests and narration -----------------------------------------------

  /** This node's address. */
  public Address self() {
    return self;
  }

  /** Every member of the group, sorted, including this node. */
  public List<Address> members() {
    return members;
  }

  /** The stamp of this node's pending or held request, or {@code null} when idle. */
  public LamportStamp ownRequest() {
    return ownRequest;
  }

  /** This node's Lamport time. */
  public long time() {
    return clock.time();
  }

  /** The request queue, in {@code (timestamp, node)} order. */
  public List<LamportStamp> queue() {
    return List.copyOf(queue);
  }

  /** The latest-stamped message received from each peer that has sent any. */
  public SortedMap<Address, LamportStamp> latestFrom() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(latestFrom));
  }

  /**
   * The peers from which this node still needs a message stamped later than its own request before
   * it may enter (empty when idle, holding, or only waiting for the queue's head).
   */
  public List<Address> waitingFor() {
    if (ownRequest == null || holding) {
      return List.of();
    }
    List<Address> out = new ArrayList<>();
    for (Address peer : peers) {
      LamportStamp latest = latestFrom.get(peer);
      if (latest == null || !ownRequest.isBefore(latest)) {
        out.add(peer);
      }
    }
    return out;
  }

  /** The configuration. */
  public MutexConfig config() {
    return config;
  }

  /** Messages sent through the FIFO channel and not yet acknowledged by their receiver. */
  public int unacknowledged() {
    return channel.unacknowledged();
  }

  // --- equality and copies over the protocol state (for the model checker) -----------------

  /** A deep copy of this node's protocol state. */
  public LamportMutex copy() {
    LamportMutex c = new LamportMutex(self, members, config);
    c.clock = clock.copy();
    c.queue.addAll(queue);
    c.latestFrom.putAll(latestFrom);
    c.ownRequest = ownRequest;
    c.holding = holding;
    c.channel = channel.copy();
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LamportMutex other
        && self.equals(other.self)
        && holding == other.holding
        && clock.equals(other.clock)
        && Objects.equals(ownRequest, other.ownRequest)
        && queue.equals(other.queue)
        && latestFrom.equals(other.latestFrom)
        && channel.equals(other.channel)
        && members.equals(other.members)
        && config.equals(other.config);
  }

  @Override
  public int hashCode() {
    return Objects.hash(self, holding, clock, ownRequest, queue, latestFrom, channel);
  }

  @Override
  public String toString() {
    return "LamportMutex["
        + self
        + ", t="
        + clock.time()
        + (holding
            ? ", holding " + ownRequest
            : ownRequest != null ? ", waiting " + ownRequest : "")
        + ", queue="
        + queue
        + "]";
  }
}
