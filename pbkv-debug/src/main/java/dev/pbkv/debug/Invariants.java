package dev.pbkv.debug;

import dev.pbkv.history.CheckResult;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.history.LinearizabilityChecker;
import dev.pbkv.history.Verdict;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The invariants the debugger checks after every step (docs/design.md §9), by name:
 *
 * <ul>
 *   <li>{@value #ONE_PRIMARY}: never do two servers answer clients in the same view (as the
 *       simulator's {@code PrimaryPerViewCheck});
 *   <li>{@value #LINEARIZABLE}: the clients' ops so far, with their results, are linearizable (the
 *       real checker of pbkv-lincheck; an op's call and return are ordered by step);
 *   <li>{@value #NOTHING_LOST}: once the primary of the view service's current view serves, its
 *       store is one the acknowledged ops allow — a read of every written key there, right now,
 *       keeps the history linearizable. A write acknowledged to a client and missing from the new
 *       primary shows here as soon as it serves, before any client reads it.
 * </ul>
 */
final class Invariants {
  static final String ONE_PRIMARY = "one primary per view";
  static final String LINEARIZABLE = "linearizable so far";
  static final String NOTHING_LOST = "nothing lost";

  /** The names, in the order the page shows them. */
  static final List<String> NAMES = List.of(ONE_PRIMARY, LINEARIZABLE, NOTHING_LOST);

  /** Budget of one linearizability check; a check that runs out is "unknown", not broken. */
  static final Duration BUDGET = Duration.ofSeconds(2);

  private Invariants() {}

  /** The invariants {@code s} breaks, each with why, in {@link #NAMES} order. */
  static Map<String, String> check(World.Snapshot s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s.primaryConflict() != null) {
      out.put(ONE_PRIMARY, s.primaryConflict());
    }
    List<HistoryOp> history = history(s.ops());
    if (!history.isEmpty()) {
      CheckResult r = LinearizabilityChecker.check(history, BUDGET);
      if (r.verdict() == Verdict.ILLEGAL) {
        out.put(
            LINEARIZABLE,
            "no order of the clients' ops explains their results (times are 2 × step numbers)\n"
                + r.explanation());
      }
    }
    String lost = nothingLost(s, history);
    if (lost != null) {
      out.put(NOTHING_LOST, lost);
    }
    return out;
  }

  /** The ops as a history: op k called at time 2·step+1, returned at 2·step. */
  private static List<HistoryOp> history(List<World.Op> ops) {
    List<HistoryOp> out = new ArrayList<>(ops.size());
    int id = 0;
    for (World.Op op : ops) {
      out.add(
          new HistoryOp(
              id++,
              op.client().name(),
              2L * op.callStep() + 1,
              op.returned() ? 2L * op.returnStep() : HistoryOp.NEVER,
              op.command(),
              op.result()));
    }
    return out;
  }

  private static String nothingLost(World.Snapshot s, List<HistoryOp> history) {
    TreeSet<String> written = new TreeSet<>();
    for (HistoryOp op : history) {
      if (!op.command().isRead() && op.result() != null) {
        written.add(op.command().key());
      }
    }
    if (written.isEmpty()) {
      return null;
    }
    View view = null;
    for (int i = 0; i < s.cast().size(); i++) {
      if (s.node(i) instanceof ViewServer vs) {
        view = vs.view();
      }
    }
    if (view == null || view.primary() == null) {
      return null;
    }
    int p = s.cast().indexOf(view.primary());
    Node n = p < 0 ? null : s.node(p);
    if (!(n instanceof PbServer primary)
        || !primary.isServing()
        || primary.view().viewNum() != view.viewNum()) {
      return null;
    }
    List<HistoryOp> withReads = new ArrayList<>(history);
    long now = 2L * s.step() + 1;
    int id = history.size();
    List<String> values = new ArrayList<>();
    for (String key : written) {
      String value = primary.valueOf(key);
      withReads.add(
          new HistoryOp(
              id++,
              "(" + view.primary() + "'s store)",
              now,
              now + 1,
              new Command.Get(key),
              new Result.Value(value)));
      values.add(key + " = " + (value == null ? "(absent)" : "\"" + value + "\""));
    }
    CheckResult r = LinearizabilityChecker.check(withReads, BUDGET);
    if (r.verdict() != Verdict.ILLEGAL) {
      return null;
    }
    Address a = view.primary();
    return a
        + " is the primary of view "
        + view.viewNum()
        + " and serves, but its store ("
        + String.join(", ", values)
        + ") is not what the acknowledged ops leave: an acknowledged write is lost\n"
        + r.explanation();
  }
}
