package dev.pbkv.sim;

import java.util.List;

/**
 * What a {@link RandomRun} did and found.
 *
 * @param violations safety violations, in words (empty when safe)
 * @param stuck why the healing phase could not finish, or null when every op completed
 */
public record RandomRunReport(
    RandomRunOptions options,
    long opsCompleted,
    long opsIndeterminate,
    long viewsReached,
    List<String> faults,
    long events,
    long virtualMillis,
    List<String> violations,
    String stuck) {

  public RandomRunReport {
    faults = List.copyOf(faults);
    violations = List.copyOf(violations);
  }

  /** Safe (nothing lost, nothing seen out of order) and live (everything completed once healed). */
  public boolean passed() {
    return violations.isEmpty() && stuck == null;
  }
}
