package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A deliberately naive linearizability checker for small single-key histories, the reference the
 * fast checker is compared with: it tries every order (memoized only on the exact set placed and
 * the exact value), straight from the definitions.
 */
final class BruteForce {
  private final List<HistoryOp> ops = new ArrayList<>();
  private final Set<String> failed = new HashSet<>();

  private BruteForce(List<HistoryOp> history) {
    for (HistoryOp op : history) {
      if (!(op.result() instanceof Result.Error)) {
        ops.add(op);
      }
    }
  }

  /** Whether {@code history} (on any keys, checked as one register per key) is linearizable. */
  static boolean linearizable(List<HistoryOp> history) {
    return linearizableFrom(history, null);
  }

  /** The same, with every key starting at {@code initial} (null: absent). */
  static boolean linearizableFrom(List<HistoryOp> history, String initial) {
    java.util.Map<String, List<HistoryOp>> byKey = new java.util.TreeMap<>();
    for (HistoryOp op : history) {
      byKey.computeIfAbsent(op.command().key(), k -> new ArrayList<>()).add(op);
    }
    for (List<HistoryOp> keyOps : byKey.values()) {
      BruteForce b = new BruteForce(keyOps);
      if (b.ops.size() > 62) {
        throw new IllegalArgumentException("too many ops for the brute force");
      }
      if (!b.search(0L, initial)) {
        return false;
      }
    }
    return true;
  }

  private boolean search(long placed, String value) {
    boolean allDone = true;
    for (int i = 0; i < ops.size(); i++) {
      if ((placed & (1L << i)) == 0 && ops.get(i).result() != null) {
        allDone = false;
      }
    }
    if (allDone) {
      return true;
    }
    String memo = placed + "|" + value;
    if (failed.contains(memo)) {
      return false;
    }
    for (int i = 0; i < ops.size(); i++) {
      if ((placed & (1L << i)) != 0 || !mayGoNext(placed, i)) {
        continue;
      }
      HistoryOp op = ops.get(i);
      Object[] out = apply(op.command(), value);
      String after = (String) out[0];
      Result result = (Result) out[1];
      if (op.result() != null && !matches(op.command(), op.result(), result)) {
        continue;
      }
      if (search(placed | (1L << i), after)) {
        return true;
      }
    }
    failed.add(memo);
    return false;
  }

  /** No unplaced completed op returned strictly before op i was called. */
  private boolean mayGoNext(long placed, int i) {
    long call = ops.get(i).callMicros();
    for (int j = 0; j < ops.size(); j++) {
      HistoryOp q = ops.get(j);
      if (j != i && (placed & (1L << j)) == 0 && q.result() != null && q.returnMicros() < call) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(Command c, Result recorded, Result actual) {
    if (c instanceof Command.Append && recorded instanceof Result.Ok) {
      return true; // an append acknowledged without its new value
    }
    return recorded.equals(actual);
  }

  /** KvStore's semantics on a single value: {new value, result}. */
  static Object[] apply(Command c, String value) {
    if (c instanceof Command.Get) {
      return new Object[] {value, new Result.Value(value)};
    } else if (c instanceof Command.Put put) {
      return new Object[] {put.value(), Result.OK};
    } else if (c instanceof Command.Append append) {
      String v = (value == null ? "" : value) + append.value();
      return new Object[] {v, new Result.Value(v)};
    } else if (c instanceof Command.Delete) {
      return new Object[] {null, new Result.Deleted(value != null)};
    } else if (c instanceof Command.CompareAndSet cas) {
      if (Objects.equals(value, cas.expected())) {
        return new Object[] {cas.update(), new Result.CasResult(true, value)};
      }
      return new Object[] {value, new Result.CasResult(false, value)};
    }
    throw new IllegalArgumentException(String.valueOf(c));
  }
}
