package dev.pbkv.mutex;

import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of a {@link LamportMutex} node.
 *
 * @param retransmitMillis the FIFO channel re-sends unacknowledged messages after this long
 *     (default 50)
 * @param rules rules to break on purpose (tests only; empty in production)
 */
public record MutexConfig(long retransmitMillis, Set<MutexRule> rules) {

  /** The default retransmission interval of the FIFO channel, in milliseconds. */
  public static final long DEFAULT_RETRANSMIT_MILLIS = 50;

  public MutexConfig {
    if (retransmitMillis <= 0) {
      throw new IllegalArgumentException("retransmitMillis must be > 0, got " + retransmitMillis);
    }
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
  }

  /** Default timing, no rule broken. */
  public static MutexConfig defaults() {
    return new MutexConfig(DEFAULT_RETRANSMIT_MILLIS, Set.of());
  }

  /** This configuration with {@code newRules} broken. */
  public MutexConfig withRules(Set<MutexRule> newRules) {
    return new MutexConfig(retransmitMillis, newRules);
  }

  /** This configuration with another retransmission interval. */
  public MutexConfig withRetransmitMillis(long millis) {
    return new MutexConfig(millis, rules);
  }

  /** True if {@code rule} is broken on purpose. */
  public boolean breaks(MutexRule rule) {
    return rules.contains(rule);
  }
}
