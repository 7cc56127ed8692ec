package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.KvStore;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Small random histories for differential tests: a real execution (each op takes effect at a random
 * point inside its interval, results from {@link KvStore}), then optionally corrupted, with some
 * ops left indeterminate, few values (so reads often collide) and coarse times (so ties).
 */
final class RandomHistories {
  private RandomHistories() {}

  static List<HistoryOp> generate(Random rnd, int n, int keys) {
    record Planned(
        int id,
        long call,
        long ret,
        long point,
        Command command,
        boolean indeterminate,
        boolean happens) {}
    List<Planned> planned = new ArrayList<>();
    String[] vals = {"a", "b", "ab", "c"};
    for (int i = 0; i < n; i++) {
      String key = "k" + rnd.nextInt(keys);
      long call = rnd.nextInt(12);
      long ret = call + rnd.nextInt(6);
      long point = call + (ret > call ? rnd.nextInt((int) (ret - call) + 1) : 0);
      Command command =
          switch (rnd.nextInt(9)) {
            case 0, 1 -> new Command.Get(key);
            case 2, 3 -> new Command.Put(key, vals[rnd.nextInt(vals.length)]);
            case 4, 5 -> new Command.Append(key, vals[rnd.nextInt(3)]);
            case 6 -> new Command.Delete(key);
            default ->
                new Command.CompareAndSet(
                    key,
                    rnd.nextInt(4) == 0 ? null : vals[rnd.nextInt(vals.length)],
                    vals[rnd.nextInt(vals.length)]);
          };
      boolean indeterminate = rnd.nextInt(6) == 0;
      boolean happens = !indeterminate || rnd.nextBoolean();
      if (indeterminate && happens) {
        point = call + rnd.nextInt(20);
      }
      planned.add(new Planned(i, call, ret, point, command, indeterminate, happens));
    }
    List<Planned> order = new ArrayList<>(planned);
    order.sort(Comparator.comparingLong(Planned::point).thenComparingInt(p -> rnd.nextInt(1000)));
    KvStore store = new KvStore();
    Result[] results = new Result[n];
    for (Planned p : order) {
      if (p.happens()) {
        results[p.id()] = store.execute(p.command());
      }
    }
    List<HistoryOp> history = new ArrayList<>();
    boolean corrupt = rnd.nextInt(3) == 0;
    for (Planned p : planned) {
      Result r = p.indeterminate() ? null : results[p.id()];
      if (r != null && p.command() instanceof Command.Append && rnd.nextInt(3) == 0) {
        r = Result.OK; // acknowledged without its value, as in external histories
      }
      if (r != null && corrupt && rnd.nextInt(4) == 0) {
        r = corrupt(rnd, p.command(), vals);
      }
      history.add(
          new HistoryOp(
              p.id(),
              "c" + p.id(),
              p.call(),
              p.indeterminate() ? HistoryOp.NEVER : p.ret(),
              p.command(),
              r));
    }
    return history;
  }

  private static Result corrupt(Random rnd, Command c, String[] vals) {
    String v = rnd.nextInt(5) == 0 ? null : vals[rnd.nextInt(vals.length)];
    if (c instanceof Command.Get) {
      return new Result.Value(v);
    } else if (c instanceof Command.Append append) {
      return new Result.Value((v == null ? "" : v) + append.value());
    } else if (c instanceof Command.Delete) {
      return new Result.Deleted(rnd.nextBoolean());
    } else if (c instanceof Command.CompareAndSet cas) {
      boolean swapped = rnd.nextBoolean();
      return new Result.CasResult(swapped, swapped ? cas.expected() : v);
    }
    return Result.OK;
  }
}
