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
 * @param transferRetryMillis re-send the oldest unacknowledged state-transfer chunk when none was
 *     acknowledged for this long (default 100)
 * @param maxForwardsInFlight forward messages the primary keeps outstanding (pipelining; default 4)
 * @param maxBatchOps ops per forward message at most (batching; default 512)
 * @param maxQueuedOps requests the primary holds at most; beyond it new ones are dropped and the
 *     client retries (default 100,000)
 * @param transferChunkBytes a state transfer is sent in chunks of about this many bytes of stored
 *     data each (at least one entry per chunk; default 1 MiB, see {@link #DEFAULT_CHUNK_BYTES})
 * @param transferWindowChunks chunks of a state transfer the primary keeps unacknowledged at most
 *     (default 2: steadier than 1 or 4 on loopback, see pbkv-bench {@code TransferTime})
 * @param rules rule switches to break on purpose (tests only; empty in production)
 */
public record ServerConfig(
    long pingIntervalMillis,
    long forwardRetryMillis,
    long transferRetryMillis,
    int maxForwardsInFlight,
    int maxBatchOps,
    int maxQueuedOps,
    long transferChunkBytes,
    int transferWindowChunks,
    Set<RuleSwitch> rules) {

  /**
   * The default size of a state-transfer chunk: 1 MiB of stored data, about 40,000 entries of a
   * 10-byte key and a 16-byte value, far below the 64 MiB frame limit, and big enough that the
   * per-chunk round trip costs little (see pbkv-bench {@code TransferTime}).
   */
  public static final long DEFAULT_CHUNK_BYTES = 1L << 20;

  public ServerConfig {
    positive("pingIntervalMillis", pingIntervalMillis);
    positive("forwardRetryMillis", forwardRetryMillis);
    positive("transferRetryMillis", transferRetryMillis);
    positive("maxForwardsInFlight", maxForwardsInFlight);
    positive("maxBatchOps", maxBatchOps);
    positive("maxQueuedOps", maxQueuedOps);
    positive("transferChunkBytes", transferChunkBytes);
    positive("transferWindowChunks", transferWindowChunks);
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }

  public static ServerConfig defaults() {
    return new ServerConfig(
        ViewServiceConfig.DEFAULT_PING_INTERVAL_MILLIS,
        50,
        100,
        4,
        512,
        100_000,
        DEFAULT_CHUNK_BYTES,
        2,
        Set.of());
  }

  public ServerConfig withRules(Set<RuleSwitch> newRules) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
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
        transferChunkBytes,
        transferWindowChunks,
        rules);
  }

  /** The same with forwards pipelined and batched differently. */
  public ServerConfig withForwardLimits(int forwardsInFlight, int batchOps) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        forwardsInFlight,
        batchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        rules);
  }

  /** The same with state transfers in chunks of {@code chunkBytes}, {@code window} at a time. */
  public ServerConfig withTransferChunks(long chunkBytes, int window) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        chunkBytes,
        window,
        rules);
  }

  public boolean breaks(RuleSwitch rule) {
    return rules.contains(rule);
  }
}
