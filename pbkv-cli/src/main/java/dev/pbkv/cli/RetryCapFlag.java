package dev.pbkv.cli;

/**
 * {@code --retry-cap} of {@code pbkv server} and the client commands: the longest wait between two
 * retries (docs/design.md §4.1, §5). The retries start at a base interval (a client's 100 ms, a
 * server's 50 ms for forwards and 100 ms for a state transfer), double with each retry that saw no
 * progress up to the cap, and each fires at a random point between its wait and 1.25 times it. A
 * cap at or below a base keeps that retry at its base interval, fixed and without jitter (the
 * behaviour before the back-off), so a low cap is allowed.
 */
final class RetryCapFlag {
  private RetryCapFlag() {}

  /** The most {@code --retry-cap} may be: 60 minutes (a longer one is a typo for ms or s). */
  static final long MAX_MILLIS = 60 * 60_000L;

  /**
   * {@code millis} (from the duration converter: at least 1 ms), if at most {@link #MAX_MILLIS}.
   */
  static long check(long millis) {
    if (millis > MAX_MILLIS) {
      throw new UserError("--retry-cap must be at most 60m, got " + millis + " ms");
    }
    return millis;
  }
}
