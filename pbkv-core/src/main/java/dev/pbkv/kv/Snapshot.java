package dev.pbkv.kv;

import java.util.Map;

/**
 * An immutable, consistent copy of the replicated state: the key-value data <em>and</em> the
 * at-most-once table (lecture: "state transfer must include RPC data").
 */
public record Snapshot(Map<String, String> data, Map<String, AmoEntry> sessions) {
  public Snapshot {
    data = Map.copyOf(data);
    sessions = Map.copyOf(sessions);
  }

  /** The snapshot of an empty store. */
  public static final Snapshot EMPTY = new Snapshot(Map.of(), Map.of());

  /**
   * The same data without the at-most-once table (only for the {@code TRANSFER_WITHOUT_AMO} rule
   * switch).
   */
  public Snapshot withoutSessions() {
    return new Snapshot(data, Map.of());
  }

  @Override
  public String toString() {
    return "Snapshot[" + data.size() + " keys, " + sessions.size() + " sessions]";
  }
}
