package dev.pbkv.kv;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The key-value application: a map from keys to values and a deterministic {@link
 * #execute(Command)}.
 *
 * <p>The map is a {@link HashMap} for speed; it is only ever read by key, compared as a whole, or
 * copied as a whole, so its iteration order never influences the protocol.
 */
public final class KvStore {
  private final HashMap<String, String> data;

  public KvStore() {
    this.data = new HashMap<>();
  }

  private KvStore(Map<String, String> data) {
    this.data = new HashMap<>(data);
  }

  /** A store holding a copy of {@code data}. */
  public static KvStore of(Map<String, String> data) {
    return new KvStore(data);
  }

  /** Executes {@code command}; an unknown command is an error, never a silent no-op. */
  public Result execute(Command command) {
    Objects.requireNonNull(command, "command");
    if (command instanceof Command.Get get) {
      return new Result.Value(data.get(get.key()));
    } else if (command instanceof Command.Put put) {
      data.put(put.key(), put.value());
      return Result.OK;
    } else if (command instanceof Command.Append append) {
      String updated = data.merge(append.key(), append.value(), String::concat);
      return new Result.Value(updated);
    } else if (command instanceof Command.Delete delete) {
      return new Result.Deleted(data.remove(delete.key()) != null);
    } else if (command instanceof Command.CompareAndSet cas) {
      String current = data.get(cas.key());
      if (Objects.equals(current, cas.expected())) {
        data.put(cas.key(), cas.update());
        return new Result.CasResult(true, current);
      }
      return new Result.CasResult(false, current);
    }
    throw new IllegalArgumentException("unknown command: " + command);
  }

  /** The value of {@code key}, or {@code null}. */
  public String get(String key) {
    return data.get(key);
  }

  public int size() {
    return data.size();
  }

  /** An immutable copy of the contents. */
  public Map<String, String> copyOfData() {
    return Map.copyOf(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvStore other && data.equals(other.data);
  }

  @Override
  public int hashCode() {
    return data.hashCode();
  }

  @Override
  public String toString() {
    return "KvStore" + new java.util.TreeMap<>(data);
  }
}
