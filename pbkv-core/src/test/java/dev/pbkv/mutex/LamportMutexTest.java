package dev.pbkv.mutex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.clock.LamportStamp;
import dev.pbkv.mutex.ChannelMessage.Data;
import dev.pbkv.mutex.MutexMessage.Release;
import dev.pbkv.mutex.MutexMessage.Request;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.node.Timer;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LamportMutexTest {
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");

  /** A tiny reliable, in-order network of mutex nodes with recording effects. */
  static final class Group {
    final TreeMap<Address, LamportMutex> nodes = new TreeMap<>();
    final TreeMap<Address, RecordingEffects> fx = new TreeMap<>();

    Group(MutexConfig config, Address... members) {
      for (Address a : members) {
        nodes.put(a, new LamportMutex(a, List.of(members), config));
        fx.put(a, new RecordingEffects());
        nodes.get(a).init(fx.get(a));
      }
    }

    LamportMutex node(Address a) {
      return nodes.get(a);
    }

    void request(Address a) {
      node(a).request(fx.get(a));
    }

    void release(Address a) {
      node(a).release(fx.get(a));
    }

    /** Delivers what {@code from} has sent so far (only to {@code to} if given), in order. */
    void deliverFrom(Address from, Address to) {
      RecordingEffects out = fx.get(from);
      List<RecordingEffects.Sent> sent = out.sent();
      out.clear();
      for (RecordingEffects.Sent s : sent) {
        if (to == null || s.to().equals(to)) {
          node(s.to()).onMessage(from, s.msg(), fx.get(s.to()));
        } else {
          out.send(s.to(), s.msg()); // keep for later
        }
      }
    }

    /** Delivers everything until nobody sends any more. */
    void settle() {
      boolean any = true;
      while (any) {
        any = false;
        for (Address a : nodes.keySet()) {
          if (!fx.get(a).nothingSent()) {
            any = true;
            deliverFrom(a, null);
          }
        }
      }
    }

    long holders() {
      return nodes.values().stream().filter(LamportMutex::holdsLock).count();
    }
  }

  private static List<Message> payloadsTo(RecordingEffects fx, Address to) {
    return fx.sentTo(to).stream()
        .filter(m -> m instanceof Data)
        .map(m -> ((Data) m).payload())
        .toList();
  }

  // --- one node -------------------------------------------------------------------------------

  @Test
  void when_aGroupOfOneRequests_then_itEntersAtOnce_andSendsNothing() {
    LamportMutex m = new LamportMutex(A, List.of(A));
    RecordingEffects fx = new RecordingEffects();
    m.init(fx);
    assertThat(m.holdsLock()).isFalse();
    assertThat(m.isWaiting()).isFalse();

    m.request(fx);

    assertThat(m.holdsLock()).isTrue();
    assertThat(m.isWaiting()).isFalse();
    assertThat(m.ownRequest()).isEqualTo(new LamportStamp(1, "a"));
    assertThat(fx.nothingSent()).isTrue();
    assertThat(fx.timers()).isEmpty();

    m.release(fx);
    assertThat(m.holdsLock()).isFalse();
    assertThat(m.queue()).isEmpty();
    assertThat(m.time()).isEqualTo(2);

    m.request(fx);
    assertThat(m.holdsLock()).isTrue();
    assertThat(m.ownRequest()).isEqualTo(new LamportStamp(3, "a"));
  }

  @Test
  void when_calledOutOfTurn_then_requestAndReleaseRefuse() {
    LamportMutex m = new LamportMutex(A, List.of(A, B));
    RecordingEffects fx = new RecordingEffects();
    assertThatThrownBy(() -> m.release(fx)).isInstanceOf(IllegalStateException.class);
    m.request(fx);
    assertThat(m.isWaiting()).isTrue();
    assertThatThrownBy(() -> m.request(fx))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("waits for");
    assertThatThrownBy(() -> m.release(fx)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void when_membersAreWrong_then_theConstructorRefuses() {
    assertThatThrownBy(() -> new LamportMutex(A, List.of(B, C)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LamportMutex(A, List.of(A, B, B)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- two nodes ------------------------------------------------------------------------------

  @Test
  void when_oneOfTwoRequests_then_itEntersOnlyAfterTheOthersLaterStampedAck() {
    Group g = new Group(MutexConfig.defaults(), A, B);

    g.request(A);
    RecordingEffects fxA = g.fx.get(A);
    assertThat(payloadsTo(fxA, B)).containsExactly(new Request(1));
    assertThat(g.node(A).isWaiting()).isTrue();
    assertThat(g.node(A).waitingFor()).containsExactly(B);

    g.deliverFrom(A, B); // b queues a's request and acks with a later stamp
    assertThat(g.node(B).queue()).containsExactly(new LamportStamp(1, "a"));
    assertThat(payloadsTo(g.fx.get(B), A)).containsExactly(new MutexMessage.Ack(3));
    assertThat(g.node(A).holdsLock()).isFalse();

    g.deliverFrom(B, A);
    assertThat(g.node(A).holdsLock()).isTrue();
    assertThat(g.node(A).waitingFor()).isEmpty();
    assertThat(g.node(A).latestFrom()).containsEntry(B, new LamportStamp(3, "b"));
  }

  @Test
  void when_theOtherHolds_then_aRequestWaitsForTheRelease() {
    Group g = new Group(MutexConfig.defaults(), A, B);
    g.request(A);
    g.settle();
    assertThat(g.node(A).holdsLock()).isTrue();

    g.request(B);
    g.settle();
    assertThat(g.node(B).isWaiting()).isTrue();
    assertThat(g.node(B).waitingFor()).as("b has a's later ack; only the queue blocks").isEmpty();
    assertThat(g.node(B).queue().get(0)).isEqualTo(new LamportStamp(1, "a"));

    // a: request 1, b's ack 3 -> 4, b's request 4 -> 5, ack 6; the release is 7
    g.release(A);
    assertThat(payloadsTo(g.fx.get(A), B)).containsExactly(new Release(7, 1));
    g.settle();
    assertThat(g.node(A).holdsLock()).isFalse();
    assertThat(g.node(B).holdsLock()).isTrue();
    assertThat(g.node(A).queue()).containsExactly(g.node(B).ownRequest());
    assertThat(g.node(B).queue()).containsExactly(g.node(B).ownRequest());
  }

  @Test
  void when_bothRequestWithEqualTimestamps_then_theLowerNodeIdGoesFirst() {
    Group g = new Group(MutexConfig.defaults(), A, B);
    g.request(B);
    g.request(A);
    assertThat(g.node(A).ownRequest()).isEqualTo(new LamportStamp(1, "a"));
    assertThat(g.node(B).ownRequest()).isEqualTo(new LamportStamp(1, "b"));

    g.deliverFrom(B, A); // b's request 1@b is later than 1@a: enough for a to enter
    assertThat(g.node(A).holdsLock()).isTrue();

    g.settle();
    assertThat(g.node(A).holdsLock()).isTrue();
    assertThat(g.node(B).isWaiting()).isTrue();
    g.release(A);
    g.settle();
    assertThat(g.node(B).holdsLock()).isTrue();
    assertThat(g.holders()).isEqualTo(1);
  }

  @Test
  void when_theRuleIsBroken_then_bothEnterWithoutWaiting() {
    MutexConfig broken = MutexConfig.defaults().withRules(Set.of(MutexRule.ENTER_WITHOUT_ALL_ACKS));
    Group g = new Group(broken, A, B);
    g.request(A);
    g.request(B);
    assertThat(g.holders()).as("two holders at once").isEqualTo(2);

    Group correct = new Group(MutexConfig.defaults(), A, B);
    correct.request(A);
    correct.request(B);
    assertThat(correct.holders()).isZero();
    correct.settle();
    assertThat(correct.holders()).isEqualTo(1);
  }

  @Test
  void when_threeNodesCompete_then_grantsFollowTheRequestStamps() {
    Group g = new Group(MutexConfig.defaults(), A, B, C);
    g.request(C); // 1@c
    g.deliverFrom(C, B); // b's clock passes 1
    g.request(B); // 3@b (after receiving 1@c and acking at 3... b's request comes after)
    g.request(A); // 1@a
    g.settle();
    StringBuilder order = new StringBuilder();
    for (int round = 0; round < 3; round++) {
      List<Address> holding =
          g.nodes.values().stream()
              .filter(LamportMutex::holdsLock)
              .map(LamportMutex::self)
              .toList();
      assertThat(holding).hasSize(1);
      order.append(holding.get(0));
      g.release(holding.get(0));
      g.settle();
    }
    assertThat(order.toString()).isEqualTo("acb");
  }

  // --- equality, copies, bad input ------------------------------------------------------------

  @Test
  void when_copied_then_equalAndIndependent() {
    Group g = new Group(MutexConfig.defaults(), A, B);
    g.request(A);
    g.deliverFrom(A, B);
    LamportMutex b = g.node(B);
    LamportMutex copy = b.copy();
    assertThat(copy).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(copy.queue()).isEqualTo(b.queue());

    b.request(new RecordingEffects());
    assertThat(copy).isNotEqualTo(b);
    assertThat(copy.isWaiting()).isFalse();
    assertThat(copy.time()).isLessThan(b.time());
    assertThat(new LamportMutex(A, List.of(A, B)))
        .isEqualTo(new LamportMutex(A, List.of(B, A)))
        .isNotEqualTo(new LamportMutex(B, List.of(A, B)));
  }

  @Test
  void when_unknownInput_then_anUnknownTimerFails_butMessagesAreIgnored() {
    LamportMutex m = new LamportMutex(A, List.of(A, B));
    RecordingEffects fx = new RecordingEffects();
    assertThatThrownBy(() -> m.onTimer(new Timer() {}, fx))
        .isInstanceOf(IllegalArgumentException.class);

    LamportMutex before = m.copy();
    m.onMessage(B, new Request(1), fx); // not through the channel: misrouted
    assertThat(m).isEqualTo(before);
    assertThat(fx.nothingSent()).isTrue();

    m.onMessage(B, new Data(1, new Message() {}), fx); // the channel delivers it: acked, ignored
    assertThat(m.queue()).isEqualTo(before.queue());
    assertThat(m.time()).isEqualTo(before.time());

    before = m.copy();
    RecordingEffects quiet = new RecordingEffects();
    m.onMessage(C, new Data(1, new Request(5)), quiet);
    assertThat(m).isEqualTo(before);
    assertThat(quiet.nothingSent()).isTrue();
  }

  @Test
  void when_printed_then_stateIsReadable() {
    Group g = new Group(MutexConfig.defaults(), A, B);
    g.request(A);
    assertThat(g.node(A).toString()).contains("waiting 1@a").contains("queue=[1@a]");
  }
}
