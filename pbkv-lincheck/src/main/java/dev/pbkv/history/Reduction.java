package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Drops indeterminate writes that no op can have observed, from one key's ops; the result is
 * linearizable iff the input is.
 *
 * <p>An indeterminate put of {@code v} (or a compare-and-set that would store {@code v}) leaves the
 * key holding a value that starts with {@code v} until the next overwrite: appends only extend it.
 * If no completed op saw a value starting with {@code v} (a read, an append's result, a
 * compare-and-set's previous or expected value) and no delete reported the key present, then in a
 * linearization where the write took effect nothing between it and the next overwrite observed it,
 * so removing it (and any indeterminate compare-and-set that it enabled) leaves a valid
 * linearization. Likewise an indeterminate append of {@code t}: the value contains {@code t} until
 * the next overwrite, so if no observed value contains {@code t}, it can be dropped. Dropping one
 * op only shrinks the set of observed values, so the others stay droppable.
 */
final class Reduction {
  private Reduction() {}

  /** {@code keyOps} without the indeterminate writes nobody observed (the same list if none). */
  static List<HistoryOp> dropUnobservedWrites(List<HistoryOp> keyOps) {
    boolean anyIndeterminateWrite = false;
    for (HistoryOp op : keyOps) {
      if (op.result() == null && !(op.command() instanceof Command.Delete)) {
        anyIndeterminateWrite = true;
        break;
      }
    }
    if (!anyIndeterminateWrite) {
      return keyOps;
    }
    Set<String> observed = new LinkedHashSet<>();
    for (HistoryOp op : keyOps) {
      Result r = op.result();
      if (r instanceof Result.Deleted d && d.existed()) {
        return keyOps; // presence alone was observed: keep everything
      }
      if (r instanceof Result.Value v && v.value() != null) {
        observed.add(v.value());
      } else if (r instanceof Result.CasResult cr && cr.previous() != null) {
        observed.add(cr.previous());
      }
      if (op.command() instanceof Command.CompareAndSet cas && cas.expected() != null) {
        observed.add(cas.expected());
      }
    }
    List<HistoryOp> kept = new ArrayList<>(keyOps.size());
    for (HistoryOp op : keyOps) {
      if (op.result() == null && unobserved(op.command(), observed)) {
        continue;
      }
      kept.add(op);
    }
    return kept;
  }

  private static boolean unobserved(Command command, Set<String> observed) {
    if (command instanceof Command.Put put) {
      return observed.stream().noneMatch(s -> s.startsWith(put.value()));
    }
    if (command instanceof Command.CompareAndSet cas) {
      return observed.stream().noneMatch(s -> s.startsWith(cas.update()));
    }
    if (command instanceof Command.Append append) {
      return observed.stream().noneMatch(s -> s.contains(append.value()));
    }
    return false;
  }
}
