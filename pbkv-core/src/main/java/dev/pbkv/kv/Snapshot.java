package dev.pbkv.kv;

import java.util.Map;

/**
 * An immutable, consistent copy of the replicated state: the key-value data <em>and</em> the
 * at-most-once table (lecture: "state transfer must include RPC data"), with the number of
 * session-expiry sweeps executed so far (the table's clock, see {@link AmoApplication#sweep()}).
 */
public record Snapshot(Map<String, String> data, Map<String, AmoEntry> sessions, long sweeps) {
  public Snapshot {
    data = Map.copyOf(data);
    sessions = Map.copyOf(sessions);
    if (sweeps < 0) {
      throw new IllegalArgumentException("sweeps must be >= 0, got " + sweeps);
    }
  }

  /** A snapshot before any sweep. */
  public Snapshot(Map<String, String> data, Map<String, AmoEntry> sessions) {
    this(data, sessions, 0);
  }

  /** The snapshot of an empty store. */
  public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());

  /**
   * The same data without the at-most-once table (only for the {@code TRANSFER_WITHOUT_AMO} rule
   * switch).
   */
  public Snapshot withoutSessions() {
    return new Snapshot(data, Map.of(), sweeps);
  }

  @Override
  public String toString() {
    return "Snapshot["
        + data.size()
        + " keys, "
        + sessions.size()
        + " sessions, "
        + sweeps
        + " sweeps]";
  }
}
