package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The "nothing lost" check for append-only workloads, where every append adds a unique token ending
 * in {@code ';'}. Given the history and the final value of every key it verifies: every
 * acknowledged token is present exactly once, an indeterminate one at most once, no unknown token
 * appears, every returned value (append or get) is a prefix of the final value, an append's result
 * ends with its own token, and reads never go back in time (an op that starts after another
 * returned sees at least as much).
 */
public final class AppendCheck {
  private AppendCheck() {}

  /** Returns the violations found, in words (empty when the history passes). */
  public static List<String> check(List<HistoryOp> history, Map<String, String> finalValues) {
    List<String> violations = new ArrayList<>();
    Map<String, List<HistoryOp>> byKey = new TreeMap<>();
    for (HistoryOp op : history) {
      if (op.command() instanceof Command.Append || op.command() instanceof Command.Get) {
        byKey.computeIfAbsent(op.command().key(), k -> new ArrayList<>()).add(op);
      } else {
        violations.add("not an append-only history: " + op);
      }
    }
    for (Map.Entry<String, List<HistoryOp>> e : byKey.entrySet()) {
      checkKey(e.getKey(), e.getValue(), finalValues.getOrDefault(e.getKey(), ""), violations);
    }
    return violations;
  }

  private static void checkKey(
      String key, List<HistoryOp> ops, String finalValue, List<String> out) {
    Map<String, Integer> occurrences = new HashMap<>();
    for (String token : tokens(finalValue)) {
      occurrences.merge(token, 1, Integer::sum);
    }
    Map<String, HistoryOp> appended = new HashMap<>();
    for (HistoryOp op : ops) {
      if (op.command() instanceof Command.Append append) {
        String token = append.value();
        appended.put(token, op);
        int n = occurrences.getOrDefault(token, 0);
        if (!op.isIndeterminate() && n != 1) {
          out.add(
              key
                  + ": acknowledged append "
                  + token
                  + " is present "
                  + n
                  + " times in the final"
                  + " value — "
                  + op);
        } else if (op.isIndeterminate() && n > 1) {
          out.add(key + ": indeterminate append " + token + " is present " + n + " times — " + op);
        }
      }
    }
    for (Map.Entry<String, Integer> occ : occurrences.entrySet()) {
      if (!appended.containsKey(occ.getKey())) {
        out.add(key + ": final value holds " + occ.getKey() + ", which nobody appended");
      }
    }
    List<HistoryOp> done = new ArrayList<>();
    for (HistoryOp op : ops) {
      if (op.isIndeterminate()) {
        continue;
      }
      String seen = valueOf(op.result());
      if (seen == null || !finalValue.startsWith(seen)) {
        out.add(
            key
                + ": "
                + op
                + " saw a value that is not a prefix of the final value \""
                + finalValue
                + "\"");
        continue;
      }
      if (op.command() instanceof Command.Append append && !seen.endsWith(append.value())) {
        out.add(key + ": " + op + " returned a value that does not end with its own token");
      }
      done.add(op);
    }
    // Real-time order: an op that starts after another returned must see at least as much.
    done.sort((x, y) -> Long.compare(x.returnMicros(), y.returnMicros()));
    int n = done.size();
    long[] returns = new long[n];
    int[] longestSoFar = new int[n]; // index of the op with the longest result among done[0..i]
    for (int i = 0; i < n; i++) {
      returns[i] = done.get(i).returnMicros();
      int len = valueOf(done.get(i).result()).length();
      longestSoFar[i] =
          i > 0 && valueOf(done.get(longestSoFar[i - 1]).result()).length() >= len
              ? longestSoFar[i - 1]
              : i;
    }
    for (HistoryOp later : done) {
      int before = lastBefore(returns, later.callMicros());
      if (before >= 0) {
        HistoryOp earlier = done.get(longestSoFar[before]);
        if (valueOf(earlier.result()).length() > valueOf(later.result()).length()) {
          out.add(
              key
                  + ": "
                  + later
                  + " went back in time: it started after "
                  + earlier
                  + " returned, but sees less");
        }
      }
    }
  }

  /** The last index whose value is below {@code limit} in the sorted {@code values}, or -1. */
  private static int lastBefore(long[] values, long limit) {
    int lo = 0;
    int hi = values.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] < limit) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private static String valueOf(Result result) {
    if (result instanceof Result.Value v) {
      return v.value() == null ? "" : v.value();
    }
    return null;
  }

  static List<String> tokens(String value) {
    List<String> tokens = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == ';') {
        tokens.add(value.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < value.length()) {
      tokens.add(value.substring(start)); // an unterminated fragment is a token nobody appended
    }
    return tokens;
  }
}
