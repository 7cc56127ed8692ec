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
 */
public final class AmoApplication {
  private final KvStore store;
  private final HashMap<String, AmoEntry> sessions;
  private long mutations; // counts changes; not part of the state (see mutations())

  public AmoApplication() {
    this(new KvStore(), new HashMap<>());
  }

  private AmoApplication(KvStore store, HashMap<String, AmoEntry> sessions) {
    this.store = store;
    this.sessions = sessions;
  }

  /** A fresh application holding the state of {@code snapshot}. */
  public static AmoApplication restore(Snapshot snapshot) {
    return new AmoApplication(KvStore.of(snapshot.data()), new HashMap<>(snapshot.sessions()));
  }

  /** A consistent, immutable copy of the state (a full copy: for checks and small stores). */
  public Snapshot snapshot() {
    return new Snapshot(store.copyOfData(), sessions);
  }

  /** An independent copy of this application (the store's entries are shared, immutable). */
  public AmoApplication copy() {
    AmoApplication c = new AmoApplication(store.copy(), new HashMap<>(sessions));
    c.mutations = mutations;
    return c;
  }

  /** A fresh application holding the first chunk of a state transfer and the session table. */
  public static AmoApplication fromChunk(DataChunk data, Map<String, AmoEntry> sessions) {
    AmoApplication app = new AmoApplication(new KvStore(), new HashMap<>(sessions));
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
      sessions.put(clientId, new AmoEntry(seq, result));
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

  public int sessionCount() {
    return sessions.size();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AmoApplication other
        && store.equals(other.store)
        && sessions.equals(other.sessions);
  }

  @Override
  public int hashCode() {
    return 31 * store.hashCode() + sessions.hashCode();
  }
}
