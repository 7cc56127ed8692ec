package dev.pbkv.server;

import dev.pbkv.kv.SizeLimits;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.view.ViewServiceConfig;
import java.util.EnumSet;
import java.util.Set;

/**
 * Settings of a primary/backup server.
 *
 * @param pingIntervalMillis how often to ping the view service (default 100)
 * @param forwardRetryMillis the base interval of the forward retry (default 50): when the backup
 *     has acknowledged nothing for this long, the primary probes it and re-sends only the gap the
 *     backup reports (docs/design.md §4.1); each retry without progress doubles the interval, up to
 *     {@code retryCapMillis}; progress resets it to the base
 * @param transferRetryMillis the base interval of the state-transfer retry (default 100), probing
 *     and backing off like the forward retry (docs/design.md §4.2)
 * @param retryCapMillis the cap of both retries' exponential back-off (default 1 s, {@link
 *     #DEFAULT_RETRY_CAP_MILLIS}). While the cap is above a base interval, each retry timer is set
 *     with a jitter: it fires between the interval and 1.25 times it, drawn by the runtime from the
 *     node's seeded timer stream. A cap at or below the base means a fixed interval without jitter
 *     (the model checker's setting: it has no time, so a growing interval would only add states)
 * @param maxForwardsInFlight forward messages the primary keeps outstanding (pipelining; default 4)
 * @param maxBatchOps ops per forward message at most (batching; default 512)
 * @param maxQueuedOps requests the primary holds at most; beyond it new ones are dropped and the
 *     client retries (default 100,000)
 * @param transferChunkBytes a state transfer is sent in chunks of about this many bytes of stored
 *     data each (at least one entry per chunk; default 1 MiB, see {@link #DEFAULT_CHUNK_BYTES})
 * @param transferWindowChunks chunks of a state transfer the primary keeps unacknowledged at most
 *     (default 2: steadier than 1 or 4 on loopback, see pbkv-bench {@code TransferTime})
 * @param sessionExpiryMillis how long an idle at-most-once session is kept at least (default 10
 *     minutes, {@link #DEFAULT_SESSION_EXPIRY_MILLIS}; 0: sessions never expire and the table grows
 *     with every client session ever seen). The primary sweeps the table every {@link
 *     #sweepIntervalMillis()} (a quarter of the expiry) and replicates each sweep like an op, so
 *     primary and backup drop the same sessions at the same point. <b>Guarantee:</b> the entry of a
 *     session is kept for at least {@code sessionExpiryMillis} after its last write first reached a
 *     primary, and (while the primary stays up and its backup answers) is dropped within about
 *     {@code 1.25 × sessionExpiryMillis} after that write executed (each failover can add the time
 *     to the new primary's first sweep, one interval). <b>Rule for clients:</b> no copy of a
 *     request may reach a server more than {@code sessionExpiryMillis} after the client first sent
 *     it — otherwise a retry of an expired session's last write executes again. A client keeps it
 *     by giving up on an op (reporting it indeterminate) long before the expiry and never
 *     re-sending that sequence number; {@code PbkvClient} times out after 5 s by default and
 *     retires the session. A session that resumes after the expiry with a <em>new</em> request is
 *     fine: that request is new. Timers never fire early, so the guarantee needs no synchronised
 *     clocks.
 * @param maxBatchBytes bytes of ops per forward message at most, counted as keys and values
 *     (default 4 MiB, {@link #DEFAULT_MAX_BATCH_BYTES}); a forward always holds at least one op, so
 *     one is at most this or one op, itself bounded by the size limits
 * @param sizeLimits the largest key and value the primary takes (default 64 KiB and 1 MiB, {@link
 *     SizeLimits#DEFAULTS}); a request over a limit is answered with an error and never executed
 * @param rules rule switches to break on purpose (tests only; empty in production)
 */
public record ServerConfig(
    long pingIntervalMillis,
    long forwardRetryMillis,
    long transferRetryMillis,
    long retryCapMillis,
    int maxForwardsInFlight,
    int maxBatchOps,
    int maxQueuedOps,
    long transferChunkBytes,
    int transferWindowChunks,
    long sessionExpiryMillis,
    long maxBatchBytes,
    SizeLimits sizeLimits,
    Set<RuleSwitch> rules) {

  /**
   * The default size of a state-transfer chunk: 1 MiB of stored data, about 40,000 entries of a
   * 10-byte key and a 16-byte value, far below the 64 MiB frame limit, and big enough that the
   * per-chunk round trip costs little (see pbkv-bench {@code TransferTime}).
   */
  public static final long DEFAULT_CHUNK_BYTES = 1L << 20;

  /** The default cap of the retries' exponential back-off: 1 s. */
  public static final long DEFAULT_RETRY_CAP_MILLIS = 1000;

  /** The default byte bound of one forward: 4 MiB of keys and values (at least one op). */
  public static final long DEFAULT_MAX_BATCH_BYTES = 4L << 20;

  /** The default session expiry: 10 minutes, far beyond any client's timeout (5 s by default). */
  public static final long DEFAULT_SESSION_EXPIRY_MILLIS = 10 * 60 * 1000;

  public ServerConfig {
    positive("pingIntervalMillis", pingIntervalMillis);
    positive("forwardRetryMillis", forwardRetryMillis);
    positive("transferRetryMillis", transferRetryMillis);
    positive("retryCapMillis", retryCapMillis);
    positive("maxForwardsInFlight", maxForwardsInFlight);
    positive("maxBatchOps", maxBatchOps);
    positive("maxQueuedOps", maxQueuedOps);
    positive("transferChunkBytes", transferChunkBytes);
    positive("transferWindowChunks", transferWindowChunks);
    positive("maxBatchBytes", maxBatchBytes);
    java.util.Objects.requireNonNull(sizeLimits, "sizeLimits");
    if (sessionExpiryMillis < 0) {
      throw new IllegalArgumentException(
          "sessionExpiryMillis must be >= 0 (0: never expire), got " + sessionExpiryMillis);
    }
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
        DEFAULT_RETRY_CAP_MILLIS,
        4,
        512,
        100_000,
        DEFAULT_CHUNK_BYTES,
        2,
        DEFAULT_SESSION_EXPIRY_MILLIS,
        DEFAULT_MAX_BATCH_BYTES,
        SizeLimits.DEFAULTS,
        Set.of());
  }

  public ServerConfig withRules(Set<RuleSwitch> newRules) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        retryCapMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        sessionExpiryMillis,
        maxBatchBytes,
        sizeLimits,
        newRules);
  }

  public ServerConfig withPingIntervalMillis(long millis) {
    return new ServerConfig(
        millis,
        forwardRetryMillis,
        transferRetryMillis,
        retryCapMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        sessionExpiryMillis,
        maxBatchBytes,
        sizeLimits,
        rules);
  }

  /** The same with forwards pipelined and batched differently. */
  public ServerConfig withForwardLimits(int forwardsInFlight, int batchOps) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        retryCapMillis,
        forwardsInFlight,
        batchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        sessionExpiryMillis,
        maxBatchBytes,
        sizeLimits,
        rules);
  }

  /** The same with state transfers in chunks of {@code chunkBytes}, {@code window} at a time. */
  public ServerConfig withTransferChunks(long chunkBytes, int window) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        retryCapMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        chunkBytes,
        window,
        sessionExpiryMillis,
        maxBatchBytes,
        sizeLimits,
        rules);
  }

  /** The same with at-most-once sessions expiring after {@code millis} (0: never). */
  public ServerConfig withSessionExpiryMillis(long millis) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        retryCapMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        millis,
        maxBatchBytes,
        sizeLimits,
        rules);
  }

  /** The same with {@code limits} on keys and values. */
  public ServerConfig withSizeLimits(SizeLimits limits) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        retryCapMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        sessionExpiryMillis,
        maxBatchBytes,
        limits,
        rules);
  }

  /** The same with forwards of at most {@code bytes} of keys and values (at least one op). */
  public ServerConfig withMaxBatchBytes(long bytes) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        retryCapMillis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        sessionExpiryMillis,
        bytes,
        sizeLimits,
        rules);
  }

  /**
   * The same with the retries' back-off capped at {@code millis}; at or below the base intervals,
   * retries keep a fixed interval without jitter.
   */
  public ServerConfig withRetryCapMillis(long millis) {
    return new ServerConfig(
        pingIntervalMillis,
        forwardRetryMillis,
        transferRetryMillis,
        millis,
        maxForwardsInFlight,
        maxBatchOps,
        maxQueuedOps,
        transferChunkBytes,
        transferWindowChunks,
        sessionExpiryMillis,
        maxBatchBytes,
        sizeLimits,
        rules);
  }

  /** True if idle at-most-once sessions expire (a primary sweeps the table). */
  public boolean expiresSessions() {
    return sessionExpiryMillis > 0;
  }

  /**
   * How often a primary sweeps the at-most-once table: a quarter of the expiry, rounded up, so that
   * {@link dev.pbkv.kv.AmoApplication#SWEEPS_TO_EXPIRE} - 1 = 4 intervals are at least the expiry.
   *
   * @throws IllegalStateException if sessions never expire
   */
  public long sweepIntervalMillis() {
    if (!expiresSessions()) {
      throw new IllegalStateException("sessions never expire (sessionExpiryMillis = 0)");
    }
    return (sessionExpiryMillis + 3) / 4;
  }

  public boolean breaks(RuleSwitch rule) {
    return rules.contains(rule);
  }
}
