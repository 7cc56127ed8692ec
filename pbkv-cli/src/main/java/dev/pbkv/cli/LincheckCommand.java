package dev.pbkv.cli;

import dev.pbkv.history.CheckResult;
import dev.pbkv.history.HistoryFiles;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.history.LinearizabilityChecker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv lincheck FILE}: is a recorded history linearizable? */
@Command(
    name = "lincheck",
    header = "Check whether a recorded key-value history is linearizable.",
    footer = {
      "",
      "Example:  pbkv lincheck pbkv-lincheck/src/test/resources/histories/porcupine-kv/c50-bad.txt"
    },
    mixinStandardHelpOptions = true,
    description = {
      "Reads a history of client operations (Jepsen/Porcupine EDN lines, the synthetic JSON Lines",
      "of pbkv-lincheck/src/test/resources/histories, or pbkv's own JSON Lines; the format is",
      "detected) and checks it key by key with a Wing & Gong search and Lowe's memoization. Prints OK, ILLEGAL (with the key, the",
      "smallest window of ops that cannot be ordered and the longest partial linearization) or",
      "UNKNOWN when the time budget runs out. Exit code 0 for OK, 1 for ILLEGAL, 3 for UNKNOWN."
    })
final class LincheckCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "the history file")
  Path file;

  @Option(
      names = "--time",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "time budget (default: 60s)")
  long budgetMillis = 60_000;

  @Option(names = "--json", description = "print one JSON object instead (docs/json.md)")
  boolean json;

  @Override
  public Integer call() {
    FileChecks.readable(file);
    List<HistoryOp> history;
    try {
      history = HistoryFiles.read(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new UserError(file + ": not a history (not UTF-8 text)");
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage());
    }
    CheckResult r = LinearizabilityChecker.check(history, Duration.ofMillis(budgetMillis));
    // OK 0; ILLEGAL is a failed outcome, 1; UNKNOWN is undecided (the budget ran out), 3
    int exit = r.passed() ? 0 : r.verdict() == dev.pbkv.history.Verdict.UNKNOWN ? 3 : 1;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
      o.put("file", file.toString());
      o.put("verdict", r.verdict().name());
      o.put("ops", r.ops());
      o.put("keys", r.keys());
      o.put("elapsed_ms", r.elapsedMicros() / 1000.0);
      o.put("key", r.key());
      o.put("explanation", r.explanation());
      o.put("exit", exit);
      Json.print(o, out);
      return exit;
    }
    out.printf(
        Locale.ROOT,
        "%s: %s — %d ops on %d keys, checked in %.1f ms%n",
        file.getFileName(),
        r.verdict(),
        r.ops(),
        r.keys(),
        r.elapsedMicros() / 1000.0);
    if (!r.passed()) {
      out.println(r.explanation());
    }
    return exit;
  }
}
