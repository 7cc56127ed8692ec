package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A deterministic, single-threaded simulator for {@link Node}s: virtual time, one event queue
 * ordered by (time, sequence), and a seeded network that delays, reorders, drops and duplicates
 * messages. Faults are named operations: {@link #partition}, {@link #cut}, {@link #heal}, {@link
 * #crash}, {@link #restart}, {@link #pause} and {@link #replay}. The same seed gives the same run,
 * event for event.
 *
 * <p>Times in the API are milliseconds of virtual time; internally the clock counts microseconds.
 */
public final class Simulation {

  /** A node's slot: its factory (for restarts), current incarnation and pause state. */
  private static final class Slot {
    final Address address;
    final LongFunction<Node> factory;
    Node node; // null while crashed
    long incarnation;
    long pausedUntilMicros = -1;
    final List<Event> deferred = new ArrayList<>();
    final RandomGenerator timerRandom;
    final HashMap<Address, RandomGenerator> linkRandom = new HashMap<>(); // lookups only

    Slot(Address address, LongFunction<Node> factory, RandomGenerator timerRandom) {
      this.address = address;
      this.factory = factory;
      this.timerRandom = timerRandom;
    }
  }

  private abstract static class Event {}

  private static final class Delivery extends Event {
    final long id;
    final Address from;
    final Slot to;
    final Message msg;

    Delivery(long id, Address from, Slot to, Message msg) {
      this.id = id;
      this.from = from;
      this.to = to;
      this.msg = msg;
    }
  }

  private static final class TimerFire extends Event {
    final Slot slot;
    final long incarnation;
    final Timer timer;

    TimerFire(Slot slot, long incarnation, Timer timer) {
      this.slot = slot;
      this.incarnation = incarnation;
      this.timer = timer;
    }
  }

  private static final class Action extends Event {
    final Runnable action;

    Action(Runnable action) {
      this.action = action;
    }
  }

  private record Link(Address from, Address to) {}

  /**
   * A link with a bandwidth: messages leave one after another, each taking its {@link
   * Message#sizeBytes()} at {@code bytesPerSecond}, and wait in a buffer of {@code bufferBytes}
   * while the ones before them go out.
   */
  private static final class LinkLimit {
    final long bytesPerSecond;
    final long bufferBytes;
    long busyUntilMicros; // when the last message accepted has left the sender
    long lastArrivalMicros; // when the last message accepted arrives: a limited link is FIFO
    long bytesSent;
    long bytesDropped;
    long bytesResent; // sent again while an earlier copy was still carried or delivered
    // Messages accepted and not lost, by copies: a message sent again while it is here is a
    // re-send of what the transport still holds (or delivered), the waste issue 13 item 2 removes.
    final HashMap<Message, Integer> carried = new HashMap<>(); // lookups only

    LinkLimit(long bytesPerSecond, long bufferBytes) {
      this.bytesPerSecond = bytesPerSecond;
      this.bufferBytes = bufferBytes;
    }

    /** Bytes accepted but not yet sent at {@code now}. */
    long queuedBytes(long now) {
      return busyUntilMicros <= now
          ? 0
          : (long) Math.ceil((busyUntilMicros - now) * (bytesPerSecond / 1e6));
    }
  }

  /** The {@link Effects} handed to a node's handler: applied as they are asked for. */
  private final class SimEffects implements Effects {
    Slot slot;

    @Override
    public void send(Address to, Message msg) {
      Simulation.this.send(slot.address, to, msg);
    }

    @Override
    public void warn(String line) {
      for (SimListener l : listenerArray) {
        l.onWarn(now, slot.address, line);
      }
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {
      if (minMillis < 0 || maxMillis < minMillis) {
        throw new IllegalArgumentException(
            "bad timer range [" + minMillis + ", " + maxMillis + "] for " + timer);
      }
      long delayMicros = minMillis * 1000;
      if (maxMillis > minMillis) {
        delayMicros += slot.timerRandom.nextLong((maxMillis - minMillis) * 1000 + 1);
      }
      TimerFire fire = new TimerFire(slot, slot.incarnation, timer);
      schedule(fire, now + delayMicros);
    }
  }

  private final long seed;
  private final RandomGenerator faultRandom;
  private final EventQueue<Event> queue = new EventQueue<>();
  private final TreeMap<Address, Slot> slots = new TreeMap<>(); // ordered, for listings
  private final HashMap<Address, Slot> slotIndex = new HashMap<>(); // lookups only
  private final Set<Link> blocked = new HashSet<>();
  private final HashMap<Link, LinkLimit> limits = new HashMap<>(); // lookups only
  private final List<SimListener> listeners = new ArrayList<>();
  private final SimEffects effects = new SimEffects();
  private SimListener[] listenerArray = new SimListener[0];

  private long now;
  private long nextSeq;
  private long nextMessageId;
  private long eventsProcessed;

  private long minDelayMicros = 1000;
  private long maxDelayMicros = 5000;
  private double dropProbability;
  private double duplicateProbability;

  private boolean recordSends;
  private final List<SentMessage> sent = new ArrayList<>();

  public Simulation(long seed) {
    this.seed = seed;
    this.faultRandom = SimRandom.stream(seed, "faults");
  }

  public long seed() {
    return seed;
  }

  /** A named random stream of this run for a caller's own use (e.g. "workload"). */
  public RandomGenerator stream(String name) {
    return SimRandom.stream(seed, name);
  }

  /** The stream the simulator uses for its random fault decisions; callers may draw from it. */
  public RandomGenerator faultRandom() {
    return faultRandom;
  }

  public void addListener(SimListener listener) {
    listeners.add(Objects.requireNonNull(listener));
    listenerArray = listeners.toArray(new SimListener[0]);
  }

  // --- nodes ----------------------------------------------------------------------------------

  /**
   * Adds a node and starts it now. {@code factory} makes the node from its boot id (1 at the first
   * start, +1 at every restart).
   */
  public void addNode(Address address, LongFunction<Node> factory) {
    if (slots.containsKey(address)) {
      throw new IllegalArgumentException("a node is already at " + address);
    }
    Slot slot = new Slot(address, factory, SimRandom.stream(seed, "timers:" + address));
    slots.put(address, slot);
    slotIndex.put(address, slot);
    boot(slot);
  }

  private void boot(Slot slot) {
    slot.incarnation++;
    slot.node = slot.factory.apply(slot.incarnation);
    slot.pausedUntilMicros = -1;
    slot.deferred.clear();
    handle(slot, () -> slot.node.init(effects));
  }

  /** The current node at {@code address}, or {@code null} while it is crashed. */
  public Node node(Address address) {
    return slot(address).node;
  }

  /** The current node at {@code address} as type {@code type}. */
  public <T extends Node> T node(Address address, Class<T> type) {
    return type.cast(node(address));
  }

  public Collection<Address> addresses() {
    return List.copyOf(slots.keySet());
  }

  public boolean isUp(Address address) {
    return slot(address).node != null;
  }

  public boolean isPaused(Address address) {
    return slot(address).pausedUntilMicros > now;
  }

  private Slot slot(Address address) {
    Slot slot = slotIndex.get(address);
    if (slot == null) {
      throw new IllegalArgumentException("no node at " + address);
    }
    return slot;
  }

  /**
   * Runs {@code action} on the node at {@code address} now, as an input from outside the system
   * (e.g. a client library call); its effects go through the simulated network.
   */
  public <T extends Node> void invoke(
      Address address, Class<T> type, BiConsumer<T, Effects> action) {
    Slot slot = slot(address);
    if (slot.node == null) {
      throw new IllegalStateException(address + " is down");
    }
    handle(slot, () -> action.accept(type.cast(slot.node), effects));
  }

  /** Runs a node's handler with the effects bound to it, then tells the listeners. */
  private void handle(Slot slot, Runnable handler) {
    effects.slot = slot;
    handler.run();
    for (SimListener l : listenerArray) {
      l.onHandled(now, slot.address, slot.node);
    }
  }

  // --- network --------------------------------------------------------------------------------

  /** Every message takes between {@code minMillis} and {@code maxMillis} (reordering). */
  public void setDelay(double minMillis, double maxMillis) {
    if (minMillis < 0 || maxMillis < minMillis) {
      throw new IllegalArgumentException("bad delay range [" + minMillis + ", " + maxMillis + "]");
    }
    minDelayMicros = Math.round(minMillis * 1000);
    maxDelayMicros = Math.round(maxMillis * 1000);
  }

  public void setDropProbability(double p) {
    dropProbability = probability("drop", p);
  }

  public void setDuplicateProbability(double p) {
    duplicateProbability = probability("duplicate", p);
  }

  private static double probability(String what, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(what + " probability must be in [0, 1], got " + p);
    }
    return p;
  }

  /** Keep every sent message so that scripts can find and {@link #replay} one. */
  public void recordSends(boolean on) {
    recordSends = on;
  }

  /** The messages sent so far that match {@code filter} (needs {@link #recordSends}). */
  public List<SentMessage> sent(Predicate<SentMessage> filter) {
    return sent.stream().filter(filter).toList();
  }

  private void send(Address from, Address to, Message msg) {
    long id = ++nextMessageId;
    for (SimListener l : listenerArray) {
      l.onSend(now, id, from, to, msg);
    }
    if (recordSends) {
      sent.add(new SentMessage(id, now, from, to, msg));
    }
    Slot target = slotIndex.get(to);
    if (target == null) {
      drop(id, from, to, msg, "no node at " + to);
      return;
    }
    long departs = now;
    LinkLimit limit = null;
    if (!limits.isEmpty()) {
      limit = limits.get(new Link(from, to));
      if (limit != null) {
        int size = msg.sizeBytes();
        if (limit.queuedBytes(now) + size > limit.bufferBytes) {
          limit.bytesDropped += size;
          drop(id, from, to, msg, "link buffer full (" + limit.bufferBytes + " bytes)");
          return;
        }
        if (limit.carried.containsKey(msg)) {
          limit.bytesResent += size;
        }
        long transmitMicros = (long) Math.ceil(size * 1e6 / limit.bytesPerSecond);
        limit.busyUntilMicros = Math.max(now, limit.busyUntilMicros) + transmitMicros;
        limit.bytesSent += size;
        departs = limit.busyUntilMicros; // its last byte leaves then; then the network's delay
      }
    }
    RandomGenerator link = linkRandom(from, to);
    if (dropProbability > 0 && link.nextDouble() < dropProbability) {
      drop(id, from, to, msg, "lost by the network");
      return;
    }
    if (limit != null) {
      limit.carried.merge(msg, 1, Integer::sum);
    }
    schedule(new Delivery(id, from, target, msg), arrival(limit, departs + delay(link)));
    if (duplicateProbability > 0 && link.nextDouble() < duplicateProbability) {
      schedule(new Delivery(id, from, target, msg), arrival(limit, departs + delay(link)));
    }
  }

  /**
   * When a message that would arrive at {@code at} arrives: then, on an unlimited link (which may
   * reorder); on a limited one, which models one connection, no sooner than the message before it
   * (FIFO, as TCP: a small message sent after a large one never overtakes it).
   */
  private static long arrival(LinkLimit limit, long at) {
    if (limit == null) {
      return at;
    }
    limit.lastArrivalMicros = Math.max(limit.lastArrivalMicros, at);
    return limit.lastArrivalMicros;
  }

  /**
   * Gives the link {@code from → to} (that direction only) a bandwidth and a bounded buffer:
   * messages leave one after another, each taking its {@link Message#sizeBytes()} at {@code
   * bytesPerSecond}, then the network's delay; a message that would make the bytes waiting to leave
   * exceed {@code bufferBytes} is dropped ("link buffer full"), as a full socket buffer or a
   * sender's outbound cap would. Links are unlimited by default, and an unlimited link behaves
   * exactly as before (same random draws, same seeds).
   */
  public void limitLink(Address from, Address to, long bytesPerSecond, long bufferBytes) {
    if (bytesPerSecond <= 0 || bufferBytes <= 0) {
      throw new IllegalArgumentException(
          "a link needs a bandwidth and a buffer > 0, got "
              + bytesPerSecond
              + " B/s and "
              + bufferBytes
              + " B");
    }
    limits.put(new Link(from, to), new LinkLimit(bytesPerSecond, bufferBytes));
    fault(
        "limit "
            + from
            + " -> "
            + to
            + " to "
            + formatBytes(bytesPerSecond)
            + "/s, buffer "
            + formatBytes(bufferBytes));
  }

  /**
   * Removes the limit of the link {@code from → to}: unlimited again (what waits still arrives).
   */
  public void unlimitLink(Address from, Address to) {
    if (limits.remove(new Link(from, to)) != null) {
      fault("unlimit " + from + " -> " + to);
    }
  }

  /**
   * Bytes the limited link {@code from → to} has sent, dropped for a full buffer, and now holds;
   * {@code bytesResent} of those sent were copies of a message the link still held or had delivered
   * (not lost): re-sent for nothing.
   */
  public record LinkStats(long bytesSent, long bytesDropped, long queuedBytes, long bytesResent) {}

  /** The counters of the limited link {@code from → to}, or {@code null} if it is unlimited. */
  public LinkStats linkStats(Address from, Address to) {
    LinkLimit l = limits.get(new Link(from, to));
    return l == null
        ? null
        : new LinkStats(l.bytesSent, l.bytesDropped, l.queuedBytes(now), l.bytesResent);
  }

  /** {@code bytes} in B, KiB or MiB, for narration. */
  public static String formatBytes(long bytes) {
    if (bytes >= 1 << 20) {
      return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
    return bytes >= 1 << 10
        ? String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0)
        : bytes + " B";
  }

  /**
   * The network's stream for the link {@code from → to}: each link draws its own delays, losses and
   * duplicates, so adding a node (say, a client) changes no decision on the other links.
   */
  private RandomGenerator linkRandom(Address from, Address to) {
    Slot sender = slotIndex.get(from);
    if (sender == null) {
      return SimRandom.stream(seed, "network:" + from + "->" + to);
    }
    RandomGenerator r = sender.linkRandom.get(to);
    if (r == null) {
      r = SimRandom.stream(seed, "network:" + from + "->" + to);
      sender.linkRandom.put(to, r);
    }
    return r;
  }

  private long delay(RandomGenerator link) {
    return maxDelayMicros == minDelayMicros
        ? minDelayMicros
        : minDelayMicros + link.nextLong(maxDelayMicros - minDelayMicros + 1);
  }

  private void drop(long id, Address from, Address to, Message msg, String reason) {
    LinkLimit limit = limits.isEmpty() ? null : limits.get(new Link(from, to));
    if (limit != null) {
      limit.carried.computeIfPresent(msg, (m, n) -> n > 1 ? n - 1 : null); // lost: not held
    }
    for (SimListener l : listenerArray) {
      l.onDrop(now, id, from, to, msg, reason);
    }
    reportLoss(from, to);
  }

  /**
   * A message between {@code a} and {@code b} was lost: as when a TCP connection breaks, both ends
   * hear of it ({@link Node#onConnectionReset}), as an event of their own right after this one.
   */
  private void reportLoss(Address a, Address b) {
    Slot sa = slotIndex.get(a);
    Slot sb = slotIndex.get(b);
    if (sa == null || sb == null) {
      return;
    }
    schedule(new Action(() -> resetConnection(sa, b)), now);
    schedule(new Action(() -> resetConnection(sb, a)), now);
  }

  private void resetConnection(Slot slot, Address peer) {
    if (slot.node == null) {
      return; // down: it restarts with a fresh state
    }
    if (slot.pausedUntilMicros > now) { // paused: it hears of it when it resumes
      Node paused = slot.node;
      schedule(
          new Action(
              () -> {
                if (slot.node == paused) {
                  resetConnection(slot, peer);
                }
              }),
          slot.pausedUntilMicros);
      return;
    }
    effects.slot = slot;
    slot.node.onConnectionReset(peer, effects);
    for (SimListener l : listenerArray) {
      l.onHandled(now, slot.address, slot.node);
    }
  }

  /** Delivers {@code message} again, now plus a network delay, as a very late duplicate. */
  public void replay(SentMessage message) {
    fault(
        "replay of message #"
            + message.id()
            + " "
            + message.message()
            + " from "
            + message.from()
            + " to "
            + message.to()
            + ", sent at "
            + formatMillis(message.sentMicros()));
    schedule(
        new Delivery(message.id(), message.from(), slot(message.to()), message.message()),
        now + delay(faultRandom));
  }

  // --- faults ---------------------------------------------------------------------------------

  /** Splits the listed nodes into groups that cannot talk to each other; others are unaffected. */
  @SafeVarargs
  public final void partition(Collection<Address>... groups) {
    for (int i = 0; i < groups.length; i++) {
      for (int j = 0; j < groups.length; j++) {
        if (i != j) {
          for (Address a : groups[i]) {
            for (Address b : groups[j]) {
              blocked.add(new Link(a, b));
            }
          }
        }
      }
    }
    fault("partition " + java.util.Arrays.toString(groups));
  }

  /** Cuts the link from {@code from} to {@code to} in that direction only. */
  public void cut(Address from, Address to) {
    blocked.add(new Link(from, to));
    fault("cut " + from + " -> " + to);
  }

  /** Cuts both directions between {@code a} and {@code b}. */
  public void disconnect(Address a, Address b) {
    blocked.add(new Link(a, b));
    blocked.add(new Link(b, a));
    fault("disconnect " + a + " <-> " + b);
  }

  /** Cuts {@code node} off from every other node, both ways. */
  public void isolate(Address node) {
    for (Address other : slots.keySet()) {
      if (!other.equals(node)) {
        blocked.add(new Link(node, other));
        blocked.add(new Link(other, node));
      }
    }
    fault("isolate " + node);
  }

  /** Removes every partition and cut. */
  public void heal() {
    blocked.clear();
    fault("heal: every link works again");
  }

  /** True while some partition or cut is in place. */
  public boolean hasCuts() {
    return !blocked.isEmpty();
  }

  public boolean canReach(Address from, Address to) {
    return !blocked.contains(new Link(from, to));
  }

  /** Stops {@code node} and discards its state; messages to it are lost until it restarts. */
  public void crash(Address address) {
    Slot slot = slot(address);
    slot.node = null;
    slot.pausedUntilMicros = -1;
    slot.deferred.clear();
    fault("crash " + address + " (state discarded)");
  }

  /** Starts a fresh node at {@code address} (its state lost; a server pings 0 again). */
  public void restart(Address address) {
    Slot slot = slot(address);
    if (slot.node != null) {
      crash(address);
    }
    fault("restart " + address + " as a fresh node");
    boot(slot);
  }

  /**
   * Stops {@code node} for {@code millis}: it handles nothing and no timer fires; messages to it
   * wait, as for a stopped process. Then it resumes with its old state (a "zombie").
   */
  public void pause(Address address, long millis) {
    Slot slot = slot(address);
    if (slot.node == null) {
      throw new IllegalStateException(address + " is down and cannot be paused");
    }
    long until = now + millis * 1000;
    slot.pausedUntilMicros = Math.max(slot.pausedUntilMicros, until);
    fault("pause " + address + " for " + millis + " ms");
    schedule(new Action(() -> resume(slot)), until);
  }

  private void resume(Slot slot) {
    if (slot.node == null || slot.pausedUntilMicros > now) {
      return; // crashed meanwhile, or paused again for longer
    }
    slot.pausedUntilMicros = -1;
    fault("resume " + slot.address + " with its old state");
    List<Event> waiting = new ArrayList<>(slot.deferred);
    slot.deferred.clear();
    for (Event e : waiting) {
      schedule(e, now); // in their original order
    }
  }

  private void fault(String description) {
    for (SimListener l : listenerArray) {
      l.onFault(now, description);
    }
  }

  /** Tells the listeners about a scripted step (for narration and traces). */
  public void note(String description) {
    fault(description);
  }

  // --- time -----------------------------------------------------------------------------------

  /** Runs {@code action} at {@code millis} from now. */
  public void at(long millisFromNow, Runnable action) {
    schedule(new Action(action), now + millisFromNow * 1000);
  }

  private void schedule(Event e, long micros) {
    queue.add(micros, nextSeq++, e);
  }

  /** Runs every event in the next {@code millis} of virtual time. */
  public void runFor(long millis) {
    long end = now + millis * 1000;
    while (!queue.isEmpty() && queue.peekTime() <= end) {
      step();
    }
    now = end;
  }

  /**
   * Runs until {@code condition} holds (checked after every event) or {@code limitMillis} of
   * virtual time have passed; returns whether the condition holds.
   */
  public boolean runUntil(BooleanSupplier condition, long limitMillis) {
    long end = now + limitMillis * 1000;
    if (condition.getAsBoolean()) {
      return true;
    }
    while (!queue.isEmpty() && queue.peekTime() <= end) {
      step();
      if (condition.getAsBoolean()) {
        return true;
      }
    }
    now = end;
    return condition.getAsBoolean();
  }

  private void step() {
    now = queue.peekTime();
    Event e = queue.poll();
    eventsProcessed++;
    if (e instanceof Delivery d) {
      deliver(d);
    } else if (e instanceof TimerFire t) {
      fire(t);
    } else {
      ((Action) e).action.run();
    }
  }

  private void deliver(Delivery d) {
    Slot slot = d.to;
    if (slot.node == null) {
      drop(d.id, d.from, slot.address, d.msg, slot.address + " is down");
      return;
    }
    if (slot.pausedUntilMicros > now) {
      slot.deferred.add(d);
      return;
    }
    if (!blocked.isEmpty() && blocked.contains(new Link(d.from, slot.address))) {
      drop(d.id, d.from, slot.address, d.msg, "partitioned");
      return;
    }
    for (SimListener l : listenerArray) {
      l.onDeliver(now, d.id, d.from, slot.address, d.msg);
    }
    effects.slot = slot;
    slot.node.onMessage(d.from, d.msg, effects);
    for (SimListener l : listenerArray) {
      l.onHandled(now, slot.address, slot.node);
    }
  }

  private void fire(TimerFire t) {
    Slot slot = t.slot;
    if (slot.node == null || t.incarnation != slot.incarnation) {
      return; // the node that set it is gone
    }
    if (slot.pausedUntilMicros > now) {
      slot.deferred.add(t);
      return;
    }
    for (SimListener l : listenerArray) {
      l.onTimer(now, slot.address, t.timer);
    }
    effects.slot = slot;
    slot.node.onTimer(t.timer, effects);
    for (SimListener l : listenerArray) {
      l.onHandled(now, slot.address, slot.node);
    }
  }

  /** Virtual time in milliseconds. */
  public long nowMillis() {
    return now / 1000;
  }

  /** Virtual time in microseconds. */
  public long nowMicros() {
    return now;
  }

  /** Events (deliveries, timers, scripted actions) processed so far. */
  public long eventsProcessed() {
    return eventsProcessed;
  }

  /** {@code micros} as seconds with millisecond precision, e.g. "1.250s". */
  public static String formatMillis(long micros) {
    return String.format(
        java.util.Locale.ROOT, "%d.%03ds", micros / 1_000_000, (micros / 1000) % 1000);
  }
}
