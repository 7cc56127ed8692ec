package dev.pbkv.mutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.mutex.ChannelMessage.Ack;
import dev.pbkv.mutex.ChannelMessage.Data;
import dev.pbkv.mutex.ChannelTimer.Retransmit;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FifoChannelTest {
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");

  record Text(String s) implements Message {}

  private static Text t(String s) {
    return new Text(s);
  }

  @Test
  void when_sending_then_numbersCountFromOnePerPeer_andOneRetransmitTimerIsArmed() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    ch.send(B, t("x"), fx);
    ch.send(B, t("y"), fx);
    ch.send(A, t("z"), fx);
    assertThat(fx.sentTo(B)).containsExactly(new Data(1, t("x")), new Data(2, t("y")));
    assertThat(fx.sentTo(A)).containsExactly(new Data(1, t("z")));
    assertThat(fx.timers(Retransmit.class))
        .containsExactly(new Retransmit(B, 0), new Retransmit(A, 0));
    assertThat(fx.timers()).allSatisfy(ts -> assertThat(ts.minMillis()).isEqualTo(50));
    assertThat(ch.unacknowledged(B)).isEqualTo(2);
    assertThat(ch.unacknowledged()).isEqualTo(3);
  }

  @Test
  void when_dataArrivesOutOfOrder_then_itIsBufferedAndDeliveredInOrder() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    assertThat(ch.onMessage(A, new Data(2, t("second")), fx)).isEmpty();
    assertThat(fx.nothingSent()).as("nothing delivered yet: nothing to ack").isTrue();
    assertThat(ch.buffered(A)).isEqualTo(1);
    assertThat(ch.onMessage(A, new Data(3, t("third")), fx)).isEmpty();
    assertThat(ch.onMessage(A, new Data(1, t("first")), fx))
        .containsExactly(t("first"), t("second"), t("third"));
    assertThat(fx.sentTo(A)).containsExactly(new Ack(3));
    assertThat(ch.buffered(A)).isZero();
    assertThat(ch.deliveredFrom(A)).isEqualTo(3);
  }

  @Test
  void when_dataIsDuplicated_then_deliveredOnce_butAckedAgain() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    assertThat(ch.onMessage(A, new Data(1, t("x")), fx)).containsExactly(t("x"));
    assertThat(ch.onMessage(A, new Data(1, t("x")), fx)).isEmpty();
    assertThat(ch.onMessage(A, new Data(3, t("z")), fx)).isEmpty();
    assertThat(ch.onMessage(A, new Data(3, t("z")), fx)).isEmpty();
    assertThat(ch.onMessage(A, new Data(2, t("y")), fx)).containsExactly(t("y"), t("z"));
    assertThat(fx.sentTo(A))
        .containsExactly(new Ack(1), new Ack(1), new Ack(1), new Ack(1), new Ack(3));
  }

  @Test
  void when_aCumulativeAckArrives_then_everythingUpToItIsForgotten() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    for (String s : List.of("a", "b", "c")) {
      ch.send(B, t(s), fx);
    }
    ch.onMessage(B, new Ack(2), fx);
    assertThat(ch.unacknowledged(B)).isEqualTo(1);
    ch.onMessage(B, new Ack(1), fx); // late, older ack: no effect
    assertThat(ch.unacknowledged(B)).isEqualTo(1);
    ch.onMessage(B, new Ack(99), fx); // beyond what was sent: capped
    assertThat(ch.unacknowledged(B)).isZero();
    ch.send(B, t("d"), new RecordingEffects());
    assertThat(ch.unacknowledged(B)).isEqualTo(1);
  }

  @Test
  void when_theRetransmitTimerFiresWithoutProgress_then_allUnackedAreResent() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    ch.send(B, t("a"), fx);
    ch.send(B, t("b"), fx);
    fx.clear();
    ch.onTimer(new Retransmit(B, 0), fx);
    assertThat(fx.sentTo(B)).containsExactly(new Data(1, t("a")), new Data(2, t("b")));
    assertThat(fx.timers(Retransmit.class)).containsExactly(new Retransmit(B, 0));
  }

  @Test
  void when_theRetransmitTimerFiresAfterProgress_then_nothingIsResent_butItIsRearmed() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    ch.send(B, t("a"), fx);
    ch.send(B, t("b"), fx);
    ch.onMessage(B, new Ack(1), fx);
    fx.clear();
    ch.onTimer(new Retransmit(B, 0), fx);
    assertThat(fx.nothingSent()).isTrue();
    assertThat(fx.timers(Retransmit.class)).containsExactly(new Retransmit(B, 1));
    fx.clear();
    ch.onTimer(new Retransmit(B, 1), fx);
    assertThat(fx.sentTo(B)).containsExactly(new Data(2, t("b")));
  }

  @Test
  void when_everythingIsAcked_then_theTimerLapses_andTheNextSendArmsAnew() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    ch.send(B, t("a"), fx);
    ch.send(B, t("b"), fx);
    assertThat(fx.timers()).hasSize(1);
    ch.onMessage(B, new Ack(2), fx);
    fx.clear();
    ch.onTimer(new Retransmit(B, 0), fx);
    assertThat(fx.nothingSent()).isTrue();
    assertThat(fx.timers()).isEmpty();
    ch.send(B, t("c"), fx);
    assertThat(fx.timers(Retransmit.class)).containsExactly(new Retransmit(B, 2));
  }

  @Test
  void when_copied_then_equalAndIndependent() {
    FifoChannel ch = new FifoChannel(50);
    RecordingEffects fx = new RecordingEffects();
    ch.send(B, t("a"), fx);
    ch.onMessage(A, new Data(2, t("q")), fx);
    FifoChannel copy = ch.copy();
    assertThat(copy).isEqualTo(ch).hasSameHashCodeAs(ch);
    ch.onMessage(A, new Data(1, t("p")), fx);
    assertThat(copy).isNotEqualTo(ch);
    assertThat(copy.buffered(A)).isEqualTo(1);
    assertThat(copy.copy()).isEqualTo(copy);
  }

  @Test
  void when_badArguments_then_rejected() {
    assertThatThrownBy(() -> new FifoChannel(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Data(0, t("x"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Ack(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  // --- over a lossy, reordering, duplicating network ------------------------------------------

  /** One message or timer in flight. */
  record InFlight(Address from, Address to, Object what) {}

  /** Collects sends and timers of one node into the shared in-flight list. */
  static final class Net implements Effects {
    final Address self;
    final List<InFlight> inFlight;

    Net(Address self, List<InFlight> inFlight) {
      this.self = self;
      this.inFlight = inFlight;
    }

    @Override
    public void send(Address to, Message msg) {
      inFlight.add(new InFlight(self, to, msg));
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {
      inFlight.add(new InFlight(self, self, timer));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void when_theNetworkLosesReordersAndDuplicates_then_everyPayloadArrivesOnceInOrder(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<InFlight> inFlight = new ArrayList<>();
    FifoChannel a = new FifoChannel(50);
    FifoChannel b = new FifoChannel(50);
    Net fxA = new Net(A, inFlight);
    Net fxB = new Net(B, inFlight);
    List<Message> atB = new ArrayList<>();
    List<Message> atA = new ArrayList<>();
    int n = 200;
    int sentAB = 0;
    int sentBA = 0;
    for (int step = 0; step < 200_000 && (atB.size() < n || atA.size() < n); step++) {
      if (sentAB < n && r.nextInt(4) == 0) {
        a.send(B, t("ab" + sentAB++), fxA);
      }
      if (sentBA < n && r.nextInt(4) == 0) {
        b.send(A, t("ba" + sentBA++), fxB);
      }
      if (inFlight.isEmpty()) {
        continue;
      }
      InFlight f = inFlight.remove(r.nextInt(inFlight.size())); // any order
      if (f.what() instanceof ChannelTimer timer) {
        (f.to().equals(A) ? a : b).onTimer(timer, f.to().equals(A) ? fxA : fxB);
        continue;
      }
      if (r.nextDouble() < 0.3) {
        continue; // lost
      }
      if (r.nextDouble() < 0.2) {
        inFlight.add(f); // duplicated: another copy stays in flight
      }
      if (f.to().equals(B)) {
        atB.addAll(b.onMessage(A, (ChannelMessage) f.what(), fxB));
      } else {
        atA.addAll(a.onMessage(B, (ChannelMessage) f.what(), fxA));
      }
    }
    List<Message> expectedAtB = new ArrayList<>();
    List<Message> expectedAtA = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expectedAtB.add(t("ab" + i));
      expectedAtA.add(t("ba" + i));
    }
    assertThat(atB).as("seed %d", seed).isEqualTo(expectedAtB);
    assertThat(atA).as("seed %d", seed).isEqualTo(expectedAtA);
  }
}
