package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.List;

/** A tiny builder of hand-written histories: each method adds one op with the next id. */
final class Ops {
  private final List<HistoryOp> ops = new ArrayList<>();

  List<HistoryOp> list() {
    return List.copyOf(ops);
  }

  private Ops add(String client, long call, long ret, Command c, Result r) {
    ops.add(new HistoryOp(ops.size(), client, call, r == null ? HistoryOp.NEVER : ret, c, r));
    return this;
  }

  /** A get that returned {@code value} (null: absent). */
  Ops get(String client, String key, long call, long ret, String value) {
    return add(client, call, ret, new Command.Get(key), new Result.Value(value));
  }

  /** A get that never returned. */
  Ops getUnknown(String client, String key, long call) {
    return add(client, call, HistoryOp.NEVER, new Command.Get(key), null);
  }

  Ops put(String client, String key, String value, long call, long ret) {
    return add(client, call, ret, new Command.Put(key, value), Result.OK);
  }

  Ops putUnknown(String client, String key, String value, long call) {
    return add(client, call, HistoryOp.NEVER, new Command.Put(key, value), null);
  }

  /** An append that returned the new value {@code result}. */
  Ops append(String client, String key, String value, long call, long ret, String result) {
    return add(client, call, ret, new Command.Append(key, value), new Result.Value(result));
  }

  /** An append acknowledged without its new value (as in external histories). */
  Ops appendOk(String client, String key, String value, long call, long ret) {
    return add(client, call, ret, new Command.Append(key, value), Result.OK);
  }

  Ops appendUnknown(String client, String key, String value, long call) {
    return add(client, call, HistoryOp.NEVER, new Command.Append(key, value), null);
  }

  Ops delete(String client, String key, long call, long ret, boolean existed) {
    return add(client, call, ret, new Command.Delete(key), new Result.Deleted(existed));
  }

  Ops deleteUnknown(String client, String key, long call) {
    return add(client, call, HistoryOp.NEVER, new Command.Delete(key), null);
  }

  Ops cas(
      String client,
      String key,
      String expected,
      String update,
      long call,
      long ret,
      boolean swapped,
      String previous) {
    return add(
        client,
        call,
        ret,
        new Command.CompareAndSet(key, expected, update),
        new Result.CasResult(swapped, previous));
  }

  Ops casUnknown(String client, String key, String expected, String update, long call) {
    return add(
        client, call, HistoryOp.NEVER, new Command.CompareAndSet(key, expected, update), null);
  }

  /** Any op with any result, for odd cases. */
  Ops raw(String client, long call, long ret, Command c, Result r) {
    return add(client, call, ret, c, r);
  }
}
