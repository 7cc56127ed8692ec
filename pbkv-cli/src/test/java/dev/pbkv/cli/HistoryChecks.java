package dev.pbkv.cli;

import dev.pbkv.history.AppendCheck;
import dev.pbkv.history.CheckResult;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.history.LinearizabilityChecker;
import dev.pbkv.net.PbkvClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The history checks as a list of violations (empty when the history passes). */
final class HistoryChecks {
  private HistoryChecks() {}

  static List<String> linearizability(List<HistoryOp> ops) {
    CheckResult r = LinearizabilityChecker.check(ops, Duration.ofSeconds(30));
    return r.passed() ? List.of() : List.of(r.verdict() + ": " + r.explanation());
  }

  /**
   * Reads every key of {@code w} back through {@code client} and checks {@code ops}, the workload's
   * history: nothing acknowledged lost or applied twice ({@link AppendCheck}), and linearizable.
   */
  static List<String> appendsAndLinearizability(
      Workload w, PbkvClient client, List<HistoryOp> ops) {
    Map<String, String> finalValues = new LinkedHashMap<>();
    for (int k = 0; k < w.keys; k++) {
      String value = client.get("k" + k);
      finalValues.put("k" + k, value == null ? "" : value);
    }
    List<String> violations = new ArrayList<>(AppendCheck.check(ops, finalValues));
    violations.addAll(linearizability(ops));
    return violations;
  }
}
