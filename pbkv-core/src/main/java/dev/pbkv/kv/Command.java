package dev.pbkv.kv;

import java.util.Objects;

/**
 * An operation of the key-value application. Commands are immutable values; executing one on a
 * {@link KvStore} is deterministic.
 *
 * <p>Keys and values are bytes, held as byte strings: one char per byte, 0 to 255 ({@link
 * ByteStrings}). Over TCP only byte strings can be sent; the simulator and the model checker take
 * any string.
 */
public sealed interface Command {

  /** The key this command reads or writes. */
  String key();

  /** True for commands that never change the store (they need no at-most-once entry). */
  default boolean isRead() {
    return false;
  }

  /** Reads a key; the result is its value, or {@code null} when absent. */
  record Get(String key) implements Command {
    public Get {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public boolean isRead() {
      return true;
    }

    @Override
    public String toString() {
      return "get " + key;
    }
  }

  /** Sets a key's value. */
  record Put(String key, String value) implements Command {
    public Put {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return "put " + key + " " + value;
    }
  }

  /** Appends to a key's value (an absent key counts as empty); the result is the new value. */
  record Append(String key, String value) implements Command {
    public Append {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return "append " + key + " " + value;
    }
  }

  /** Removes a key; the result tells whether it was present. */
  record Delete(String key) implements Command {
    public Delete {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return "delete " + key;
    }
  }

  /**
   * Sets {@code key} to {@code update} only if its current value equals {@code expected} ({@code
   * null} expects the key to be absent).
   */
  record CompareAndSet(String key, String expected, String update) implements Command {
    public CompareAndSet {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(update, "update");
    }

    @Override
    public String toString() {
      return "cas " + key + " " + expected + " " + update;
    }
  }

  /**
   * Lists keys in order (docs/design.md §4.4): the keys that start with {@code prefix} and sort
   * after {@code after} ({@code null}: from the first), at most {@code limit} of them and at most
   * {@link #MAX_PAGE_BYTES} bytes of keys. The result is a {@link Result.Keys}: the page and the
   * cursor to pass as {@code after} for the next page ({@code null} when there is none). Keys sort
   * by {@link String#compareTo}, which for byte strings is unsigned byte order. A scan is a read:
   * it is forwarded to the backup like a get, so each page is linearizable on its own.
   */
  record Scan(String prefix, String after, int limit) implements Command {
    /** The most keys one page holds; a larger {@code limit} is refused. */
    public static final int MAX_PAGE_KEYS = 1000;

    /**
     * The most bytes of keys one page holds (the first key of a page always goes in, so a page is
     * at most this or one key, itself bounded by the frame limit).
     */
    public static final int MAX_PAGE_BYTES = 64 << 10;

    public Scan {
      Objects.requireNonNull(prefix, "prefix");
      if (limit < 1 || limit > MAX_PAGE_KEYS) {
        throw new IllegalArgumentException(
            "a scan's limit must be 1 to " + MAX_PAGE_KEYS + ", got " + limit);
      }
    }

    /** The prefix: a scan is filed under it where a history is split by key. */
    @Override
    public String key() {
      return prefix;
    }

    @Override
    public boolean isRead() {
      return true;
    }

    /**
     * Whether {@code key} is in this scan's range: it has the prefix and sorts after the cursor.
     */
    public boolean covers(String key) {
      return key.startsWith(prefix) && (after == null || key.compareTo(after) > 0);
    }

    @Override
    public String toString() {
      return "scan "
          + (prefix.isEmpty() ? "''" : prefix)
          + (after == null ? "" : " after " + after)
          + " limit "
          + limit;
    }
  }
}
