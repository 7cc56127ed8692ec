package dev.pbkv.sim.scenario;

import java.util.List;

/** What a scenario run found: every check, and the narration of what happened. */
public record ScenarioResult(String name, long seed, List<Check> checks, List<String> narration) {
  public ScenarioResult {
    checks = List.copyOf(checks);
    narration = List.copyOf(narration);
  }

  /** True when every check held (the outcome is the correct one). */
  public boolean passed() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
  }

  public List<Check> failures() {
    return checks.stream().filter(c -> !c.passed()).toList();
  }

  /** The check whose expectation starts with {@code prefix}. */
  public Check check(String prefix) {
    return checks.stream()
        .filter(c -> c.expectation().startsWith(prefix))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no check starting with '" + prefix + "' in " + checks));
  }
}
