package dev.pbkv.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every history in {@code shared/histories} (beside the repository) gets its known verdict: by
 * name, {@code *-ok}, {@code _lin} and {@code _indet2} are linearizable, {@code *-bad} and {@code
 * stale*} are not.
 */
class KnownHistoriesTest {
  private static final Duration BUDGET = Duration.ofSeconds(30);

  static Stream<Path> histories() throws IOException {
    Path dir = locate();
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all =
          files
              .filter(Files::isRegularFile)
              .filter(f -> f.toString().endsWith(".txt") || f.toString().endsWith(".jsonl"))
              .sorted()
              .toList();
      assertThat(all).as("history files in " + dir).hasSizeGreaterThanOrEqualTo(17);
      return all.stream();
    }
  }

  /** Walks up from the working directory to a directory holding {@code shared/histories}. */
  static Path locate() {
    Path start = Path.of("").toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("histories");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return fail(
        "no shared/histories directory above "
            + start
            + ": the known histories live in shared/histories beside the repository");
  }

  static Verdict expected(String name) {
    if (name.contains("-bad") || name.contains("stale")) {
      return Verdict.ILLEGAL;
    }
    if (name.contains("-ok") || name.contains("_lin") || name.contains("_indet2")) {
      return Verdict.OK;
    }
    throw new IllegalArgumentException("no known verdict for " + name);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void when_aKnownHistoryIsChecked_then_itGetsItsKnownVerdict(Path file) throws IOException {
    List<HistoryOp> history = HistoryFiles.read(file);
    CheckResult r = LinearizabilityChecker.check(history, BUDGET);
    String name = file.getFileName().toString();
    assertThat(r.verdict()).as(name + ": " + r).isEqualTo(expected(name));
    assertThat(r.ops()).isEqualTo(history.size());
    if (r.verdict() == Verdict.ILLEGAL) {
      assertThat(r.key()).isNotNull();
      assertThat(r.explanation()).contains("key \"" + r.key() + "\"").contains("window");
    }
  }
}
