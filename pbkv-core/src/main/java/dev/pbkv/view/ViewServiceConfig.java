package dev.pbkv.view;

import dev.pbkv.rules.RuleSwitch;
import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of the view service.
 *
 * @param pingIntervalMillis how often servers ping and the service checks liveness (default 100)
 * @param deadPings consecutive missed check intervals after which a server is dead (default 5)
 * @param rules rule switches to break on purpose (tests only; empty in production)
 */
public record ViewServiceConfig(long pingIntervalMillis, int deadPings, Set<RuleSwitch> rules) {
  public static final long DEFAULT_PING_INTERVAL_MILLIS = 100;
  public static final int DEFAULT_DEAD_PINGS = 5;

  public ViewServiceConfig {
    if (pingIntervalMillis <= 0) {
      throw new IllegalArgumentException(
          "pingIntervalMillis must be > 0, got " + pingIntervalMillis);
    }
    if (deadPings <= 0) {
      throw new IllegalArgumentException("deadPings must be > 0, got " + deadPings);
    }
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
  }

  public static ViewServiceConfig defaults() {
    return new ViewServiceConfig(DEFAULT_PING_INTERVAL_MILLIS, DEFAULT_DEAD_PINGS, Set.of());
  }

  public ViewServiceConfig withRules(Set<RuleSwitch> newRules) {
    return new ViewServiceConfig(pingIntervalMillis, deadPings, newRules);
  }
}
