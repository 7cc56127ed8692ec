package dev.pbkv.history;

import dev.pbkv.kv.Command;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Explains why one key's sub-history is not linearizable: the smallest window of its ops found that
 * cannot be ordered, and the longest partial linearization the search reached.
 *
 * <p>The window: a run of ops contiguous in call order (the <em>core</em>), plus as optional writes
 * the ops that overlap it — earlier ones still running when its first op was called, later ones
 * called before its last completed op returned — checked from an <em>unknown</em> start value (a
 * state that allows everything any concrete value allows). A window that fails proves the whole
 * history is not linearizable: in any linearization, the stretch from the first core op to the last
 * completed one holds only window ops (every other earlier op returned before the core began, every
 * other later op was called after it ended), starting from some value; the optional ops and
 * indeterminate core ops outside that stretch are simply left out. Reads among the optional ops
 * change nothing and are dropped.
 *
 * <p>The search gives a hint for the end of the core (the last return it had to stop at, see {@link
 * KeySearch#prefixOps()}); the core then starts at the first op and is widened to the right until
 * it fails, then its start is moved right and its end left, each by galloping then bisecting.
 * Failure is not monotone in either bound, so this is a cheap heuristic: the window is locally, not
 * globally, minimal. It is bounded by the deadline; past it the last failing window is shown.
 */
final class Explainer {
  private static final int SHOW_LINEARIZATION = 12;
  private static final int SHOW_WINDOW = 40;
  private static final long WINDOW_CACHE_BYTES = 64L << 20;

  private Explainer() {}

  static String explain(KeyProblem p, KeySearch s, long deadline) {
    StringBuilder out = new StringBuilder();
    int indeterminate = 0;
    for (int i = 0; i < p.n; i++) {
      indeterminate += p.completed[i] ? 0 : 1;
    }
    out.append("key \"")
        .append(p.key)
        .append("\" is not linearizable (")
        .append(p.n)
        .append(" ops on it, ")
        .append(indeterminate)
        .append(" indeterminate; ")
        .append(s.configurations)
        .append(" configurations explored).\n");

    Window w = smallestWindow(p, s.prefixOps(), deadline);
    List<HistoryOp> shown = w.ops;
    out.append("Smallest window found that cannot be ordered (")
        .append(shown.size())
        .append(" ops")
        .append(w.fromStart ? ", from the initial absent value" : ", from any start value")
        .append(w.exhausted ? "; search for a smaller one ran out of time" : "")
        .append("):\n");
    appendOps(out, shown, w.optional);
    out.append(
        "  (in call order; ops marked optional overlap the window, so they may take effect in it"
            + " or not; every other op returned before the window began or was called after it"
            + " ended)\n");

    int len = Math.max(0, s.bestLen);
    out.append("Longest partial linearization found: ")
        .append(len)
        .append(" of ")
        .append(p.n)
        .append(" ops");
    if (len > SHOW_LINEARIZATION) {
      out.append(", the last ").append(SHOW_LINEARIZATION);
    }
    out.append(", with the value after each:\n");
    String value = null; // the real value, replayed (the search merges values nobody reads)
    for (int k = 0; k < len; k++) {
      HistoryOp op = p.ops[s.best[k]];
      value = apply(op.command(), value);
      if (k >= len - SHOW_LINEARIZATION) {
        out.append("  ")
            .append(k + 1)
            .append(". ")
            .append(op)
            .append("  => ")
            .append(describe(value))
            .append('\n');
      }
    }
    if (len == 0) {
      out.append("  (none: no op fits first)\n");
    }
    if (s.bestStuck >= 0 && s.bestStuckByLookahead) {
      out.append("Then stuck: ")
          .append(p.ops[s.bestStuck])
          .append(" can no longer find the value it needs, whatever goes next.");
    } else if (s.bestStuck >= 0) {
      out.append("Then stuck: ")
          .append(p.ops[s.bestStuck])
          .append(" has to be linearized before it returns, and no op that may go next fits.");
    } else {
      out.append("Then stuck: every continuation had already been explored and failed.");
    }
    return out.toString();
  }

  /** The value after {@code c} (with the semantics of {@link dev.pbkv.kv.KvStore}). */
  private static String apply(Command c, String value) {
    if (c instanceof Command.Put put) {
      return put.value();
    } else if (c instanceof Command.Append append) {
      return value == null ? append.value() : value + append.value();
    } else if (c instanceof Command.Delete) {
      return null;
    } else if (c instanceof Command.CompareAndSet cas) {
      return Objects.equals(value, cas.expected()) ? cas.update() : value;
    }
    return value;
  }

  private static String describe(String value) {
    if (value == null) {
      return "(absent)";
    }
    return "\"" + (value.length() > 80 ? "…" + value.substring(value.length() - 79) : value) + "\"";
  }

  private static void appendOps(StringBuilder out, List<HistoryOp> ops, Set<Integer> optional) {
    for (int i = 0; i < ops.size(); i++) {
      if (ops.size() > SHOW_WINDOW && i == SHOW_WINDOW / 2) {
        out.append("  … ").append(ops.size() - SHOW_WINDOW).append(" more …\n");
        i = ops.size() - SHOW_WINDOW / 2;
      }
      out.append("  ").append(ops.get(i));
      out.append(optional.contains(ops.get(i).id()) ? "   (optional)\n" : "\n");
    }
  }

  /**
   * A window of ops that cannot be ordered: {@code ops} in call order, of which those in {@code
   * optional} overlap the core from before or after it and may take effect in it or not at all.
   */
  private record Window(
      List<HistoryOp> ops, Set<Integer> optional, boolean fromStart, boolean exhausted) {}

  private static Window smallestWindow(KeyProblem p, int hint, long deadline) {
    Map<Long, Window> failed = new HashMap<>();
    int n = p.n;
    // The end: the first of hint, hint + 1, hint + 3, ... (then n) whose prefix core fails.
    int end = n;
    int tried = Math.max(1, Math.min(hint, n));
    for (int step = 1; tried < n; step *= 2) {
      Boolean f = test(p, 0, tried, deadline, failed);
      if (f == null) {
        return whole(p, failed, true);
      }
      if (f) {
        end = tried;
        break;
      }
      tried = Math.min(n, tried + step);
    }
    if (end == n && test(p, 0, n, deadline, failed) == null) {
      return whole(p, failed, true);
    }
    // The start: the largest found that still fails, galloping back from the end.
    int start = shrink(p, 0, end, true, deadline, failed);
    // The end again: the smallest found that still fails, galloping forward from the start.
    int last = shrink(p, start, end, false, deadline, failed);
    boolean exhausted = System.nanoTime() - deadline > 0;
    Window w = failed.get(key(start, last));
    if (w == null) {
      return whole(p, failed, exhausted);
    }
    return new Window(w.ops, w.optional, w.fromStart, exhausted);
  }

  /**
   * Moves one bound of the failing core [{@code a}, {@code b}) towards the other: the start right
   * ({@code moveStart}) or the end left; returns the new bound, whose core still fails.
   */
  private static int shrink(
      KeyProblem p, int a, int b, boolean moveStart, long deadline, Map<Long, Window> failed) {
    int good = moveStart ? a : b; // fails
    int bad = moveStart ? b : a; // an empty core: never fails
    for (int step = 1; ; step *= 2) {
      int x = moveStart ? b - step : a + step;
      if (moveStart ? x <= good : x >= good) {
        break;
      }
      Boolean f = moveStart ? test(p, x, b, deadline, failed) : test(p, a, x, deadline, failed);
      if (f == null) {
        return good;
      }
      if (f) {
        good = x;
        break;
      }
      bad = x;
    }
    while (Math.abs(bad - good) > 1) {
      int mid = (bad + good) >>> 1;
      Boolean f = moveStart ? test(p, mid, b, deadline, failed) : test(p, a, mid, deadline, failed);
      if (f == null) {
        return good;
      }
      if (f) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    return good;
  }

  private static Window whole(KeyProblem p, Map<Long, Window> failed, boolean exhausted) {
    Window w = failed.get(key(0, p.n));
    if (w != null) {
      return new Window(w.ops, w.optional, true, exhausted);
    }
    return new Window(List.of(p.ops), Set.of(), true, exhausted);
  }

  private static long key(int a, int b) {
    return (long) a << 32 | b;
  }

  /**
   * Whether the window with core ops [{@code a}, {@code b}) (in call order) cannot be ordered, from
   * any start value, or from the absent value when {@code a} is 0 (null when the deadline passed);
   * records a failing window in {@code failed}.
   */
  private static Boolean test(KeyProblem p, int a, int b, long deadline, Map<Long, Window> failed) {
    if (failed.containsKey(key(a, b))) {
      return Boolean.TRUE;
    }
    if (System.nanoTime() - deadline > 0) {
      return null;
    }
    int firstCall = p.callEntry[a];
    int lastReturn = -1;
    for (int i = a; i < b; i++) {
      lastReturn = Math.max(lastReturn, p.returnEntry[i]);
    }
    List<HistoryOp> ops = new ArrayList<>();
    Set<Integer> optional = new HashSet<>();
    for (int i = 0; i < p.n; i++) {
      HistoryOp op = p.ops[i];
      if (i >= a && i < b) {
        ops.add(op);
      } else if (!p.pure[i]
          && (i < a
              ? !p.completed[i] || p.returnEntry[i] > firstCall
              : p.callEntry[i] < lastReturn)) {
        ops.add(
            new HistoryOp(
                op.id(), op.client(), op.callMicros(), HistoryOp.NEVER, op.command(), null));
        optional.add(op.id());
      }
    }
    ops = Reduction.dropUnobservedWrites(ops);
    KeyProblem window = new KeyProblem(p.key, ops, a == 0 ? KeyProblem.ABSENT : KeyProblem.WILD);
    int outcome = new KeySearch(window).run(deadline, () -> false, WINDOW_CACHE_BYTES);
    if (outcome == KeySearch.UNKNOWN) {
      return null;
    }
    if (outcome == KeySearch.OK) {
      return Boolean.FALSE;
    }
    Map<Integer, HistoryOp> original = new HashMap<>();
    for (HistoryOp op : p.ops) {
      original.put(op.id(), op);
    }
    List<HistoryOp> shown = new ArrayList<>();
    for (HistoryOp op : window.ops) {
      shown.add(original.get(op.id()));
    }
    failed.put(key(a, b), new Window(shown, optional, a == 0, false));
    return Boolean.TRUE;
  }
}
