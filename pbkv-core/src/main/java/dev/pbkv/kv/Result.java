package dev.pbkv.kv;

/** The outcome of executing a {@link Command}. Results are immutable values. */
public sealed interface Result {

  /** A value read or produced; {@code value} is {@code null} for an absent key. */
  record Value(String value) implements Result {
    @Override
    public String toString() {
      return value == null ? "(absent)" : "\"" + value + "\"";
    }
  }

  /** A write that succeeded and returns no value. */
  record Ok() implements Result {
    @Override
    public String toString() {
      return "ok";
    }
  }

  /** The outcome of a delete: whether the key was present. */
  record Deleted(boolean existed) implements Result {
    @Override
    public String toString() {
      return existed ? "deleted" : "not found";
    }
  }

  /** The outcome of a compare-and-set: whether it swapped, and the value it found. */
  record CasResult(boolean swapped, String previous) implements Result {
    @Override
    public String toString() {
      return (swapped ? "swapped, was " : "not swapped, is ")
          + (previous == null ? "(absent)" : "\"" + previous + "\"");
    }
  }

  /**
   * A page of keys from a {@link Command.Scan}, in order; {@code nextCursor} is the last key of the
   * page when more keys may follow ({@code null}: the scan has reached the end of its range).
   */
  record Keys(java.util.List<String> keys, String nextCursor) implements Result {
    public Keys {
      keys = java.util.List.copyOf(keys);
    }

    @Override
    public String toString() {
      return keys + (nextCursor == null ? "" : " more after " + nextCursor);
    }
  }

  /** The command could not be executed (for example, it is unknown). */
  record Error(String message) implements Result {
    @Override
    public String toString() {
      return "error: " + message;
    }
  }

  Result OK = new Ok();
}
