package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.clock.VectorClock;
import dev.pbkv.clock.VectorClock.Ordering;
import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.sim.LogicalClocks.Event;
import dev.pbkv.sim.LogicalClocks.Kind;
import dev.pbkv.sim.mutex.MutexDemo;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The clocks stamped outside the nodes, checked against happens-before computed independently from
 * the recorded events (program order per node plus send→receive edges, transitively closed) on
 * traces of real simulator runs: a → b implies L(a) < L(b), and V(a) < V(b) exactly when a → b.
 */
class LogicalClocksTest {

  // --- small hand-checked runs ----------------------------------------------------------------

  record Ball(int hits) implements Message {}

  record Serve() implements Timer {}

  /** Serves a ball to {@code peer} on a timer; returns every ball until {@code max} hits. */
  static final class Player implements Node {
    final Address peer;
    final boolean serves;
    final int max;

    Player(Address peer, boolean serves, int max) {
      this.peer = peer;
      this.serves = serves;
      this.max = max;
    }

    @Override
    public void init(Effects fx) {
      if (serves) {
        fx.setTimer(new Serve(), 1);
      }
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      int hits = ((Ball) msg).hits();
      if (hits < max) {
        fx.send(peer, new Ball(hits + 1));
      }
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {
      fx.send(peer, new Ball(1));
    }

    void shout(Effects fx) {
      fx.send(peer, new Ball(max));
    }
  }

  private static final Address P = Address.of("p");
  private static final Address Q = Address.of("q");

  private static VectorClock v(long p, long q) {
    return VectorClock.of(Map.of("p", p, "q", q));
  }

  @Test
  void when_twoNodesPlayPingPong_then_theStampsFollowTheClockRules() {
    Simulation sim = new Simulation(1);
    LogicalClocks clocks = LogicalClocks.attach(sim);
    sim.addNode(P, boot -> new Player(Q, true, 3));
    sim.addNode(Q, boot -> new Player(P, false, 3));
    sim.runFor(100);

    List<String> got =
        clocks.events().stream()
            .map(e -> e.node() + " " + e.kind() + " L" + e.lamport() + " " + e.vector())
            .toList();
    assertThat(got)
        .containsExactly(
            "p START L1 {p:1}",
            "q START L1 {q:1}",
            "p TIMER L2 {p:2}",
            "p SEND L3 {p:3}",
            "q RECEIVE L4 {p:3, q:2}",
            "q SEND L5 {p:3, q:3}",
            "p RECEIVE L6 {p:4, q:3}",
            "p SEND L7 {p:5, q:3}",
            "q RECEIVE L8 {p:5, q:4}");
    Event firstSend = clocks.events().get(3);
    assertThat(firstSend.messageId()).isNotNull();
    assertThat(clocks.sendOf(firstSend.messageId())).isEqualTo(firstSend);
    assertThat(clocks.receivesOf(firstSend.messageId()))
        .singleElement()
        .satisfies(r -> assertThat(r.peer()).isEqualTo(P));
    assertThat(clocks.lamport(Q)).isEqualTo(8);
    assertThat(clocks.vector(P)).isEqualTo(v(5, 3));
    assertThat(clocks.nodes()).containsExactly(P, Q);
    assertThat(firstSend.stamp().toString()).isEqualTo("3@p");
  }

  @Test
  void when_everyMessageIsDuplicated_then_eachDeliveryIsAReceiveOfTheSameSend() {
    Simulation sim = new Simulation(2);
    sim.setDuplicateProbability(1);
    LogicalClocks clocks = LogicalClocks.attach(sim);
    sim.addNode(P, boot -> new Player(Q, true, 1));
    sim.addNode(Q, boot -> new Player(P, false, 1));
    sim.runFor(100);

    Event send = clocks.events().stream().filter(e -> e.kind() == Kind.SEND).findFirst().get();
    List<Event> receives = clocks.receivesOf(send.messageId());
    assertThat(receives).hasSize(2);
    assertThat(receives.get(0).lamport()).isGreaterThan(send.lamport());
    assertThat(receives.get(1).lamport()).isGreaterThan(receives.get(0).lamport());
    assertThat(send.vector().happenedBefore(receives.get(0).vector())).isTrue();
    assertThat(receives.get(0).vector().happenedBefore(receives.get(1).vector())).isTrue();
  }

  @Test
  void when_aNodeCrashesAndRestarts_then_itsClocksContinue() {
    Simulation sim = new Simulation(3);
    LogicalClocks clocks = LogicalClocks.attach(sim);
    sim.addNode(P, boot -> new Player(Q, true, 2));
    sim.addNode(Q, boot -> new Player(P, false, 2));
    sim.runFor(100);
    long before = clocks.lamport(Q);
    VectorClock vBefore = clocks.vector(Q);

    sim.crash(Q);
    sim.restart(Q);
    sim.pause(Q, 5);
    sim.runFor(10);

    List<Event> atQ = clocks.events().stream().filter(e -> e.node().equals(Q)).toList();
    List<Kind> tail = atQ.subList(atQ.size() - 4, atQ.size()).stream().map(Event::kind).toList();
    assertThat(tail).containsExactly(Kind.CRASH, Kind.RESTART, Kind.PAUSE, Kind.RESUME);
    Event restart = atQ.get(atQ.size() - 3);
    assertThat(restart.lamport()).isEqualTo(before + 2);
    assertThat(vBefore.happenedBefore(restart.vector())).isTrue();
    assertThat(restart.detail()).isEqualTo("restart as a fresh node");
  }

  @Test
  void when_aNodeIsInvokedFromOutside_then_anInvokeEventPrecedesItsSends() {
    Simulation sim = new Simulation(4);
    LogicalClocks clocks = LogicalClocks.attach(sim);
    sim.addNode(P, boot -> new Player(Q, false, 1));
    sim.addNode(Q, boot -> new Player(P, false, 1));
    sim.invoke(P, Player.class, (p, fx) -> p.shout(fx));
    sim.invoke(Q, Player.class, (q, fx) -> {});
    sim.runFor(100);
    assertThat(clocks.events())
        .extracting(e -> e.node() + " " + e.kind())
        .containsExactly("p START", "q START", "p INVOKE", "p SEND", "q INVOKE", "q RECEIVE");
  }

  // --- happens-before, computed independently, on real runs -----------------------------------

  /** Happens-before over the recorded events: reach[b] holds a exactly when a → b. */
  static BitSet[] happensBefore(List<Event> events) {
    int n = events.size();
    BitSet[] reach = new BitSet[n];
    Map<Address, Integer> lastOfNode = new HashMap<>();
    Map<Long, Integer> sendIndex = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Event e = events.get(i);
      assertThat(e.index()).isEqualTo(i);
      BitSet r = new BitSet(n);
      Integer prev = lastOfNode.put(e.node(), i);
      if (prev != null) {
        r.or(reach[prev]);
        r.set(prev);
      }
      if (e.kind() == Kind.SEND) {
        sendIndex.put(e.messageId(), i);
      } else if (e.kind() == Kind.RECEIVE) {
        Integer s = sendIndex.get(e.messageId());
        assertThat(s).as("a receive without its send: %s", e).isNotNull();
        r.or(reach[s]);
        r.set(s);
      }
      reach[i] = r;
    }
    return reach;
  }

  /**
   * Checks both clock conditions on every ordered pair of events, or on {@code samples} random
   * pairs (seeded, printed) when there are more pairs than that. Returns the pairs checked.
   */
  static long checkClockConditions(String run, List<Event> events, long samples, long seed) {
    BitSet[] hb = happensBefore(events);
    int n = events.size();
    long pairs = (long) n * (n - 1);
    long checked = 0;
    long related = 0;
    if (pairs <= samples) {
      for (int a = 0; a < n; a++) {
        for (int b = 0; b < n; b++) {
          if (a != b) {
            related += check(run, events, hb, a, b) ? 1 : 0;
            checked++;
          }
        }
      }
    } else {
      System.out.printf("%s: sampling %d of %d pairs with seed %d%n", run, samples, pairs, seed);
      SplittableRandom r = new SplittableRandom(seed);
      for (; checked < samples; checked++) {
        int a = r.nextInt(n);
        int b = r.nextInt(n - 1);
        if (b >= a) {
          b++;
        }
        related += check(run, events, hb, a, b) ? 1 : 0;
      }
    }
    System.out.printf(
        "%s: %d events, %d pairs checked, %d ordered by happens-before%n",
        run, n, checked, related);
    assertThat(related).as("%s: the run has causal chains", run).isPositive();
    assertThat(related).as("%s: the run has concurrent events", run).isLessThan(checked);
    return checked;
  }

  /** Checks one pair; returns whether a → b. */
  private static boolean check(String run, List<Event> events, BitSet[] hb, int a, int b) {
    boolean before = hb[b].get(a);
    Event ea = events.get(a);
    Event eb = events.get(b);
    Ordering o = ea.vector().compare(eb.vector());
    if (before != (o == Ordering.BEFORE)) {
      throw new AssertionError(
          run
              + ": a → b is "
              + before
              + " but V(a) vs V(b) is "
              + o
              + "\n a: "
              + ea
              + "\n b: "
              + eb);
    }
    if (before && ea.lamport() >= eb.lamport()) {
      throw new AssertionError(run + ": a → b but L(a) >= L(b)\n a: " + ea + "\n b: " + eb);
    }
    if (o == Ordering.EQUAL) {
      throw new AssertionError(run + ": two events with equal vector clocks\n" + ea + "\n" + eb);
    }
    return before;
  }

  /** A primary/backup cluster with clients, loss, duplicates, a crash, a restart and a pause. */
  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void when_aFaultyClusterRuns_then_theClocksMatchHappensBefore(long seed) {
    Cluster cluster = Cluster.withDefaults(seed);
    Simulation sim = cluster.sim();
    LogicalClocks clocks = LogicalClocks.attach(sim);
    sim.setDropProbability(0.1);
    sim.setDuplicateProbability(0.1);
    sim.recordSends(true);
    cluster.startViewService();
    Address s1 = cluster.startServer("s1");
    Address s2 = cluster.startServer("s2");
    cluster.startServer("s3");
    for (String name : List.of("c1", "c2")) {
      Address c = cluster.addClient(name);
      AtomicInteger n = new AtomicInteger();
      Supplier<Command> ops =
          () -> n.incrementAndGet() % 3 == 0 ? new Command.Get("k") : new Command.Append("k", "x");
      cluster.runWorkload(c, ops);
    }
    sim.at(300, () -> sim.pause(s2, 250));
    sim.at(400, () -> sim.crash(s1));
    sim.at(700, () -> sim.restart(s1));
    sim.at(800, () -> sim.replay(sim.sent(m -> true).get(5)));
    sim.runFor(4000);

    List<Event> events = clocks.events();
    assertThat(events).extracting(Event::kind).contains(Kind.CRASH, Kind.RESTART, Kind.PAUSE);
    assertThat(events)
        .as("some message was delivered twice")
        .anySatisfy(
            e ->
                assertThat(e.messageId() != null && clocks.receivesOf(e.messageId()).size() > 1)
                    .isTrue());
    checkClockConditions("cluster seed " + seed, events, 2_000_000, 1000 + seed);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2})
  void when_lamportMutexRunsOverALossyNetwork_then_theClocksMatchHappensBefore(long seed) {
    LogicalClocks[] clocks = new LogicalClocks[1];
    MutexDemo.Report r =
        MutexDemo.run(
            MutexDemo.Options.of(5, seed)
                .withFaults(0.2, 0.2)
                .withDelay(1, 20)
                .withRequestsPerNode(6),
            line -> {},
            sim -> clocks[0] = LogicalClocks.attach(sim));
    assertThat(r.passed()).isTrue();
    List<Event> events = clocks[0].events();
    assertThat(events).extracting(Event::kind).contains(Kind.INVOKE, Kind.TIMER, Kind.RECEIVE);
    checkClockConditions("mutex seed " + seed, events, 2_000_000, 2000 + seed);
  }

  @Test
  void when_clocksContradictHappensBefore_then_theCheckFails() {
    Simulation sim = new Simulation(5);
    LogicalClocks clocks = LogicalClocks.attach(sim);
    sim.addNode(P, boot -> new Player(Q, true, 3));
    sim.addNode(Q, boot -> new Player(P, false, 3));
    sim.runFor(100);
    List<Event> good = clocks.events();
    checkClockConditions("ping-pong", good, 1_000_000, 0);

    // forget the merge at q's first receive: the check must notice
    List<Event> bad = new java.util.ArrayList<>(good);
    Event r = bad.get(4);
    bad.set(
        4,
        new Event(
            r.index(),
            r.node(),
            r.kind(),
            r.lamport(),
            VectorClock.EMPTY.increment("q").increment("q"),
            r.messageId(),
            r.peer(),
            r.micros(),
            r.detail()));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> checkClockConditions("broken", bad, 1_000_000, 0))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a → b is true but V(a) vs V(b) is CONCURRENT");
  }
}
