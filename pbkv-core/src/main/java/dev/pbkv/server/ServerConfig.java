package dev.pbkv.server;

import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.view.ViewServiceConfig;
import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of a primary/backup server.
 *
 * @param pingIntervalMillis how often to ping the view service (default 100)
 * @param forwardRetryMillis re-send unacknowledged forwards after this long (default 50)
 * @param transferRetryMillis re-send an unacknowledged state transfer after this long (default 100)
 * @param maxForwardsInFlight forward messages the primary keeps outstanding (pipelining; default 4)
 * @param maxBatchOps ops per forward message at most (batching; default 512)
 * @param maxQueuedOps requests the primary holds at most; beyond it new ones are dropped and the
 *     client retries (default 100,000)
 * @param rules rule switches to break on purpose (tests only; empty in production)
 */
public record ServerConfig(
    long pingIntervalMillis,
    long forwardRetryMillis,
    long transferRetryMillis,
    int maxForwardsInFlight,
    int maxBatchOps,
    int maxQueuedOps,
    Set<RuleSwitch> rules) {

  public ServerConfig {
    positive("pingIntervalMillis", pingIntervalMillis);
    positive("forwardRetryMillis", forwardRetryMillis);
    positive("transferRetryMillis", transferRetryMillis);
    positive("maxForwardsInFlight", maxForwardsInFlight);
    positive("maxBatchOps", maxBatchOps);
    positive("maxQueuedOps", maxQueuedOps);
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig(
        ViewServiceConfig.DEFAULT_PING_INTERVAL_MILLIS, 50, 100, 4, 512, 100_000, Set.of());
  }

  public ServerConfig withRules(Set<RuleSwitch> newRules) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        newRules);
  }

  public ServerConfig withPingIntervalMillis(long millis) {
    return new ServerConfig(
        millis,
        forwardRetryMillis,
        transferRetryMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        rules);
  }

  public boolean breaks(RuleSwitch rule) {
    return rules.contains(rule);
  }
}
