package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the pages of {@link Command.Scan}s in a history (docs/design.md §4.4). The linearizability
 * checker's model is one key's value, so it cannot express a read of a key range; this checks a
 * weaker property of each page that came back, against the other ops of the history:
 *
 * <ul>
 *   <li><b>well formed:</b> the page is in strictly increasing order, within the scan's range
 *       (prefix, after the cursor) and its limit, and its cursor, if any, is its last key;
 *   <li><b>nothing lost:</b> a key in the range the page covers (up to its cursor, or to the end
 *       when it has none) that an acknowledged write (put, append, or a cas that swapped) set
 *       before the scan was called, and that no delete was called on before the scan returned,
 *       appears in the page;
 *   <li><b>nothing invented:</b> every key in the page was written by some op (acknowledged or not)
 *       called before the scan returned.
 * </ul>
 *
 * A page that misses a key written <em>during</em> the scan, or shows a key deleted during it,
 * passes: the check is sound (a linearizable history passes) but not complete.
 */
public final class ScanCheck {
  private ScanCheck() {}

  /** Returns the violations found, in words (empty when every page passes). */
  public static List<String> check(List<HistoryOp> history) {
    Map<String, List<HistoryOp>> byKey = new HashMap<>();
    List<HistoryOp> scans = new ArrayList<>();
    for (HistoryOp op : history) {
      if (op.command() instanceof Command.Scan) {
        scans.add(op);
      } else {
        byKey.computeIfAbsent(op.command().key(), k -> new ArrayList<>()).add(op);
      }
    }
    List<String> violations = new ArrayList<>();
    for (HistoryOp op : scans) {
      if (op.result() instanceof Result.Keys page) {
        checkPage(op, (Command.Scan) op.command(), page, byKey, violations);
      } else if (op.result() != null && !(op.result() instanceof Result.Error)) {
        violations.add("a scan answered " + op.result() + ", not a page of keys — " + op);
      }
    }
    return violations;
  }

  private static void checkPage(
      HistoryOp op,
      Command.Scan scan,
      Result.Keys page,
      Map<String, List<HistoryOp>> byKey,
      List<String> out) {
    List<String> keys = page.keys();
    if (keys.size() > scan.limit()) {
      out.add("a page holds " + keys.size() + " keys, over its limit — " + op);
    }
    for (int i = 0; i < keys.size(); i++) {
      String k = keys.get(i);
      if (!scan.covers(k)) {
        out.add("a page holds " + k + ", outside its range — " + op);
      }
      if (i > 0 && keys.get(i - 1).compareTo(k) >= 0) {
        out.add("a page is out of order at " + k + " — " + op);
      }
      if (byKey.getOrDefault(k, List.of()).stream()
          .noneMatch(w -> writes(w.command()) && w.callMicros() <= op.returnMicros())) {
        out.add("a page holds " + k + ", which nobody wrote before it — " + op);
      }
    }
    if (page.nextCursor() != null
        && (keys.isEmpty() || !page.nextCursor().equals(keys.get(keys.size() - 1)))) {
      out.add("a page's cursor is not its last key — " + op);
    }
    for (Map.Entry<String, List<HistoryOp>> e : byKey.entrySet()) {
      String k = e.getKey();
      if (!scan.covers(k)
          || (page.nextCursor() != null && k.compareTo(page.nextCursor()) > 0)
          || keys.contains(k)) {
        continue;
      }
      HistoryOp setBefore = null;
      boolean deleteMayRun = false;
      for (HistoryOp w : e.getValue()) {
        if (w.command() instanceof Command.Delete && w.callMicros() <= op.returnMicros()) {
          deleteMayRun = true;
        } else if (setBefore == null && w.returnMicros() < op.callMicros() && acknowledgedSet(w)) {
          setBefore = w;
        }
      }
      if (setBefore != null && !deleteMayRun) {
        out.add(
            "a page misses "
                + k
                + ", set by "
                + setBefore
                + " before the scan and never deleted — "
                + op);
      }
    }
  }

  private static boolean writes(Command c) {
    return c instanceof Command.Put
        || c instanceof Command.Append
        || c instanceof Command.CompareAndSet;
  }

  /** An op that returned having left its key present. */
  private static boolean acknowledgedSet(HistoryOp w) {
    Result r = w.result();
    if (w.command() instanceof Command.Put) {
      return r instanceof Result.Ok;
    } else if (w.command() instanceof Command.Append) {
      return r instanceof Result.Value || r instanceof Result.Ok;
    } else if (w.command() instanceof Command.CompareAndSet) {
      return r instanceof Result.CasResult c && c.swapped();
    }
    return false;
  }
}
