package dev.pbkv.sim;

import dev.pbkv.rules.RuleSwitch;
import java.util.Set;

/**
 * The knobs of a {@link RandomRun}.
 *
 * @param seed reproduces the run exactly
 * @param servers how many servers (at least 1)
 * @param clients how many client sessions (at least 1)
 * @param keys how many keys the workload touches
 * @param durationMillis virtual time with faults before the healing phase
 * @param drop probability that the network loses a message
 * @param duplicate probability that the network delivers a message twice
 * @param partitions inject partitions and one-way cuts
 * @param crashes crash servers and restart them fresh
 * @param pauses pause servers past the dead-ping timeout (zombies)
 * @param replays deliver old messages again much later
 * @param rules rule switches to break on purpose
 */
public record RandomRunOptions(
    long seed,
    int servers,
    int clients,
    int keys,
    long durationMillis,
    double drop,
    double duplicate,
    boolean partitions,
    boolean crashes,
    boolean pauses,
    boolean replays,
    Set<RuleSwitch> rules) {

  public RandomRunOptions {
    if (servers < 1) {
      throw new IllegalArgumentException("servers must be >= 1, got " + servers);
    }
    if (clients < 1) {
      throw new IllegalArgumentException("clients must be >= 1, got " + clients);
    }
    if (keys < 1) {
      throw new IllegalArgumentException("keys must be >= 1, got " + keys);
    }
    if (durationMillis <= 0) {
      throw new IllegalArgumentException("duration must be > 0, got " + durationMillis + " ms");
    }
    rules = Set.copyOf(rules);
  }

  /** No faults: 3 servers, 5 clients, 5 keys, 10 s. */
  public static RandomRunOptions calm(long seed) {
    return new RandomRunOptions(seed, 3, 5, 5, 10_000, 0, 0, false, false, false, false, Set.of());
  }

  public RandomRunOptions withFaults(
      double drop,
      double duplicate,
      boolean partitions,
      boolean crashes,
      boolean pauses,
      boolean replays) {
    return new RandomRunOptions(
        seed,
        servers,
        clients,
        keys,
        durationMillis,
        drop,
        duplicate,
        partitions,
        crashes,
        pauses,
        replays,
        rules);
  }

  public RandomRunOptions withRules(Set<RuleSwitch> newRules) {
    return new RandomRunOptions(
        seed,
        servers,
        clients,
        keys,
        durationMillis,
        drop,
        duplicate,
        partitions,
        crashes,
        pauses,
        replays,
        newRules);
  }

  public RandomRunOptions withSize(int servers, int clients, int keys, long durationMillis) {
    return new RandomRunOptions(
        seed,
        servers,
        clients,
        keys,
        durationMillis,
        drop,
        duplicate,
        partitions,
        crashes,
        pauses,
        replays,
        rules);
  }
}
