package dev.pbkv.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.clock.VectorClock.Ordering;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorClockTest {

  private static VectorClock v(Object... nodeCounter) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nodeCounter.length; i += 2) {
      m.put((String) nodeCounter[i], ((Number) nodeCounter[i + 1]).longValue());
    }
    return VectorClock.of(m);
  }

  @Test
  void when_empty_then_everyCounterIsZero_andItPrintsAsBraces() {
    assertThat(VectorClock.EMPTY.get("a")).isZero();
    assertThat(VectorClock.EMPTY).hasToString("{}");
    assertThat(VectorClock.EMPTY.asMap()).isEmpty();
  }

  @Test
  void when_incremented_then_onlyThatNodeGrows_andTheOriginalIsUnchanged() {
    VectorClock a = VectorClock.EMPTY.increment("b");
    VectorClock b = a.increment("a").increment("b").increment("c");
    assertThat(a).hasToString("{b:1}");
    assertThat(b).hasToString("{a:1, b:2, c:1}");
    assertThat(b.get("b")).isEqualTo(2);
    assertThat(b.get("zz")).isZero();
  }

  @Test
  void when_printed_then_sortedByNode_compact() {
    assertThat(v("b", 1, "a", 2)).hasToString("{a:2, b:1}");
  }

  @Test
  void when_zeroEntriesDiffer_then_clocksAreStillEqual() {
    assertThat(v("a", 0, "b", 1)).isEqualTo(v("b", 1)).hasSameHashCodeAs(v("b", 1));
    assertThat(v("a", 0)).isEqualTo(VectorClock.EMPTY);
  }

  @Test
  void when_merged_then_pointwiseMaximum() {
    VectorClock m = v("a", 3, "b", 1).merge(v("b", 4, "c", 2));
    assertThat(m).isEqualTo(v("a", 3, "b", 4, "c", 2));
    assertThat(v("a", 1).merge(VectorClock.EMPTY)).isEqualTo(v("a", 1));
    assertThat(VectorClock.EMPTY.merge(v("a", 1))).isEqualTo(v("a", 1));
  }

  @Test
  void when_compared_then_beforeAfterEqualOrConcurrent() {
    assertThat(v("a", 1).compare(v("a", 2))).isEqualTo(Ordering.BEFORE);
    assertThat(v("a", 1).compare(v("a", 1, "b", 1))).isEqualTo(Ordering.BEFORE);
    assertThat(v("a", 2, "b", 1).compare(v("a", 1, "b", 1))).isEqualTo(Ordering.AFTER);
    assertThat(v("a", 2, "b", 1).compare(v("b", 1, "a", 2))).isEqualTo(Ordering.EQUAL);
    assertThat(v("a", 2).compare(v("b", 1))).isEqualTo(Ordering.CONCURRENT);
    assertThat(v("a", 2, "b", 1).compare(v("a", 1, "b", 2))).isEqualTo(Ordering.CONCURRENT);
    assertThat(VectorClock.EMPTY.compare(v("c", 1))).isEqualTo(Ordering.BEFORE);
    assertThat(VectorClock.EMPTY.compare(VectorClock.EMPTY)).isEqualTo(Ordering.EQUAL);
  }

  @Test
  void when_happenedBefore_then_strictlySmallerOnly() {
    assertThat(v("a", 1).happenedBefore(v("a", 1, "b", 1))).isTrue();
    assertThat(v("a", 1).happenedBefore(v("a", 1))).isFalse();
    assertThat(v("a", 2).happenedBefore(v("a", 1, "b", 5))).isFalse();
    assertThat(v("a", 2).isConcurrentWith(v("a", 1, "b", 5))).isTrue();
  }

  @Test
  void when_aMessageIsSentAndReceived_then_sendIsBeforeReceive_andOthersConcurrent() {
    VectorClock aSend = VectorClock.EMPTY.increment("a").increment("a");
    VectorClock bLocal = VectorClock.EMPTY.increment("b");
    VectorClock bReceive = bLocal.merge(aSend).increment("b");
    VectorClock aLater = aSend.increment("a");
    assertThat(aSend.happenedBefore(bReceive)).isTrue();
    assertThat(bLocal.happenedBefore(bReceive)).isTrue();
    assertThat(aSend.compare(bLocal)).isEqualTo(Ordering.CONCURRENT);
    assertThat(aLater.compare(bReceive)).isEqualTo(Ordering.CONCURRENT);
    assertThat(bReceive).hasToString("{a:2, b:2}");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void when_randomClocksAreCompared_then_compareAgreesWithTheDefinition(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] nodes = {"a", "b", "c", "d"};
    for (int i = 0; i < 2000; i++) {
      Map<String, Long> x = new LinkedHashMap<>();
      Map<String, Long> y = new LinkedHashMap<>();
      for (String n : nodes) {
        if (r.nextBoolean()) {
          x.put(n, (long) r.nextInt(3));
        }
        if (r.nextBoolean()) {
          y.put(n, (long) r.nextInt(3));
        }
      }
      VectorClock vx = VectorClock.of(x);
      VectorClock vy = VectorClock.of(y);
      boolean le = true;
      boolean ge = true;
      for (String n : nodes) {
        le &= x.getOrDefault(n, 0L) <= y.getOrDefault(n, 0L);
        ge &= x.getOrDefault(n, 0L) >= y.getOrDefault(n, 0L);
      }
      Ordering expected =
          le && ge
              ? Ordering.EQUAL
              : le ? Ordering.BEFORE : ge ? Ordering.AFTER : Ordering.CONCURRENT;
      assertThat(vx.compare(vy)).as("seed %d: %s vs %s", seed, vx, vy).isEqualTo(expected);
      assertThat(vx.equals(vy)).isEqualTo(expected == Ordering.EQUAL);
      VectorClock m = vx.merge(vy);
      for (String n : nodes) {
        assertThat(m.get(n)).isEqualTo(Math.max(x.getOrDefault(n, 0L), y.getOrDefault(n, 0L)));
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2})
  void when_clocksComeFromIncrementsAndMerges_then_compareAndMergeMatchTheDefinition(long seed) {
    // Clocks built by increment and merge share their node-id arrays (the fast paths); clocks
    // rebuilt from maps do not. Both must give the same answers.
    SplittableRandom r = new SplittableRandom(seed);
    String[] nodes = {"a", "b", "c"};
    java.util.List<VectorClock> made = new java.util.ArrayList<>();
    VectorClock[] current = {VectorClock.EMPTY, VectorClock.EMPTY, VectorClock.EMPTY};
    for (int i = 0; i < 300; i++) {
      int at = r.nextInt(3);
      if (!made.isEmpty() && r.nextBoolean()) {
        current[at] = current[at].merge(made.get(r.nextInt(made.size())));
      }
      current[at] = current[at].increment(nodes[at]);
      made.add(current[at]);
    }
    for (int i = 0; i < 3000; i++) {
      VectorClock x = made.get(r.nextInt(made.size()));
      VectorClock y = made.get(r.nextInt(made.size()));
      VectorClock xr = VectorClock.of(x.asMap());
      VectorClock yr = VectorClock.of(y.asMap());
      assertThat(x.compare(y)).as("%s vs %s", x, y).isEqualTo(xr.compare(yr));
      assertThat(x.compare(yr)).isEqualTo(xr.compare(y));
      assertThat(x.merge(y)).isEqualTo(xr.merge(yr)).isEqualTo(y.merge(x));
      assertThat(x).isEqualTo(xr).hasSameHashCodeAs(xr);
    }
  }

  @Test
  void when_countersAreNegative_then_rejected() {
    assertThatThrownBy(() -> v("a", -1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void when_asMapIsChanged_then_itRefuses() {
    assertThatThrownBy(() -> v("a", 1).asMap().put("b", 2L))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
