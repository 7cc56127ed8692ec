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
}
