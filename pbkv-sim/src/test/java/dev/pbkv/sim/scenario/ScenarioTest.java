package dev.pbkv.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every lecture scenario, run with the correct protocol, ends with every check held. */
class ScenarioTest {
  static Stream<String> names() {
    return Scenarios.all().stream().map(Scenario::name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void when_protocolIsCorrect_then_scenarioOutcomeIsCorrect(String name) {
    for (long seed = 1; seed <= 5; seed++) {
      ScenarioResult result = Scenarios.run(Scenarios.byName(name).orElseThrow(), seed, Set.of());
      assertThat(result.passed())
          .as("scenario %s, seed %d:\n%s", name, seed, String.join("\n", result.narration()))
          .isTrue();
    }
  }
}
