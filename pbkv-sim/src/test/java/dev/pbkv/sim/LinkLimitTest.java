package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Links with a bandwidth and a bounded buffer (docs/design.md §9): time, order, drops. */
class LinkLimitTest {
  /** A message of a given size. */
  record Blob(String name, int sizeBytes) implements Message {}

  /** Records when each message arrives, in virtual microseconds. */
  static final class Sink implements Node {
    final List<String> arrivals = new ArrayList<>();
    final Simulation sim;

    Sink(Simulation sim) {
      this.sim = sim;
    }

    @Override
    public void init(Effects fx) {}

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      arrivals.add(((Blob) msg).name() + "@" + sim.nowMicros());
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {}
  }

  private static final Address P = Address.of("p");
  private static final Address Q = Address.of("q");

  private static Simulation pair() {
    Simulation sim = new Simulation(1);
    sim.setDelay(1, 1); // 1 ms of network delay, no randomness
    sim.addNode(P, boot -> new Sink(sim));
    sim.addNode(Q, boot -> new Sink(sim));
    return sim;
  }

  private static void send(Simulation sim, Message... msgs) {
    sim.invoke(
        P,
        Sink.class,
        (node, fx) -> {
          for (Message m : msgs) {
            fx.send(Q, m);
          }
        });
  }

  @Test
  void when_aLinkIsUnlimited_then_sizeCostsNothing() {
    Simulation sim = pair();
    send(sim, new Blob("big", 10_000_000), new Blob("small", 16));
    sim.runFor(10);
    assertThat(sim.node(Q, Sink.class).arrivals).containsExactly("big@1000", "small@1000");
  }

  @Test
  void when_aLinkIsSlow_then_aLargeMessageTakesItsSizeOverTheBandwidth_andSmallOnesWaitBehind() {
    Simulation sim = pair();
    sim.limitLink(P, Q, 1_000_000, 10_000_000); // 1 MB/s
    send(sim, new Blob("big", 2_000_000), new Blob("small", 100));
    sim.runFor(3000);
    // 2 s to send the big one, then 1 ms of delay; the small one leaves 100 µs after it
    assertThat(sim.node(Q, Sink.class).arrivals).containsExactly("big@2001000", "small@2001100");
    assertThat(sim.linkStats(P, Q)).isEqualTo(new Simulation.LinkStats(2_000_100, 0, 0, 0));
    assertThat(sim.linkStats(Q, P)).isNull(); // the other direction is unlimited
  }

  @Test
  void when_theBufferIsFull_then_aMessageIsDropped_andCounted() {
    Simulation sim = pair();
    sim.limitLink(P, Q, 1_000, 3_000); // 1 KB/s, 3 KB of buffer
    List<String> drops = new ArrayList<>();
    sim.addListener(
        new SimListener() {
          @Override
          public void onDrop(long micros, long id, Address f, Address t, Message m, String why) {
            drops.add(((Blob) m).name() + ": " + why);
          }
        });
    send(sim, new Blob("a", 2_000), new Blob("b", 2_000), new Blob("c", 1_000));
    assertThat(drops).containsExactly("b: link buffer full (3000 bytes)");
    assertThat(sim.linkStats(P, Q).bytesDropped()).isEqualTo(2_000);
    sim.runFor(1_500); // a has left, c is half sent: 500 bytes wait
    assertThat(sim.linkStats(P, Q).queuedBytes()).isEqualTo(1_500);
    sim.runFor(5_000);
    assertThat(sim.node(Q, Sink.class).arrivals).containsExactly("a@2001000", "c@3001000");
    sim.unlimitLink(P, Q);
    send(sim, new Blob("d", 1_000_000));
    sim.runFor(10);
    assertThat(sim.node(Q, Sink.class).arrivals).endsWith("d@6501000");
  }

  @Test
  void when_aLimitIsNotPositive_then_itIsRefused() {
    Simulation sim = pair();
    assertThatThrownBy(() -> sim.limitLink(P, Q, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bandwidth and a buffer > 0");
  }
}
