package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.rules.RuleSwitch;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RandomRunTest {
  private static RandomRunOptions faulty(long seed) {
    return new RandomRunOptions.Builder(seed)
        .drop(0.1)
        .duplicate(0.1)
        .faults(true, true, true, true, true)
        .build();
  }

  @Test
  void when_noFaults_then_everyOpCompletes_andTheHistoryPasses() {
    RandomRunReport r = new RandomRun(RandomRunOptions.calm(7)).run();
    assertThat(r.violations()).isEmpty();
    assertThat(r.stuck()).isNull();
    assertThat(r.opsCompleted()).isGreaterThan(1000);
    assertThat(r.opsIndeterminate()).isZero();
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void when_everyFaultIsOn_then_nothingIsLost_andEverythingCompletesAfterHealing(long seed) {
    RandomRunReport r = new RandomRun(faulty(seed)).run();
    assertThat(r.passed())
        .as(
            "seed %d: violations %s, stuck %s, faults %s",
            seed, r.violations(), r.stuck(), r.faults())
        .isTrue();
    assertThat(r.faults()).isNotEmpty();
  }

  @Test
  void when_sameSeed_then_identicalRun_eventForEvent() {
    RandomRun first = new RandomRun(faulty(42));
    RandomRun second = new RandomRun(faulty(42));
    RandomRunReport a = first.run();
    RandomRunReport b = second.run();
    assertThat(b.events()).isEqualTo(a.events());
    assertThat(b.faults()).isEqualTo(a.faults());
    assertThat(second.cluster().history().ops()).isEqualTo(first.cluster().history().ops());
    RandomRunReport other = new RandomRun(faulty(43)).run();
    assertThat(other.faults()).isNotEqualTo(a.faults());
  }

  @Test
  void when_theBackupIsSkipped_then_theRunCatchesLostWrites() {
    int caught = 0;
    for (long seed = 1; seed <= 5; seed++) {
      RandomRunReport r =
          new RandomRun(faulty(seed).withRules(Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK))).run();
      if (!r.passed()) {
        caught++;
      }
    }
    assertThat(caught).as("seeds out of 5 that caught REPLY_BEFORE_BACKUP_ACK").isGreaterThan(0);
  }
}
