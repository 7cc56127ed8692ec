package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulationTest {
  record Hello(int n) implements Message {}

  record Tick() implements Timer {}

  /** Sends Hello(1), Hello(2), … to {@code target} every millisecond; records what it receives. */
  static final class Chatty implements Node {
    final Address target;
    final long bootId;
    int sent;
    final List<Integer> received = new ArrayList<>();

    Chatty(Address target, long bootId) {
      this.target = target;
      this.bootId = bootId;
    }

    @Override
    public void init(Effects fx) {
      fx.setTimer(new Tick(), 1);
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      received.add(((Hello) msg).n());
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {
      if (target != null) {
        fx.send(target, new Hello(++sent));
      }
      fx.setTimer(new Tick(), 1);
    }
  }

  private static final Address P = Address.of("p");
  private static final Address Q = Address.of("q");

  private static Simulation pair(long seed) {
    Simulation sim = new Simulation(seed);
    sim.addNode(P, boot -> new Chatty(Q, boot));
    sim.addNode(Q, boot -> new Chatty(null, boot));
    return sim;
  }

  /** Every event of a run, as text. */
  private static List<String> trace(Simulation sim) {
    List<String> log = new ArrayList<>();
    sim.addListener(
        new SimListener() {
          @Override
          public void onDeliver(long micros, long id, Address from, Address to, Message msg) {
            log.add(micros + " deliver " + id + " " + msg);
          }

          @Override
          public void onDrop(long micros, long id, Address f, Address t, Message m, String why) {
            log.add(micros + " drop " + id + " " + why);
          }
        });
    return log;
  }

  @Test
  void when_sameSeed_then_sameEvents_andOtherSeed_differentEvents() {
    Simulation a = pair(9);
    Simulation b = pair(9);
    Simulation c = pair(10);
    for (Simulation s : List.of(a, b, c)) {
      s.setDropProbability(0.2);
      s.setDuplicateProbability(0.2);
    }
    List<String> ta = trace(a);
    List<String> tb = trace(b);
    List<String> tc = trace(c);
    a.runFor(200);
    b.runFor(200);
    c.runFor(200);
    assertThat(ta).hasSizeGreaterThan(100).isEqualTo(tb).isNotEqualTo(tc);
  }

  /** (message, delivery time) of every delivery on the link from {@code from} to {@code to}. */
  private static List<String> linkLog(Simulation sim, Address from, Address to) {
    List<String> log = new ArrayList<>();
    sim.addListener(
        new SimListener() {
          @Override
          public void onDeliver(long micros, long id, Address f, Address t, Message msg) {
            if (f.equals(from) && t.equals(to)) {
              log.add(msg + "@" + micros);
            }
          }

          @Override
          public void onDrop(long micros, long id, Address f, Address t, Message m, String why) {
            if (f.equals(from) && t.equals(to)) {
              log.add(m + " dropped");
            }
          }
        });
    return log;
  }

  @Test
  void when_moreNodesTalk_then_decisionsOnOtherLinksDoNotChange() {
    Simulation alone = pair(3);
    Simulation crowded = pair(3);
    for (Simulation s : List.of(alone, crowded)) {
      s.setDelay(1, 20);
      s.setDropProbability(0.1);
    }
    crowded.addNode(Address.of("r"), boot -> new Chatty(Q, boot)); // more traffic, also to q
    List<String> aloneLog = linkLog(alone, P, Q);
    List<String> crowdedLog = linkLog(crowded, P, Q);
    List<String> fromR = linkLog(crowded, Address.of("r"), Q);
    alone.runFor(300);
    crowded.runFor(300);
    assertThat(fromR).hasSizeGreaterThan(100);
    assertThat(aloneLog).hasSizeGreaterThan(100).anyMatch(l -> l.endsWith("dropped"));
    assertThat(crowdedLog).isEqualTo(aloneLog);
  }

  @Test
  void when_partitionedOrCut_then_messagesAreDropped_untilHealed() {
    Simulation sim = pair(1);
    sim.partition(Set.of(P), Set.of(Q));
    sim.runFor(50);
    assertThat(sim.node(Q, Chatty.class).received).isEmpty();
    sim.heal();
    sim.runFor(50);
    assertThat(sim.node(Q, Chatty.class).received).isNotEmpty();
    int before = sim.node(Q, Chatty.class).received.size();
    sim.cut(P, Q);
    sim.runFor(10); // in-flight messages are dropped at delivery too
    sim.runFor(50);
    assertThat(sim.node(Q, Chatty.class).received).hasSizeLessThanOrEqualTo(before + 0);
    assertThat(sim.canReach(Q, P)).isTrue();
    assertThat(sim.canReach(P, Q)).isFalse();
  }

  @Test
  void when_crashedAndRestarted_then_stateIsLost_andBootIdGrows() {
    Simulation sim = pair(1);
    sim.runFor(50);
    assertThat(sim.node(Q, Chatty.class).received).isNotEmpty();
    sim.crash(Q);
    assertThat(sim.isUp(Q)).isFalse();
    sim.runFor(50);
    sim.restart(Q);
    Chatty fresh = sim.node(Q, Chatty.class);
    assertThat(fresh.bootId).isEqualTo(2);
    assertThat(fresh.received).isEmpty();
    sim.runFor(50);
    assertThat(fresh.received).isNotEmpty().allMatch(n -> n > 50);
  }

  @Test
  void when_paused_then_nothingIsHandled_thenEverythingWaitingIsHandledInOrder() {
    Simulation sim = pair(1);
    sim.setDelay(1, 1);
    sim.runFor(20);
    Chatty q = sim.node(Q, Chatty.class);
    Chatty p = sim.node(P, Chatty.class);
    int received = q.received.size();
    int sent = p.sent;
    sim.pause(Q, 100);
    sim.pause(P, 100);
    sim.runFor(99);
    assertThat(q.received).hasSize(received);
    assertThat(p.sent).isEqualTo(sent); // its timers did not fire either
    sim.runFor(5);
    assertThat(q.received.size()).isGreaterThan(received);
    assertThat(q.received).isSorted();
    assertThat(sim.node(Q, Chatty.class)).isSameAs(q); // same state: a zombie, not a restart
  }

  @Test
  void when_replayed_then_anOldMessageArrivesAgain() {
    Simulation sim = pair(1);
    sim.recordSends(true);
    List<String> log = linkLog(sim, P, Q);
    sim.runFor(20);
    SentMessage first = sim.sent(m -> m.message().equals(new Hello(1))).get(0);
    sim.runFor(100);
    assertThat(log.stream().filter(l -> l.startsWith("Hello[n=1]@"))).hasSize(1);
    sim.replay(first);
    sim.runFor(10);
    assertThat(log.stream().filter(l -> l.startsWith("Hello[n=1]@"))).hasSize(2);
  }

  @Test
  void when_runUntilConditionNeverHolds_then_itStopsAtTheLimit() {
    Simulation sim = pair(1);
    assertThat(sim.runUntil(() -> false, 250)).isFalse();
    assertThat(sim.nowMillis()).isEqualTo(250);
    assertThat(sim.runUntil(() -> sim.node(Q, Chatty.class).received.size() >= 3, 250)).isTrue();
  }
}
