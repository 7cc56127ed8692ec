package dev.pbkv.sim;

import dev.pbkv.history.History;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.kv.Result;

/** A client operation submitted in the simulator: whether it returned, and with what. */
public final class OpHandle {
  private final History history;
  private final int id;

  OpHandle(History history, int id) {
    this.history = history;
    this.id = id;
  }

  public boolean isDone() {
    return !history.get(id).isIndeterminate();
  }

  /** The result, or {@code null} while the op has not returned. */
  public Result result() {
    return history.get(id).result();
  }

  public HistoryOp op() {
    return history.get(id);
  }

  @Override
  public String toString() {
    return op().toString();
  }
}
