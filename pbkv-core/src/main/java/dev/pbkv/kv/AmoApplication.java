package dev.pbkv.kv;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The key-value store wrapped in at-most-once sessions: each client numbers its requests, and a
 * request whose number was already executed is answered from the cached result instead of being
 * executed again. Reads need no entry (running one twice is harmless). The table is part of the
 * replicated state and travels in every {@link Snapshot}.
 *
 * <p>The table stays bounded by <em>sweeps</em> ({@link #sweep()}): the primary decides one every
 * quarter of the session expiry and replicates it like an op, so every replica executes the same
 * sweeps at the same points of the op sequence. The number of sweeps executed so far is the table's
 * only clock: each entry records it when its request executes, and a sweep drops the entries that
 * are {@link #SWEEPS_TO_EXPIRE} sweeps old. Nothing here reads a clock.
 */
public final class AmoApplication {
  /**
   * A sweep drops a session whose last write executed this many sweeps ago or more. Primaries
   * decide sweeps at least a quarter of the expiry apart, and the first sweep after a write was
   * decided after it, so the fifth comes at least 4 quarters, the whole expiry, after the write
   * reached the primary (see {@code ServerConfig.sessionExpiryMillis}).
   */
  public static final int SWEEPS_TO_EXPIRE = 5;

  private final KvStore store;
  private final HashMap<String, AmoEntry> sessions;
  private long sweeps;
  private long mutations; // counts changes; not part of the state (see mutations())

  public AmoApplication() {
    this(new KvStore(), new HashMap<>(), 0);
  }

  private AmoApplication(KvStore store, HashMap<String, AmoEntry> sessions, long sweeps) {
    this.store = store;
    this.sessions = sessions;
    this.sweeps = sweeps;
  }

  /** A fresh application holding the state of {@code snapshot}. */
  public static AmoApplication restore(Snapshot snapshot) {
    return new AmoApplication(
        KvStore.of(snapshot.data()), new HashMap<>(snapshot.sessions()), snapshot.sweeps());
  }

  /** A consistent, immutable copy of the state (a full copy: for checks and small stores). */
  public Snapshot snapshot() {
    return new Snapshot(store.copyOfData(), sessions, sweeps);
  }

  /** An independent copy of this application (the store's entries are shared, immutable). */
  public AmoApplication copy() {
    AmoApplication c = new AmoApplication(store.copy(), new HashMap<>(sessions), sweeps);
    c.mutations = mutations;
    return c;
  }

  /**
   * A fresh application holding the first chunk of a state transfer, the session table and the
   * sweep count.
   */
  public static AmoApplication fromChunk(
      DataChunk data, Map<String, AmoEntry> sessions, long sweeps) {
    AmoApplication app = new AmoApplication(new KvStore(), new HashMap<>(sessions), sweeps);
    app.store.install(data);
    return app;
  }

  /** Adds the data of a later chunk of a state transfer (the first one: {@link #fromChunk}). */
  public void installChunk(DataChunk data) {
    store.install(data);
    mutations++;
  }

  /** Puts an entry outside any session (to preload a store before it serves). */
  public void preload(String key, String value) {
    store.put(key, value);
    mutations++;
  }

  /**
   * The key-value data, read-only: a state transfer reads it in chunks with {@link KvStore#scan}.
   * Callers must not change it.
   */
  public KvStore data() {
    return store;
  }

  /** The at-most-once table, read-only. */
  public Map<String, AmoEntry> sessions() {
    return Collections.unmodifiableMap(sessions);
  }

  /** How many sweeps this state has executed (replicated, like the table). */
  public long sweeps() {
    return sweeps;
  }

  /**
   * Executes one session-expiry sweep: counts it, then drops every session whose last write
   * executed {@link #SWEEPS_TO_EXPIRE} or more sweeps ago. A later request of a dropped session
   * looks new: a retry of its last write would execute again (the rule that prevents this is on
   * {@code ServerConfig.sessionExpiryMillis}). Deterministic: the same sweeps over the same ops
   * leave every replica with the same table.
   *
   * @return how many sessions it dropped
   */
  public int sweep() {
    sweeps++;
    mutations++;
    int before = sessions.size();
    sessions.values().removeIf(e -> sweeps - e.writtenAtSweep() >= SWEEPS_TO_EXPIRE);
    return before - sessions.size();
  }

  /**
   * How many times this application has changed. Not part of its state (equality ignores it): a
   * primary uses it to check that its store stays unchanged while it streams a state transfer.
   */
  public long mutations() {
    return mutations;
  }

  /**
   * Whether request {@code seq} of {@code clientId} was executed already (or is older than one that
   * was: a client has one request outstanding, so an older one is a stale duplicate).
   */
  public boolean alreadyExecuted(String clientId, long seq) {
    AmoEntry entry = sessions.get(clientId);
    return entry != null && seq <= entry.seq();
  }

  /**
   * The cached result of request {@code seq}, or {@code null} if that exact request has no cached
   * result (never executed, or superseded by a later one).
   */
  public Result cachedResult(String clientId, long seq) {
    AmoEntry entry = sessions.get(clientId);
    return entry != null && entry.seq() == seq ? entry.result() : null;
  }

  /**
   * Executes request {@code seq} of {@code clientId} at most once. A duplicate gets the cached
   * result; a stale duplicate of an older request gets {@code null} and changes nothing.
   */
  public Result execute(String clientId, long seq, Command command) {
    Objects.requireNonNull(clientId, "clientId");
    if (alreadyExecuted(clientId, seq)) {
      return cachedResult(clientId, seq);
    }
    Result result = store.execute(command);
    if (!command.isRead()) {
      sessions.put(clientId, new AmoEntry(seq, result, sweeps));
      mutations++;
    }
    return result;
  }

  /** Executes without any at-most-once check (only for rule switches that break it on purpose). */
  public Result executeUnchecked(Command command) {
    mutations++;
    return store.execute(command);
  }

  /** Read-only access to the data, for tests and diagnostics. */
  public String get(String key) {
    return store.get(key);
  }

  public int size() {
    return store.size();
  }

  /** The encoded bytes of the store's entries ({@link KvStore#entryBytes()}). */
  public long storeBytes() {
    return store.entryBytes();
  }

  public int sessionCount() {
    return sessions.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AmoApplication other
        && sweeps == other.sweeps
        && store.equals(other.store)
        && sessions.equals(other.sessions);
  }

  @Override
  public int hashCode() {
    return (31 * store.hashCode() + sessions.hashCode()) * 31 + Long.hashCode(sweeps);
  }
}
