package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Records client operations as they are called and as they return. */
public final class History {
  private final List<HistoryOp> ops = new ArrayList<>();
  private final List<java.util.function.Consumer<HistoryOp>> listeners = new ArrayList<>();

  /** Tells {@code listener} about every call and every return from now on. */
  public void addListener(java.util.function.Consumer<HistoryOp> listener) {
    listeners.add(listener);
  }

  /** Records a call; returns its id for {@link #complete}. */
  public int call(String client, long callMicros, Command command) {
    int id = ops.size();
    HistoryOp op = new HistoryOp(id, client, callMicros, HistoryOp.NEVER, command, null);
    ops.add(op);
    listeners.forEach(l -> l.accept(op));
    return id;
  }

  /** Records that op {@code id} returned {@code result}. */
  public void complete(int id, long returnMicros, Result result) {
    HistoryOp op = ops.get(id);
    if (op.result() != null) {
      throw new IllegalStateException("op " + id + " returned twice");
    }
    HistoryOp done =
        new HistoryOp(id, op.client(), op.callMicros(), returnMicros, op.command(), result);
    ops.set(id, done);
    listeners.forEach(l -> l.accept(done));
  }

  public HistoryOp get(int id) {
    return ops.get(id);
  }

  /** Every op so far; those that have not returned are indeterminate. */
  public List<HistoryOp> ops() {
    return Collections.unmodifiableList(ops);
  }

  public int size() {
    return ops.size();
  }

  public long completedCount() {
    return ops.stream().filter(op -> !op.isIndeterminate()).count();
  }
}
