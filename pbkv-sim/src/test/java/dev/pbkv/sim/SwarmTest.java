package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.rules.RuleSwitch;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The swarm: a thousand seeds, each with its own fault mix and workload, must all pass; and each
 * rule switch must be caught within a thousand seeds.
 */
class SwarmTest {
  static final long SEEDS = 1000;

  @Test
  void when_aThousandSeedsRun_then_everyOneIsSafeAndLive() {
    Swarm.Summary s = Swarm.run(1, SEEDS, Set.of(), false, r -> {});
    System.out.printf(
        "swarm: %d seeds in %.1f s, %d passed (%d stuck in a lecture progress case), %d ops,"
            + " %d events%n",
        s.seedsRun(), s.seconds(), s.passed(), s.expectedStuck(), s.ops(), s.events());
    assertThat(s.seedsRun()).isEqualTo(SEEDS);
    assertThat(s.failures())
        .as(
            "failed seeds (replay with: pbkv sim --swarm --seed N):%n%s",
            s.failures().stream()
                .map(f -> "seed " + f.seed() + ": " + f.firstProblem())
                .collect(Collectors.joining("\n")))
        .isEmpty();
    assertThat(s.ops()).isGreaterThan(100_000);
  }

  /** Every switch but the showcases of the other modes (SwarmModesTest catches those). */
  static java.util.stream.Stream<RuleSwitch> rulesOfTheDefaultMode() {
    Set<RuleSwitch> showcases =
        java.util.Arrays.stream(SwarmMode.values())
            .map(SwarmMode::showcase)
            .filter(java.util.Objects::nonNull)
            .collect(Collectors.toSet());
    return java.util.Arrays.stream(RuleSwitch.values()).filter(r -> !showcases.contains(r));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rulesOfTheDefaultMode")
  void when_aRuleIsBroken_then_theSwarmCatchesItWithinAThousandSeeds(RuleSwitch rule) {
    Swarm.Summary s = Swarm.run(1, SEEDS, Set.of(rule), true, r -> {});
    assertThat(s.failures()).as("%s not caught in %d seeds", rule, SEEDS).isNotEmpty();
    long first = s.failures().stream().mapToLong(Swarm.Failure::seed).min().orElseThrow();
    System.out.printf(
        "swarm caught %s at seed %d: %s%n",
        rule, first, s.failures().get(0).firstProblem().lines().findFirst().orElse(""));
  }

  @Test
  void when_aSeedIsReplayed_then_theRunIsIdentical_eventForEvent() {
    RandomRunOptions options = RandomRunOptions.swarm(77, Set.of());
    RandomRunReport first = new RandomRun(options).run();
    RandomRunReport again = new RandomRun(options).run();
    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(again.events()).isEqualTo(first.events());
    assertThat(again.faults()).isEqualTo(first.faults());
    RandomRunReport other = new RandomRun(RandomRunOptions.swarm(78, Set.of())).run();
    assertThat(other.fingerprint()).isNotEqualTo(first.fingerprint());
  }

  @Test
  void when_seedsDiffer_then_theyDrawDifferentMixes() {
    Set<String> mixes =
        java.util.stream.LongStream.rangeClosed(1, 50)
            .mapToObj(seed -> RandomRunOptions.swarm(seed, Set.of()).describe())
            .collect(Collectors.toSet());
    assertThat(mixes).hasSizeGreaterThan(45);
  }
}
