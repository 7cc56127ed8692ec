package dev.pbkv.sim;

import dev.pbkv.rules.RuleSwitch;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The knobs of a {@link RandomRun}: the cluster, the workload and the fault mix. {@link
 * #swarm(long, Set)} draws all of them from the seed, so that every seed of a swarm tests its own
 * mix.
 *
 * @param seed reproduces the run exactly
 * @param servers how many servers (at least 1)
 * @param clients how many client sessions (at least 1)
 * @param appendKeys keys that only see appends of unique tokens and reads (the nothing-lost check)
 * @param mixedKeys keys that see every kind of command, in the proportions of {@code mix}
 * @param mix the command mix on the mixed keys
 * @param durationMillis virtual time with faults before the healing phase
 * @param maxDelayMillis messages take 1 ms to this long (reordering)
 * @param drop probability that the network loses a message
 * @param duplicate probability that the network delivers a message twice
 * @param partitions inject partitions and one-way cuts between servers and the view service
 * @param isolations isolate the view service, the primary, or a client for a while
 * @param crashes crash servers and restart them fresh
 * @param pauses pause servers past the dead-ping timeout (zombies)
 * @param replays deliver old messages again much later
 * @param rules rule switches to break on purpose
 * @param mode what the run stresses beyond the faults: chunks, expiry, overlapping faults or
 *     view-service crashes ({@link SwarmMode}); its knobs come from the seed
 * @param scans run a scanner session that lists keys in pages next to the workload, checked by
 *     ScanCheck (the default swarm; off elsewhere, so other runs keep their seeds' behaviour)
 */
public record RandomRunOptions(
    long seed,
    int servers,
    int clients,
    int appendKeys,
    int mixedKeys,
    OpMix mix,
    long durationMillis,
    double maxDelayMillis,
    double drop,
    double duplicate,
    boolean partitions,
    boolean isolations,
    boolean crashes,
    boolean pauses,
    boolean replays,
    Set<RuleSwitch> rules,
    SwarmMode mode,
    boolean scans) {

  /** Relative weights of the commands on mixed keys. */
  public record OpMix(int get, int put, int append, int cas, int delete) {
    public OpMix {
      if (get < 0
          || put < 0
          || append < 0
          || cas < 0
          || delete < 0
          || get + put + append + cas + delete == 0) {
        throw new IllegalArgumentException("an op mix needs non-negative weights, not all 0");
      }
    }

    public static final OpMix DEFAULT = new OpMix(40, 20, 20, 10, 10);

    public int total() {
      return get + put + append + cas + delete;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "get:%d,put:%d,append:%d,cas:%d,delete:%d", get, put, append, cas, delete);
    }
  }

  public RandomRunOptions {
    atLeast("servers", servers, 1);
    atLeast("clients", clients, 1);
    atLeast("appendKeys", appendKeys, 0);
    atLeast("mixedKeys", mixedKeys, 0);
    if (appendKeys + mixedKeys == 0) {
      throw new IllegalArgumentException("keys must be >= 1");
    }
    if (durationMillis <= 0) {
      throw new IllegalArgumentException("duration must be > 0, got " + durationMillis + " ms");
    }
    if (!(maxDelayMillis >= 1)) {
      throw new IllegalArgumentException("max delay must be >= 1 ms, got " + maxDelayMillis);
    }
    probability("drop", drop);
    probability("duplicate", duplicate);
    rules = rules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(rules));
    java.util.Objects.requireNonNull(mode, "mode");
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
    }
  }

  private static void probability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + p);
    }
  }

  /** No faults: 3 servers, 5 clients, 5 append-only keys, 10 s. */
  public static RandomRunOptions calm(long seed) {
    return new Builder(seed).build();
  }

  /**
   * The swarm's mix for {@code seed}: every knob drawn from the seed's own "swarm" stream — drop
   * and duplicate 0–30%, delays up to 1–50 ms, each fault kind on or off, 1–10 clients, 1–20 keys
   * and an op mix.
   */
  public static RandomRunOptions swarm(long seed, Set<RuleSwitch> rules) {
    return swarm(seed, rules, SwarmMode.DEFAULT);
  }

  /**
   * The swarm's mix for {@code seed} in {@code mode}: the default mix of the seed, then what the
   * mode changes (from the seed's own stream for the mode, so the default mix stays as it was):
   * {@code expiry} runs 8–15 s without replays, {@code overlap} always crashes servers; {@code
   * viewservice} keeps the mix and adds crashes of the view service.
   */
  public static RandomRunOptions swarm(long seed, Set<RuleSwitch> rules, SwarmMode mode) {
    RandomRunOptions base = defaultSwarm(seed, rules);
    if (mode == SwarmMode.DEFAULT) {
      return base;
    }
    RandomGenerator r = SimRandom.stream(seed, "swarm-" + mode.cliName() + "-run");
    Builder b = base.toBuilder().mode(mode).scans(false);
    if (mode == SwarmMode.EXPIRY) {
      b.duration(8_000 + r.nextLong(7_001))
          .faults(base.partitions(), base.isolations(), base.crashes(), base.pauses(), false);
    } else if (mode == SwarmMode.OVERLAP) {
      b.faults(base.partitions(), base.isolations(), true, base.pauses(), base.replays());
    }
    return b.build();
  }

  private static RandomRunOptions defaultSwarm(long seed, Set<RuleSwitch> rules) {
    RandomGenerator r = SimRandom.stream(seed, "swarm");
    int keys = 1 + r.nextInt(20);
    int mixed = r.nextInt(keys + 1);
    return new Builder(seed)
        .servers(2 + r.nextInt(3))
        .clients(1 + r.nextInt(10))
        .keys(keys - mixed, mixed)
        .mix(
            new OpMix(
                r.nextInt(50), r.nextInt(30), r.nextInt(30), r.nextInt(20), r.nextInt(10) + 1))
        .duration(3_000 + r.nextLong(7_000))
        .maxDelay(1 + r.nextInt(50))
        .drop(r.nextInt(4) == 0 ? 0 : r.nextDouble() * 0.3)
        .duplicate(r.nextInt(4) == 0 ? 0 : r.nextDouble() * 0.3)
        .faults(
            r.nextBoolean(), r.nextBoolean(), r.nextInt(4) != 0, r.nextBoolean(), r.nextBoolean())
        .rules(rules)
        .scans(true)
        .build();
  }

  /** Every key: append-only ones first ("a0", "a1", …), then mixed ones ("m0", …). */
  public int keys() {
    return appendKeys + mixedKeys;
  }

  public Builder toBuilder() {
    return new Builder(seed)
        .servers(servers)
        .clients(clients)
        .keys(appendKeys, mixedKeys)
        .mix(mix)
        .duration(durationMillis)
        .maxDelay(maxDelayMillis)
        .drop(drop)
        .duplicate(duplicate)
        .faults(partitions, isolations, crashes, pauses, replays)
        .rules(rules)
        .mode(mode)
        .scans(scans);
  }

  public RandomRunOptions withRules(Set<RuleSwitch> newRules) {
    return toBuilder().rules(newRules).build();
  }

  /** A one-line description of the mix. */
  public String describe() {
    return String.format(
            Locale.ROOT,
            "%d servers, %d clients, %d append-only + %d mixed keys (%s), %.1f s, delay 1–%.0f ms,"
                + " drop %.0f%%, duplicate %.0f%%%s%s%s%s%s%s",
            servers,
            clients,
            appendKeys,
            mixedKeys,
            mix,
            durationMillis / 1000.0,
            maxDelayMillis,
            drop * 100,
            duplicate * 100,
            partitions ? ", partitions" : "",
            isolations ? ", isolations" : "",
            crashes ? ", crashes" : "",
            pauses ? ", pauses" : "",
            replays ? ", replays" : "",
            rules.isEmpty() ? "" : ", BROKEN: " + rules)
        + (mode == SwarmMode.DEFAULT
            ? ""
            : "; mode " + mode.cliName() + ": " + mode.knobs(seed).describe());
  }

  /** Builds options step by step; unset knobs keep the calm defaults. */
  public static final class Builder {
    private final long seed;
    private int servers = 3;
    private int clients = 5;
    private int appendKeys = 5;
    private int mixedKeys;
    private OpMix mix = OpMix.DEFAULT;
    private long durationMillis = 10_000;
    private double maxDelayMillis = 5;
    private double drop;
    private double duplicate;
    private boolean partitions;
    private boolean isolations;
    private boolean crashes;
    private boolean pauses;
    private boolean replays;
    private Set<RuleSwitch> rules = Set.of();
    private SwarmMode mode = SwarmMode.DEFAULT;
    private boolean scans;

    public Builder(long seed) {
      this.seed = seed;
    }

    public Builder servers(int n) {
      servers = n;
      return this;
    }

    public Builder clients(int n) {
      clients = n;
      return this;
    }

    public Builder keys(int appendOnly, int mixed) {
      appendKeys = appendOnly;
      mixedKeys = mixed;
      return this;
    }

    public Builder mix(OpMix m) {
      mix = m;
      return this;
    }

    public Builder duration(long millis) {
      durationMillis = millis;
      return this;
    }

    public Builder maxDelay(double millis) {
      maxDelayMillis = millis;
      return this;
    }

    public Builder drop(double p) {
      drop = p;
      return this;
    }

    public Builder duplicate(double p) {
      duplicate = p;
      return this;
    }

    public Builder faults(
        boolean partitions, boolean isolations, boolean crashes, boolean pauses, boolean replays) {
      this.partitions = partitions;
      this.isolations = isolations;
      this.crashes = crashes;
      this.pauses = pauses;
      this.replays = replays;
      return this;
    }

    public Builder rules(Set<RuleSwitch> r) {
      rules = r;
      return this;
    }

    /** Whether a scanner session lists keys next to the workload (docs/design.md §4.4). */
    public Builder scans(boolean on) {
      this.scans = on;
      return this;
    }

    public Builder mode(SwarmMode m) {
      mode = m;
      return this;
    }

    public RandomRunOptions build() {
      return new RandomRunOptions(
          seed,
          servers,
          clients,
          appendKeys,
          mixedKeys,
          mix,
          durationMillis,
          maxDelayMillis,
          drop,
          duplicate,
          partitions,
          isolations,
          crashes,
          pauses,
          replays,
          rules,
          mode,
          scans);
    }
  }
}
