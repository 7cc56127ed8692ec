package dev.pbkv.sim;

import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.ServerConfig;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * What a {@link RandomRun} stresses beyond its fault mix. The default swarm never transfers more
 * than one chunk (1 MiB chunks, small stores), never runs a session-expiry sweep (10 minutes of
 * expiry, seconds of run), injects a fault only once the cluster has recovered from the last one
 * and never crashes the view service. Each other mode opens one of those doors; its knobs are drawn
 * from the seed's own stream for the mode, so the default mode replays exactly as before.
 */
public enum SwarmMode {
  /** Faults one at a time; default chunks, windows and expiry; the view service stays up. */
  DEFAULT("faults one at a time, default chunks and expiry", Set.of()),
  /**
   * State transfers and forwards in many small pieces: chunks of 16–256 bytes with windows of 1–3,
   * forwards of 1–8 ops with 1–3 in flight.
   */
  CHUNKS(
      "transfers of many small chunks, small forward batches",
      Set.of(RuleSwitch.TRANSFER_SKIPS_LATER_CHUNKS)),
  /**
   * Session-expiry sweeps: an expiry of 3–5 s (a sweep every quarter of it), clients that retire a
   * session after a 300–800 ms timeout and go on as a new session (as {@code PbkvClient} does),
   * 8–15 s runs, and no replays of old messages (they would break the rule for clients, design.md
   * §4.3).
   */
  EXPIRY(
      "short session expiry, clients retire sessions on timeout",
      Set.of(RuleSwitch.SWEEP_WITHOUT_BACKUP)),
  /**
   * Overlapping faults: the next fault does not wait for the cluster to recover from the last (it
   * may hit the primary during a state transfer), faults come every 50–300 ms, and several servers
   * may be down at once. Runs that end in one of the lecture's stuck cases pass as expected.
   */
  OVERLAP(
      "faults overlap: the next does not wait for recovery",
      Set.of(RuleSwitch.PROMOTE_BACKUP_OF_UNACKED_VIEW)),
  /**
   * View-service crashes (issue 12): a quarter of the fault injector's turns crash the view
   * service, at once or right after it makes its next view, and half of the runs crash it right
   * after it makes its first view; it restarts from its durable store 50 ms to two dead intervals
   * later (docs/design.md §2). The seed's own fault mix stays as drawn.
   */
  VIEWSERVICE(
      "the view service crashes and restarts from its store",
      Set.of(RuleSwitch.ANNOUNCE_BEFORE_DURABLE, RuleSwitch.JUDGE_LIVENESS_RIGHT_AFTER_RESTART)),
  /**
   * A replicated view service (docs/design.md §2.2): three replicas share one store under a
   * simulated leader election with a session timeout of 300–600 ms. A third of the fault injector's
   * turns hit the replicas: crash the leader (restarted 50 ms to two dead intervals later), pause
   * it past its session (it hears it was deposed only when it resumes), or elect another replica
   * without telling the old leader for up to two dead intervals, while a link from a server to one
   * replica is cut, so that two leaders at once see different servers alive.
   */
  REPLICAS(
      "three view-service replicas: leader crashes, pauses and unnoticed leadership changes",
      Set.of(RuleSwitch.WRITE_VIEW_WITHOUT_VERSION_CHECK)),
  /**
   * Bytes cost time (issue 13): some directions between servers get a bandwidth of 50 to 550 KB/s
   * and a buffer of 64 KiB to 1 MiB (asymmetric: the other direction may stay fast), puts carry
   * values of 256 B to 8 KiB, and state transfers go in chunks of 4–64 KiB, windows of 1–3, all
   * drawn from the mode's own stream. Besides safety and liveness, a run checks that no retry sent
   * a forwarded entry or a chunk over a limited link again while the link still carried it or the
   * backup had acknowledged it: the retries probe and back off instead of re-sending
   * (docs/design.md §4.1, §4.2).
   */
  PRESSURE(
      "slow and asymmetric links between servers, large values",
      Set.of(RuleSwitch.RETRY_RESENDS_EVERYTHING));

  private final String summary;
  private final Set<RuleSwitch> showcases;

  SwarmMode(String summary, Set<RuleSwitch> showcases) {
    this.summary = summary;
    this.showcases = showcases.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(showcases));
  }

  /** One line on what the mode does. */
  public String summary() {
    return summary;
  }

  /**
   * The rule switches this mode catches and the default mode does not (the code path they break
   * never runs, or never matters, there); empty for the default mode.
   */
  public Set<RuleSwitch> showcases() {
    return showcases;
  }

  /** The mode's name on the command line: lower case. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code name} (case-insensitive), or an exception naming the choices. */
  public static SwarmMode parse(String name) {
    for (SwarmMode m : values()) {
      if (m.name().equalsIgnoreCase(name.trim())) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown swarm mode '"
            + name
            + "'; one of: "
            + Arrays.stream(values()).map(SwarmMode::cliName).collect(Collectors.joining(", ")));
  }

  /**
   * The knobs of this mode for {@code seed}.
   *
   * @param chunkBytes state-transfer chunk size
   * @param windowChunks unacknowledged chunks at most
   * @param forwardsInFlight unacknowledged forwards at most
   * @param batchOps ops per forward at most
   * @param sessionExpiryMillis the servers' session expiry
   * @param clientTimeoutMillis a client retires its session after an op waited this long (0: never)
   * @param overlapFaults the next fault does not wait for recovery
   * @param viewServiceCrashes the view service crashes and restarts from its store
   * @param replicaSessionMillis three view-service replicas with this election session timeout (0:
   *     a single view service)
   */
  public record Knobs(
      long chunkBytes,
      int windowChunks,
      int forwardsInFlight,
      int batchOps,
      long sessionExpiryMillis,
      long clientTimeoutMillis,
      boolean overlapFaults,
      boolean viewServiceCrashes,
      long replicaSessionMillis) {

    /** The servers' configuration with these knobs. */
    public ServerConfig serverConfig(ServerConfig base) {
      return base.withTransferChunks(chunkBytes, windowChunks)
          .withForwardLimits(forwardsInFlight, batchOps)
          .withSessionExpiryMillis(sessionExpiryMillis);
    }

    public String describe() {
      return String.format(
          Locale.ROOT,
          "chunks of %d B (window %d), forwards of %d ops (%d in flight), expiry %.1f s%s%s%s",
          chunkBytes,
          windowChunks,
          batchOps,
          forwardsInFlight,
          sessionExpiryMillis / 1000.0,
          clientTimeoutMillis > 0 ? ", clients retire after " + clientTimeoutMillis + " ms" : "",
          overlapFaults ? ", overlapping faults" : "",
          (viewServiceCrashes ? ", view-service crashes" : "")
              + (replicaSessionMillis > 0
                  ? ", 3 view-service replicas (session " + replicaSessionMillis + " ms)"
                  : ""));
    }
  }

  /** This mode's knobs for {@code seed}, from the seed's stream for the mode. */
  public Knobs knobs(long seed) {
    ServerConfig d = ServerConfig.defaults();
    Knobs defaults =
        new Knobs(
            d.transferChunkBytes(),
            d.transferWindowChunks(),
            d.maxForwardsInFlight(),
            d.maxBatchOps(),
            d.sessionExpiryMillis(),
            0,
            false,
            false,
            0);
    RandomGenerator r = SimRandom.stream(seed, "swarm-" + cliName());
    return switch (this) {
      case DEFAULT -> defaults;
      case CHUNKS ->
          new Knobs(
              16L << r.nextInt(5), // 16..256 bytes
              1 + r.nextInt(3),
              1 + r.nextInt(3),
              1 + r.nextInt(8),
              defaults.sessionExpiryMillis(),
              0,
              false,
              false,
              0);
      case EXPIRY ->
          new Knobs(
              defaults.chunkBytes(),
              defaults.windowChunks(),
              defaults.forwardsInFlight(),
              defaults.batchOps(),
              3_000 + r.nextLong(2_001),
              300 + r.nextLong(501),
              false,
              false,
              0);
      case OVERLAP ->
          new Knobs(
              defaults.chunkBytes(),
              defaults.windowChunks(),
              defaults.forwardsInFlight(),
              defaults.batchOps(),
              defaults.sessionExpiryMillis(),
              0,
              true,
              false,
              0);
      case REPLICAS ->
          new Knobs(
              defaults.chunkBytes(),
              defaults.windowChunks(),
              defaults.forwardsInFlight(),
              defaults.batchOps(),
              defaults.sessionExpiryMillis(),
              0,
              false,
              false,
              300 + r.nextLong(301));
      case PRESSURE ->
          new Knobs(
              4096L << r.nextInt(5), // 4..64 KiB
              1 + r.nextInt(3),
              defaults.forwardsInFlight(),
              defaults.batchOps(),
              defaults.sessionExpiryMillis(),
              0,
              false,
              false,
              0);
      case VIEWSERVICE ->
          new Knobs(
              defaults.chunkBytes(),
              defaults.windowChunks(),
              defaults.forwardsInFlight(),
              defaults.batchOps(),
              defaults.sessionExpiryMillis(),
              0,
              false,
              true,
              0);
    };
  }
}
