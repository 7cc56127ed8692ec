package dev.pbkv.client;

import dev.pbkv.rules.RuleSwitch;
import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of a client session.
 *
 * @param retryMillis re-send an unanswered request (same sequence number) after this long, and ask
 *     the view service for the view (default 100); each further retry of the same request waits
 *     twice as long, up to {@code retryCapMillis} (docs/design.md §5)
 * @param retryCapMillis the cap of the retry's exponential back-off (default 1 s, {@link
 *     #DEFAULT_RETRY_CAP_MILLIS}); while it is above {@code retryMillis} each retry timer has a
 *     jitter (it fires between the interval and 1.25 times it); at or below, the interval is fixed
 *     (see {@link dev.pbkv.node.Backoff})
 * @param rules rule switches to break on purpose (tests only; empty in production)
 */
public record ClientConfig(long retryMillis, long retryCapMillis, Set<RuleSwitch> rules) {
  public static final long DEFAULT_RETRY_MILLIS = 100;

  /** The default cap of the retry's back-off: 1 s. */
  public static final long DEFAULT_RETRY_CAP_MILLIS = 1000;

  public ClientConfig {
    if (retryMillis <= 0) {
      throw new IllegalArgumentException("retryMillis must be > 0, got " + retryMillis);
    }
    if (retryCapMillis <= 0) {
      throw new IllegalArgumentException("retryCapMillis must be > 0, got " + retryCapMillis);
    }
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
  }

  /** Retries from {@code retryMillis}, backing off up to the default cap (or the base if above). */
  public ClientConfig(long retryMillis, Set<RuleSwitch> rules) {
    this(retryMillis, Math.max(retryMillis, DEFAULT_RETRY_CAP_MILLIS), rules);
  }

  public ClientConfig(long retryMillis) {
    this(retryMillis, Set.of());
  }

  public static ClientConfig defaults() {
    return new ClientConfig(DEFAULT_RETRY_MILLIS);
  }

  public ClientConfig withRules(Set<RuleSwitch> newRules) {
    return new ClientConfig(retryMillis, retryCapMillis, newRules);
  }

  /**
   * The same with the retry's back-off capped at {@code millis} (at the base: a fixed interval).
   */
  public ClientConfig withRetryCapMillis(long millis) {
    return new ClientConfig(retryMillis, millis, rules);
  }

  public boolean breaks(RuleSwitch rule) {
    return rules.contains(rule);
  }
}
