package dev.pbkv.cli;

import dev.pbkv.history.CheckResult;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.history.LinearizabilityChecker;
import java.time.Duration;
import java.util.List;

/** The linearizability check as a list of violations (empty when the history passes). */
final class HistoryChecks {
  private HistoryChecks() {}

  static List<String> linearizability(List<HistoryOp> ops) {
    CheckResult r = LinearizabilityChecker.check(ops, Duration.ofSeconds(30));
    return r.passed() ? List.of() : List.of(r.verdict() + ": " + r.explanation());
  }
}
