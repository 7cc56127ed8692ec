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

  /**
   * An op that executed, whose result the at-most-once table no longer holds (docs/design.md §4.3):
   * the answer to a retry of an append whose key has since been changed by something other than an
   * append. The op took effect exactly once; its result is lost.
   */
  record Unavailable() implements Result {
    @Override
    public String toString() {
      return "executed, result no longer available";
    }
  }

  /**
   * What the at-most-once table keeps of a large append's result instead of the value itself
   * (docs/design.md §4.3): the key, the result's length and a SHA-256 of it (32 bytes as a byte
   * string). Never sent to a client: a retry is answered with the key's current value cut to {@code
   * length} when its hash matches (appends only extend a value), else with {@link Unavailable}.
   */
  record AppendDigest(String key, int length, String sha256) implements Result {
    public AppendDigest {
      java.util.Objects.requireNonNull(key, "key");
      java.util.Objects.requireNonNull(sha256, "sha256");
      if (length < 0) {
        throw new IllegalArgumentException("length must be >= 0, got " + length);
      }
      if (sha256.length() != 32) {
        throw new IllegalArgumentException("a SHA-256 has 32 bytes, got " + sha256.length());
      }
    }

    @Override
    public String toString() {
      return "appended " + length + " bytes to " + key;
    }
  }

  Result OK = new Ok();
}
