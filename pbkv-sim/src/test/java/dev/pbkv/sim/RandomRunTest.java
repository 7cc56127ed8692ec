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

  /**
   * Without waiting for the backup, a write the primary acknowledged can be missing after a
   * failover: the appends' history then cannot be linearized. Each seed is a deterministic run;
   * with every fault on, seeds 1, 2, 4 and 5 show the lost write and seed 3 a backup that diverged.
   * Only a safety violation counts: a run that merely got stuck has caught nothing.
   */
  @Test
  void when_theBackupIsSkipped_then_theRunCatchesLostWrites() {
    int lostWrites = 0;
    for (long seed = 1; seed <= 5; seed++) {
      RandomRunReport r =
          new RandomRun(faulty(seed).withRules(Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK))).run();
      assertThat(r.violations())
          .as("seed %d: a safety violation, not only stuck (%s)", seed, r.stuck())
          .isNotEmpty();
      if (r.violations().stream()
          .anyMatch(v -> v.startsWith("history ILLEGAL: ") && v.contains("is not linearizable"))) {
        lostWrites++;
      }
    }
    assertThat(lostWrites).as("seeds out of 5 whose history shows the lost write").isGreaterThan(2);
  }
}
