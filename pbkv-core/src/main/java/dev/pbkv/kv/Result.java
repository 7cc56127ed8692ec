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

  /** The command could not be executed (for example, it is unknown). */
  record Error(String message) implements Result {
    @Override
    public String toString() {
      return "error: " + message;
    }
  }

  Result OK = new Ok();
}
