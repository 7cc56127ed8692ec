package dev.pbkv.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LamportClockTest {

  @Test
  void when_newClock_then_timeIsZero() {
    LamportClock c = new LamportClock("a");
    assertThat(c.time()).isZero();
    assertThat(c.stamp()).isEqualTo(new LamportStamp(0, "a"));
  }

  @Test
  void when_localEventsAndSends_then_eachTicksByOne() {
    LamportClock c = new LamportClock("a");
    assertThat(c.tick()).isEqualTo(new LamportStamp(1, "a"));
    assertThat(c.tick()).isEqualTo(new LamportStamp(2, "a"));
    assertThat(c.time()).isEqualTo(2);
  }

  @Test
  void when_receivingALaterStamp_then_timeJumpsPastIt() {
    LamportClock c = new LamportClock("a", 3);
    assertThat(c.receive(10)).isEqualTo(new LamportStamp(11, "a"));
  }

  @Test
  void when_receivingAnEarlierStamp_then_timeStillGrowsByOne() {
    LamportClock c = new LamportClock("a", 7);
    assertThat(c.receive(2).time()).isEqualTo(8);
    assertThat(c.receive(8).time()).isEqualTo(9);
  }

  @Test
  void when_aMessageGoesFromOneClockToAnother_then_theReceiveIsLater() {
    LamportClock a = new LamportClock("a");
    LamportClock b = new LamportClock("b");
    for (int i = 0; i < 5; i++) {
      a.tick();
    }
    LamportStamp send = a.tick();
    LamportStamp receive = b.receive(send.time());
    assertThat(send.time()).isLessThan(receive.time());
    assertThat(send).isLessThan(receive);
  }

  @Test
  void when_stampsHaveEqualTimes_then_theNodeIdBreaksTheTie() {
    List<LamportStamp> stamps =
        new ArrayList<>(
            List.of(
                new LamportStamp(2, "b"),
                new LamportStamp(1, "c"),
                new LamportStamp(2, "a"),
                new LamportStamp(10, "a")));
    stamps.sort(null);
    assertThat(stamps)
        .containsExactly(
            new LamportStamp(1, "c"),
            new LamportStamp(2, "a"),
            new LamportStamp(2, "b"),
            new LamportStamp(10, "a"));
    assertThat(new LamportStamp(2, "a").isBefore(new LamportStamp(2, "b"))).isTrue();
    assertThat(new LamportStamp(2, "b").isBefore(new LamportStamp(2, "b"))).isFalse();
    assertThat(new LamportStamp(3, "n1")).hasToString("3@n1");
  }

  @Test
  void when_copied_then_theCopyIsEqualButIndependent() {
    LamportClock a = new LamportClock("a", 4);
    LamportClock copy = a.copy();
    assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);
    a.tick();
    assertThat(copy.time()).isEqualTo(4);
    assertThat(copy).isNotEqualTo(a);
    assertThat(new LamportClock("b", 4)).isNotEqualTo(copy);
  }

  @Test
  void when_timesAreNegative_then_rejected() {
    assertThatThrownBy(() -> new LamportClock("a", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LamportClock("a").receive(-5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LamportStamp(-1, "a"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
