package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The README's main command, end to end: real processes, two SIGKILLed primaries, lost = 0. */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemoIT {
  @Test
  void when_theDemoRuns_then_twoFailoversHappen_andNothingIsLost() throws IOException {
    MainTest.Run r = MainTest.run("demo");
    System.out.println(r.out());
    if (r.exit() != 0) {
      System.out.println(keptLogTails(r.out())); // the demo keeps its logs when it fails
    }
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("killing the primary", "started a fresh, empty server", "2 failovers", "lost = 0")
        .doesNotContain("FAILED");
  }

  /**
   * {@code pbkv demo --ha} (about a minute of processes, so behind {@code -Dpbkv.it.demoHa=true};
   * ReplicatedViewServiceIT covers the same failures in CI): the leader and the primary killed at
   * once, twice; lost = 0.
   */
  @Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(
      named = "pbkv.it.demoHa",
      matches = "true")
  void when_theHaDemoRuns_then_leaderAndPrimaryFailTwice_andNothingIsLost() throws IOException {
    MainTest.Run r = MainTest.run("demo", "--ha");
    System.out.println(r.out());
    if (r.exit() != 0) {
      System.out.println(keptLogTails(r.out()));
    }
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("leader change:", "failover 2: kill -> new leader", "lost = 0")
        .doesNotContain("FAILED");
  }

  @Test
  void when_theDemoRunsWithTls_then_theSameHappens_overTlsWithAuthentication() throws IOException {
    MainTest.Run r = MainTest.run("demo", "--tls");
    System.out.println(r.out());
    if (r.exit() != 0) {
      System.out.println(keptLogTails(r.out()));
    }
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("TLS on every connection", "killing the primary", "2 failovers", "lost = 0")
        .doesNotContain("FAILED");
  }

  /** The last lines of every log in the folder a failed demo names ("process logs kept in"). */
  private static String keptLogTails(String out) throws IOException {
    Matcher m = Pattern.compile("process logs kept in (\\S+)").matcher(out);
    if (!m.find()) {
      return "(the demo kept no logs)";
    }
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(Path.of(m.group(1)))) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        sb.append("--- ").append(log.getFileName()).append('\n');
        lines
            .subList(Math.max(0, lines.size() - LogTailsOnFailure.LINES), lines.size())
            .forEach(l -> sb.append(l).append('\n'));
      }
    }
    return sb.toString();
  }
}
