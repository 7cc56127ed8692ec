package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.client.ClientTimer.RetryTick;
import dev.pbkv.node.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** A client session's pending timers, on a clock the test moves by hand (nanoseconds). */
class SessionTimersTest {
  private static final long MS = 1_000_000;
  private static final long SEED = 13;
  private final SessionTimers timers = new SessionTimers(new SplittableRandom(SEED));
  private final List<Timer> fired = new ArrayList<>();

  @Test
  void when_noTimerIsDue_then_nothingFires_andTheEarliestDueIsKnown() {
    timers.add(0, new RetryTick(1), 100, 100);
    timers.add(0, new RetryTick(2), 50, 50);
    assertThat(timers.anyDue(49 * MS)).isFalse();
    assertThat(timers.fireDue(49 * MS, fired::add)).isFalse();
    assertThat(fired).isEmpty();
    assertThat(timers.earliestDue(Long.MAX_VALUE)).isEqualTo(50 * MS);
  }

  @Test
  void when_timersComeDue_then_eachFiresOnce_exactlyAtItsDueTime() {
    timers.add(0, new RetryTick(1), 100, 100);
    timers.add(0, new RetryTick(2), 50, 50);
    assertThat(timers.anyDue(50 * MS)).isTrue();
    assertThat(timers.fireDue(50 * MS, fired::add)).isTrue();
    assertThat(fired).containsExactly(new RetryTick(2));
    assertThat(timers.fireDue(99 * MS, fired::add)).isFalse();
    assertThat(timers.fireDue(200 * MS, fired::add)).isTrue();
    assertThat(fired).containsExactly(new RetryTick(2), new RetryTick(1));
    assertThat(timers.anyDue(Long.MAX_VALUE - 1)).isFalse();
    assertThat(timers.earliestDue(-7)).as("no timer left").isEqualTo(-7);
  }

  @Test
  void when_aFiringTimerAddsANewOne_then_theNewOneWaitsItsTurn() {
    timers.add(0, new RetryTick(1), 10, 10);
    timers.fireDue(
        10 * MS,
        t -> {
          fired.add(t);
          timers.add(10 * MS, new RetryTick(2), 10, 10);
        });
    assertThat(fired).containsExactly(new RetryTick(1));
    assertThat(timers.earliestDue(Long.MAX_VALUE)).isEqualTo(20 * MS);
    timers.fireDue(20 * MS, fired::add);
    assertThat(fired).containsExactly(new RetryTick(1), new RetryTick(2));
  }

  @Test
  void when_cleared_then_noTimerFires() {
    timers.add(0, new RetryTick(1), 10, 10);
    timers.clear();
    assertThat(timers.fireDue(1_000 * MS, fired::add)).isFalse();
    assertThat(fired).isEmpty();
  }

  @Test
  void when_theNanoClockWrapsAround_then_dueTimesStillCompareRight() {
    long near = Long.MAX_VALUE - 5 * MS;
    timers.add(near, new RetryTick(1), 10, 10); // due after the wrap
    assertThat(timers.anyDue(near)).isFalse();
    assertThat(timers.anyDue(near + 4 * MS)).as("before the wrap").isFalse();
    assertThat(timers.fireDue(near + 4 * MS, fired::add)).isFalse();
    assertThat(timers.anyDue(near + 9 * MS)).as("after the wrap").isFalse();
    assertThat(timers.fireDue(near + 10 * MS, fired::add)).isTrue();
    assertThat(fired).containsExactly(new RetryTick(1));
  }

  @Test
  void when_aTimerIsSetWithARange_then_itIsDueAfterADelayDrawnFromTheWholeRange() {
    System.out.println("SessionTimersTest seed " + SEED);
    TreeSet<Long> delays = new TreeSet<>();
    for (int i = 0; i < 1000; i++) {
      long millis = timers.add(0, new RetryTick(i), 100, 125);
      assertThat(millis).isBetween(100L, 125L);
      delays.add(millis);
    }
    // 1,000 draws of 26 values: every one, both ends included (seed 13: deterministic)
    assertThat(delays).hasSize(26);
    assertThat(delays.first()).isEqualTo(100);
    assertThat(delays.last()).isEqualTo(125);
    // and each timer is due at its own delay
    assertThat(timers.earliestDue(Long.MAX_VALUE)).isEqualTo(100 * MS);
    assertThat(timers.fireDue(99 * MS, fired::add)).isFalse();
    timers.fireDue(112 * MS, fired::add);
    assertThat(fired).hasSizeBetween(1, 999);
    timers.fireDue(125 * MS, fired::add);
    assertThat(fired).hasSize(1000);
  }

  @Test
  void when_aTimerHasNoRange_then_itIsDueExactly_andNothingIsDrawn() {
    RandomGenerator none =
        () -> {
          throw new AssertionError("a timer without a range drew a delay");
        };
    SessionTimers exact = new SessionTimers(none);
    assertThat(exact.add(0, new RetryTick(1), 100, 100)).isEqualTo(100);
    assertThat(exact.add(0, new RetryTick(2), 100, 90)).as("max below min").isEqualTo(100);
    assertThat(exact.earliestDue(Long.MAX_VALUE)).isEqualTo(100 * MS);
    assertThat(exact.fireDue(99 * MS, fired::add)).isFalse();
    assertThat(exact.fireDue(100 * MS, fired::add)).isTrue();
    assertThat(fired).containsExactly(new RetryTick(1), new RetryTick(2));
  }
}
