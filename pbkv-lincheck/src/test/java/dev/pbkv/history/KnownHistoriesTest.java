package dev.pbkv.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every history in this module's test resources ({@code histories/}: Porcupine's test data and
 * pbkv's synthetic histories, see the README and NOTICE there) gets its known verdict: by name,
 * {@code *-ok}, {@code _lin} and {@code _indet2} are linearizable, {@code *-bad} and {@code stale*}
 * are not.
 */
class KnownHistoriesTest {
  private static final Duration BUDGET = Slowdown.scale(Duration.ofSeconds(30));

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

  /** The folder of known histories, from the test class path. */
  static Path locate() {
    URL url = KnownHistoriesTest.class.getResource("/histories");
    if (url == null) {
      return fail("no histories/ folder on the test class path (src/test/resources/histories)");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      return fail("cannot read the histories folder at " + url, e);
    }
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
