package dev.pbkv.client;

import dev.pbkv.rules.RuleSwitch;
import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of a client session.
 *
 * @param retryMillis re-send an unanswered request (same sequence number) after this long, and ask
 *     the view service for the view (default 100)
 * @param rules rule switches to break on purpose (tests only; empty in production)
 */
public record ClientConfig(long retryMillis, Set<RuleSwitch> rules) {
  public static final long DEFAULT_RETRY_MILLIS = 100;

  public ClientConfig {
    if (retryMillis <= 0) {
      throw new IllegalArgumentException("retryMillis must be > 0, got " + retryMillis);
    }
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
  }

  public ClientConfig(long retryMillis) {
    this(retryMillis, Set.of());
  }

  public static ClientConfig defaults() {
    return new ClientConfig(DEFAULT_RETRY_MILLIS);
  }

  public ClientConfig withRules(Set<RuleSwitch> newRules) {
    return new ClientConfig(retryMillis, newRules);
  }

  public boolean breaks(RuleSwitch rule) {
    return rules.contains(rule);
  }
}
