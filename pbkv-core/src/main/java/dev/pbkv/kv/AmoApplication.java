package dev.pbkv.kv;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

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
 *
 * <p>The table is bounded in bytes too (docs/design.md §4.3): a result of at most {@link
 * #CACHE_WHOLE_BYTES} is cached whole; a larger append result (the key's whole new value) is cached
 * as an {@link Result.AppendDigest} (key, length, SHA-256), and a retry is answered with the key's
 * current value cut to that length if its hash matches (appends only extend a value), else with
 * {@link Result.Unavailable}. The session ids are also kept sorted, so a state transfer can stream
 * them in chunks from a cursor ({@link #sessionsAfter}).
 */
public final class AmoApplication {
  /**
   * A sweep drops a session whose last write executed this many sweeps ago or more. Primaries
   * decide sweeps at least a quarter of the expiry apart, and the first sweep after a write was
   * decided after it, so the fifth comes at least 4 quarters, the whole expiry, after the write
   * reached the primary (see {@code ServerConfig.sessionExpiryMillis}).
   */
  public static final int SWEEPS_TO_EXPIRE = 5;

  /**
   * The largest result cached whole: 1 KiB. A larger append result is cached as its digest; other
   * results (ok, deleted, a compare-and-set's previous value) are cached whole, as they are bounded
   * by the size limits and only a failed compare-and-set carries a value.
   */
  public static final int CACHE_WHOLE_BYTES = 1024;

  /** The bytes one table entry costs besides its session id and result (seq, sweep, overhead). */
  static final int ENTRY_OVERHEAD_BYTES = 24;

  private final KvStore store;
  // The table: looked up and updated at every op, so a hash map. Its ids also sit in id order in
  // sessionIds, touched only when a session comes or goes, so a transfer can stream the table from
  // a cursor (sessionsAfter) without a sorted map's cost on every op.
  private final HashMap<String, AmoEntry> sessions;
  private final TreeSet<String> sessionIds;
  private long sweeps;
  private long tableBytes; // derived from sessions (see tableBytes()); kept up to date
  private long mutations; // counts changes; not part of the state (see mutations())
  // A memo of verified digests, not state (equality and copies ignore it): a retry of a large
  // append hashes the key's value once, not at every retry, while the key is only appended to.
  private final java.util.HashMap<String, Long> verifiedAt = new java.util.HashMap<>();
  private final java.util.HashMap<String, Long> replacedAt = new java.util.HashMap<>();

  public AmoApplication() {
    this(new KvStore(), Map.of(), 0);
  }

  private AmoApplication(KvStore store, Map<String, AmoEntry> sessions, long sweeps) {
    this.store = store;
    this.sessions = new HashMap<>(sessions);
    this.sessionIds = new TreeSet<>(sessions.keySet());
    this.sweeps = sweeps;
    for (Map.Entry<String, AmoEntry> e : sessions.entrySet()) {
      tableBytes += entryBytes(e.getKey(), e.getValue());
    }
  }

  /** A fresh application holding the state of {@code snapshot}. */
  public static AmoApplication restore(Snapshot snapshot) {
    return new AmoApplication(KvStore.of(snapshot.data()), snapshot.sessions(), snapshot.sweeps());
  }

  /** About how many bytes the table entry of session {@code clientId} takes (and travels as). */
  public static long entryBytes(String clientId, AmoEntry entry) {
    return ENTRY_OVERHEAD_BYTES + clientId.length() + resultBytes(entry.result());
  }

  /** About how many bytes a cached result takes: the strings it holds, plus a few. */
  static long resultBytes(Result r) {
    long n = 4;
    if (r instanceof Result.Value v && v.value() != null) {
      n += v.value().length();
    } else if (r instanceof Result.CasResult c && c.previous() != null) {
      n += c.previous().length();
    } else if (r instanceof Result.Error e && e.message() != null) {
      n += e.message().length();
    } else if (r instanceof Result.AppendDigest d) {
      n += d.key().length() + 4L + d.sha256().length();
    } else if (r instanceof Result.Keys k) {
      for (String key : k.keys()) {
        n += 2 + key.length();
      }
    }
    return n;
  }

  /** A consistent, immutable copy of the state (a full copy: for checks and small stores). */
  public Snapshot snapshot() {
    return new Snapshot(store.copyOfData(), sessions, sweeps);
  }

  /** An independent copy of this application (the store's entries are shared, immutable). */
  public AmoApplication copy() {
    AmoApplication c = new AmoApplication(store.copy(), sessions, sweeps);
    c.mutations = mutations;
    return c;
  }

  /**
   * A fresh application holding the first chunk of a state transfer, the session table and the
   * sweep count.
   */
  public static AmoApplication fromChunk(
      DataChunk data, Map<String, AmoEntry> sessions, long sweeps) {
    AmoApplication app = new AmoApplication(new KvStore(), sessions, sweeps);
    app.store.install(data);
    return app;
  }

  /** Adds the data of a later chunk of a state transfer (the first one: {@link #fromChunk}). */
  public void installChunk(DataChunk data) {
    installChunk(data, Map.of());
  }

  /**
   * Adds the data and the at-most-once sessions of a later chunk of a state transfer (the table is
   * streamed across chunks like the data; the first chunk: {@link #fromChunk}).
   */
  public void installChunk(DataChunk data, Map<String, AmoEntry> moreSessions) {
    store.install(data);
    for (Map.Entry<String, AmoEntry> e : moreSessions.entrySet()) {
      putSession(e.getKey(), e.getValue());
    }
    mutations++;
    forgetMemo();
  }

  /**
   * The sessions after {@code afterId} in id order ({@code null}: from the first), as many as fit
   * in {@code maxBytes} of {@link #entryBytes} and at least one: the next piece of the table for a
   * state transfer chunk. Empty when none is left.
   */
  public TreeMap<String, AmoEntry> sessionsAfter(String afterId, long maxBytes) {
    TreeMap<String, AmoEntry> out = new TreeMap<>();
    long used = 0;
    for (String id : afterId == null ? sessionIds : sessionIds.tailSet(afterId, false)) {
      AmoEntry entry = sessions.get(id);
      long n = entryBytes(id, entry);
      if (!out.isEmpty() && used + n > maxBytes) {
        break;
      }
      out.put(id, entry);
      used += n;
    }
    return out;
  }

  /**
   * About how many bytes the at-most-once table holds: the sum of {@link #entryBytes} over its
   * sessions. Derived from the table (equal tables have equal sizes).
   */
  public long tableBytes() {
    return tableBytes;
  }

  private void putSession(String clientId, AmoEntry entry) {
    AmoEntry old = sessions.put(clientId, entry);
    if (old != null) {
      tableBytes -= entryBytes(clientId, old);
    } else {
      sessionIds.add(clientId);
    }
    tableBytes += entryBytes(clientId, entry);
  }

  /** Puts an entry outside any session (to preload a store before it serves). */
  public void preload(String key, String value) {
    store.put(key, value);
    mutations++;
    forgetMemo();
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
    forgetMemo();
    int before = sessions.size();
    sessions
        .entrySet()
        .removeIf(
            e -> {
              boolean old = sweeps - e.getValue().writtenAtSweep() >= SWEEPS_TO_EXPIRE;
              if (old) {
                tableBytes -= entryBytes(e.getKey(), e.getValue());
                sessionIds.remove(e.getKey());
              }
              return old;
            });
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
   * result (never executed, or superseded by a later one). A large append's result is rebuilt from
   * the key's current value ({@link Result.AppendDigest}), or is {@link Result.Unavailable}.
   */
  public Result cachedResult(String clientId, long seq) {
    AmoEntry entry = sessions.get(clientId);
    if (entry == null || entry.seq() != seq) {
      return null;
    }
    return entry.result() instanceof Result.AppendDigest d ? resolve(clientId, d) : entry.result();
  }

  /**
   * The result an append digest stands for: the key's current value cut to the result's length,
   * when its hash matches (appends only extend a value, so after more appends the prefix is still
   * the result); {@link Result.Unavailable} when the value was replaced, shortened or deleted.
   */
  private Result resolve(String clientId, Result.AppendDigest d) {
    String now = store.get(d.key());
    if (now != null && now.length() >= d.length()) {
      String prefix = now.substring(0, d.length());
      Long verified = verifiedAt.get(clientId);
      Long replaced = replacedAt.get(d.key());
      if (verified != null && replaced != null && replaced < verified) {
        return new Result.Value(prefix); // verified before, and only appended to since
      }
      if (sha256(prefix).equals(d.sha256())) {
        verifiedAt.put(clientId, mutations);
        replacedAt.putIfAbsent(d.key(), -1L);
        return new Result.Value(prefix);
      }
    }
    return new Result.Unavailable();
  }

  /** Notes a write that may replace (not only extend) {@code key}'s value, for the memo. */
  private void noteWrite(Command command) {
    if (!replacedAt.isEmpty()
        && !(command instanceof Command.Append)
        && replacedAt.containsKey(command.key())) {
      replacedAt.put(command.key(), mutations);
    }
  }

  private void forgetMemo() {
    verifiedAt.clear();
    replacedAt.clear();
  }

  /**
   * Executes request {@code seq} of {@code clientId} at most once. A duplicate gets the cached
   * result; a stale duplicate of an older request gets {@code null} and changes nothing.
   */
  public Result execute(String clientId, long seq, Command command) {
    return execute(clientId, seq, command, false);
  }

  /**
   * As {@link #execute(String, long, Command)}; with {@code cacheWhole} (the {@code
   * AMO_TABLE_WHOLE} rule switch, tests only) a large append result is cached whole, not as its
   * digest.
   */
  public Result execute(String clientId, long seq, Command command, boolean cacheWhole) {
    Objects.requireNonNull(clientId, "clientId");
    if (alreadyExecuted(clientId, seq)) {
      return cachedResult(clientId, seq);
    }
    Result result = store.execute(command);
    if (!command.isRead()) {
      mutations++;
      noteWrite(command);
      if (!verifiedAt.isEmpty()) {
        verifiedAt.remove(clientId); // its new entry has not been verified
      }
      putSession(
          clientId, new AmoEntry(seq, cacheWhole ? result : compact(command, result), sweeps));
    }
    return result;
  }

  /** What the table keeps of {@code result}: itself, or the digest of a large append result. */
  static Result compact(Command command, Result result) {
    if (command instanceof Command.Append a
        && result instanceof Result.Value v
        && v.value() != null
        && v.value().length() > CACHE_WHOLE_BYTES) {
      return new Result.AppendDigest(a.key(), v.value().length(), sha256(v.value()));
    }
    return result;
  }

  /**
   * The SHA-256 of a string's chars as bytes (a byte string's bytes; a char above 255, possible in
   * the simulator only, counts as its UTF-8), as a 32-char byte string.
   */
  static String sha256(String s) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    boolean bytesOnly = true;
    for (int i = 0; i < s.length() && bytesOnly; i++) {
      bytesOnly = s.charAt(i) <= 0xff;
    }
    byte[] digest =
        md.digest(s.getBytes(bytesOnly ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    return new String(digest, StandardCharsets.ISO_8859_1);
  }

  /** Executes without any at-most-once check (only for rule switches that break it on purpose). */
  public Result executeUnchecked(Command command) {
    mutations++;
    forgetMemo();
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
