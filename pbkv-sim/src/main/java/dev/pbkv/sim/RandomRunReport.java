package dev.pbkv.sim;

import java.util.List;

/**
 * What a {@link RandomRun} did and found.
 *
 * @param violations safety violations, in words (empty when safe)
 * @param stuck why the healing phase could not finish for an unknown reason (a liveness bug), or
 *     null
 * @param expectedStuck why the healing phase could not finish in one of the lecture's known
 *     progress cases (e.g. the primary failed before acking a view), or null; safe, not a failure
 * @param fingerprint a hash of every event: equal for two runs of the same options
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
    String stuck,
    String expectedStuck,
    String fingerprint) {

  public RandomRunReport {
    faults = List.copyOf(faults);
    violations = List.copyOf(violations);
  }

  /** Safe, and live wherever the protocol can be live. */
  public boolean passed() {
    return violations.isEmpty() && stuck == null;
  }
}
