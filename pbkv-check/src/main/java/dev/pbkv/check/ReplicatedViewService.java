package dev.pbkv.check;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import dev.pbkv.view.InMemoryViewStore;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Two view-service replicas and the store they share, as one node of the model checker
 * (docs/design.md §2.2). The checker copies only the node that handles an event, so replicas that
 * share one {@link InMemoryViewStore} must live in one node: each copy of this node copies the
 * store once and hands it to copies of both replicas.
 *
 * <p>The node answers at two addresses, {@code vs1} and {@code vs2} ({@link AddressedNode}): a
 * message to {@code vs1} is handled by replica 1 and its replies go out from {@code vs1}, so
 * servers configured with both addresses ping each replica separately, and each replica times
 * liveness from its own pings. Each replica's check tick is its own timer ({@link ReplicaTimer}),
 * so the ticks of the two interleave in every order.
 *
 * <p>Leadership is an input: replica 1 leads from the start; the {@link Election} node tells
 * replica 2 that it leads ({@link LeadershipGained}) and replica 1 that it lost ({@link
 * LeadershipLost}), two messages delivered at any point or never. Until replica 1 hears, both
 * believe they lead. Only the version check on the shared store keeps them from making two views
 * with one number.
 *
 * <p>For the checks it remembers the highest view number the store ever held, and whether the
 * store's view ever went back below it (a deposed leader's write over a newer view).
 */
public final class ReplicatedViewService implements Copyable, AddressedNode {
  /** The election tells the replica it is sent to that it leads now. */
  public record LeadershipGained() implements Message {}

  /** The election tells the replica it is sent to that it no longer leads. */
  public record LeadershipLost() implements Message {}

  /** A timer of replica {@code replica} (1 or 2). */
  public record ReplicaTimer(int replica, Timer timer) implements Timer {
    @Override
    public String toString() {
      return "vs" + replica + " " + timer;
    }
  }

  private final List<Address> addresses;
  private final InMemoryViewStore store;
  private final ViewServer[] replicas;
  private long highestStored;
  private boolean storeWentBack;

  /** Replicas at {@code addresses} (in order), sharing a fresh store; the first one leads. */
  public ReplicatedViewService(List<Address> addresses, ViewServiceConfig config) {
    this.addresses = List.copyOf(addresses);
    this.store = new InMemoryViewStore();
    this.replicas = new ViewServer[addresses.size()];
    for (int i = 0; i < replicas.length; i++) {
      replicas[i] = ViewServer.replica(config, store);
    }
  }

  private ReplicatedViewService(
      List<Address> addresses, InMemoryViewStore store, ViewServer[] replicas) {
    this.addresses = addresses;
    this.store = store;
    this.replicas = replicas;
  }

  @Override
  public List<Address> addresses() {
    return addresses;
  }

  /** The replicas, in the order of {@link #addresses()}. */
  public List<ViewServer> replicas() {
    return List.of(replicas);
  }

  /** The replica that acts as leader (the first if several do), else the first replica. */
  public ViewServer leader() {
    for (ViewServer r : replicas) {
      if (r.isLeading()) {
        return r;
      }
    }
    return replicas[0];
  }

  /** The view the shared store holds now. */
  public View storedView() {
    return store.read().state().view();
  }

  /** Whether the store's view number ever went back below one it held before. */
  public boolean storeWentBack() {
    return storeWentBack;
  }

  @Override
  public void init(Effects fx) {
    for (int i = 0; i < replicas.length; i++) {
      replicas[i].init(forReplica(i, fx));
    }
    replicas[0].leadershipGained();
  }

  @Override
  public void onMessageAt(Address to, Address from, Message msg, Effects fx) {
    int i = addresses.indexOf(to);
    if (i < 0) {
      return; // sent to the group's own address: nobody answers there
    }
    if (msg instanceof LeadershipGained) {
      replicas[i].leadershipGained();
    } else if (msg instanceof LeadershipLost) {
      replicas[i].leadershipLost();
    } else {
      replicas[i].onMessage(from, msg, forReplica(i, fx));
    }
    noteStore();
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    // the checker calls onMessageAt; a message to the group's own address reaches no replica
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    if (!(timer instanceof ReplicaTimer rt)) {
      throw new IllegalArgumentException("replicated view service: unknown timer " + timer);
    }
    replicas[rt.replica() - 1].onTimer(rt.timer(), forReplica(rt.replica() - 1, fx));
    noteStore();
  }

  private void noteStore() {
    long now = storedView().viewNum();
    if (now < highestStored) {
      storeWentBack = true;
    } else {
      highestStored = now;
    }
  }

  private static Effects forReplica(int i, Effects fx) {
    return new Effects() {
      @Override
      public void send(Address to, Message m) {
        fx.send(to, m);
      }

      @Override
      public void setTimer(Timer timer, long minMillis, long maxMillis) {
        fx.setTimer(new ReplicaTimer(i + 1, timer), minMillis, maxMillis);
      }
    };
  }

  @Override
  public ReplicatedViewService copy() {
    InMemoryViewStore s = store.copy();
    ViewServer[] rs = new ViewServer[replicas.length];
    for (int i = 0; i < rs.length; i++) {
      rs[i] = replicas[i].copyWith(s);
    }
    ReplicatedViewService c = new ReplicatedViewService(addresses, s, rs);
    c.highestStored = highestStored;
    c.storeWentBack = storeWentBack;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicatedViewService other
        && highestStored == other.highestStored
        && storeWentBack == other.storeWentBack
        && addresses.equals(other.addresses)
        && store.equals(other.store)
        && Arrays.equals(replicas, other.replicas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(store, Arrays.hashCode(replicas), highestStored, storeWentBack);
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < replicas.length; i++) {
      parts.add(addresses.get(i) + "=" + replicas[i]);
    }
    return "ReplicatedViewService" + parts + " " + store;
  }

  /**
   * The leader election as the model checker drives it: once its timer fires, it tells the second
   * replica that it leads and the first that it no longer does. Each message is delivered at any
   * point, more than once, or never, as every message in the checker: the old leader may never
   * hear.
   */
  public static final class Election implements Copyable {
    /** Fires once: the election moves leadership from the first replica to the second. */
    public record Move() implements Timer {}

    private final Address from;
    private final Address to;

    public Election(Address from, Address to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public void init(Effects fx) {
      fx.setTimer(new Move(), 0);
    }

    @Override
    public void onMessage(Address sender, Message msg, Effects fx) {}

    @Override
    public void onTimer(Timer timer, Effects fx) {
      fx.send(to, new LeadershipGained());
      fx.send(from, new LeadershipLost());
    }

    @Override
    public Election copy() {
      return this; // no state
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Election e && from.equals(e.from) && to.equals(e.to);
    }

    @Override
    public int hashCode() {
      return from.hashCode() * 31 + to.hashCode();
    }

    @Override
    public String toString() {
      return "Election[" + from + " -> " + to + "]";
    }
  }
}
