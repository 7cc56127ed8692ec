package dev.pbkv.history;

import java.time.Duration;

/**
 * The factor by which wall-clock budgets that cannot be counted in work (the linearizability
 * checker's time budget, a test's wait for real processes) are stretched on a slow or busy machine:
 * the system property {@code pbkv.test.slowdown}, a whole number, 1 by default. For example {@code
 * ./mvnw -B -ntp verify -Dpbkv.test.slowdown=3}. Searches that can count their work (the model
 * checker's state budgets, the simulator's virtual time) do not need it.
 */
public final class Slowdown {
  /** The system property that sets the factor. */
  public static final String PROPERTY = "pbkv.test.slowdown";

  private Slowdown() {}

  /** The factor, at least 1 (a value that is not a whole number counts as 1). */
  public static int factor() {
    String v = System.getProperty(PROPERTY);
    if (v == null) {
      return 1;
    }
    try {
      return Math.max(1, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** {@code budget} times the factor. */
  public static Duration scale(Duration budget) {
    return budget.multipliedBy(factor());
  }

  /** {@code millis} times the factor. */
  public static long scaleMillis(long millis) {
    return millis * factor();
  }
}
