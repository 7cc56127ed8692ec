package dev.pbkv.node;

/**
 * Exponential back-off of a retry timer (docs/design.md §4.1, §4.2, §5): the interval doubles with
 * each retry that saw no progress, from a base up to a cap, and progress resets it to the base.
 * While the cap is above the base, a timer is set with a jitter (it fires between the interval and
 * 1.25 times it), which the runtime draws from the node's seeded timer stream; with the cap at or
 * below the base the interval is fixed and exact (the model checker's setting: it has no time).
 */
public final class Backoff {
  private Backoff() {}

  /**
   * The next interval after one of {@code lastMillis} (0: none yet): twice the last, at least
   * {@code baseMillis}, at most {@code capMillis} (or the base when the cap is below it); {@code
   * progress} resets it to the base.
   */
  public static long next(long baseMillis, long capMillis, long lastMillis, boolean progress) {
    if (progress) {
      return baseMillis;
    }
    long cap = Math.max(baseMillis, capMillis);
    return Math.max(baseMillis, lastMillis > cap / 2 ? cap : lastMillis * 2);
  }

  /**
   * The latest a timer of {@code millis} may fire: 1.25 times it while back-off is on ({@code
   * capMillis} above {@code baseMillis}), else {@code millis} itself.
   */
  public static long maxWithJitter(long baseMillis, long capMillis, long millis) {
    return capMillis > baseMillis ? millis + millis / 4 : millis;
  }
}
