package dev.pbkv.bench;

import dev.pbkv.history.CheckResult;
import dev.pbkv.history.HistoryFiles;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.history.LinearizabilityChecker;
import dev.pbkv.history.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The linearizability checker on the known histories of {@code
 * pbkv-lincheck/src/test/resources/histories} (average time of one {@link
 * LinearizabilityChecker#check} per history; loading the file is not measured). Run by hand: {@code
 * java -jar pbkv-bench/target/benchmarks.jar LinCheck}; another history with {@code -p
 * history=k1_n500_c20_seed1_lin}; the directory is found by walking up from the working directory,
 * or given with {@code -Dpbkv.histories=DIR} (passed to the fork with {@code -jvmArgsAppend}). The
 * setup checks the verdict first, so a wrong answer is never timed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LinCheckBenchmark {

  /** A history's file name without its extension. */
  @Param({"k10_n10k_seed1_lin", "c50-ok", "k1_n1000_seed1_lin", "k10_n10k_seed1_indet2_stale0.9"})
  public String history;

  private static final String IN_REPOSITORY = "pbkv-lincheck/src/test/resources/histories";

  private List<HistoryOp> ops;

  /** Loads the history and checks once that the checker gets its known verdict. */
  @Setup
  public void load() throws IOException {
    Path file = find(history);
    ops = HistoryFiles.read(file);
    CheckResult r = LinearizabilityChecker.check(ops, Duration.ofSeconds(60));
    Verdict expected =
        history.contains("-bad") || history.contains("stale") ? Verdict.ILLEGAL : Verdict.OK;
    if (r.verdict() != expected) {
      throw new IllegalStateException(history + ": expected " + expected + ", got " + r);
    }
  }

  /** One full check, explanation included for an illegal history. */
  @Benchmark
  public CheckResult check() {
    return LinearizabilityChecker.check(ops, Duration.ofSeconds(60));
  }

  private static Path find(String name) throws IOException {
    Path dir = histories();
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(f -> f.getFileName().toString().replaceFirst("\\.(txt|jsonl)$", "").equals(name))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no history " + name + " in " + dir));
    }
  }

  private static Path histories() {
    String given = System.getProperty("pbkv.histories");
    if (given != null) {
      return Path.of(given);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path candidate = p.resolve(IN_REPOSITORY);
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    throw new UncheckedIOException(
        new IOException(
            "no "
                + IN_REPOSITORY
                + " in or above the working directory; run from the repository or pass"
                + " -Dpbkv.histories=DIR"));
  }
}
