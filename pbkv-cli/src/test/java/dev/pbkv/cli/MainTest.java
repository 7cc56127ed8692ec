package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {
  /** What a command printed and its exit code. */
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * picocli makes every command when the CLI starts, whatever command runs: a command that built
   * JSON in a field initializer made every process, servers too, load Jackson (about 490 classes),
   * and under load the extra metaspace made the servers' heap shrink (README, "Against an earlier
   * build"). A fresh JVM runs {@code pbkv server --help} and logs every class it initializes.
   */
  @Test
  void when_theCliStarts_then_jsonOutputIsNotInitialized() throws Exception {
    Process p =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+init=info:stdout",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "server",
                "--help")
            .redirectErrorStream(true)
            .start();
    String log =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    assertThat(log).contains("Initializing 'dev/pbkv/cli/ServerCommand'"); // the log works
    assertThat(log)
        .doesNotContain("Initializing 'dev/pbkv/cli/Json'")
        .doesNotContain("Initializing 'com/fasterxml/jackson/databind/ObjectMapper'");
  }

  @Test
  void when_help_then_everyCommandIsListed() {
    Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out().lines().map(String::strip).map(l -> l.split("\\s+")[0]))
        .contains("demo", "scenario", "sim", "sim-bench", "help");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "sim --bogus                 | Unknown option: '--bogus'",
        "sim --drop 2                | '--drop'",
        "sim --duplicate lots        | '--duplicate'",
        "sim --duration 3x           | '3x' is not a duration",
        "sim --servers 0             | servers must be >= 1",
        "sim --seed abc              | '--seed'",
        "scenario nope               | unknown scenario 'nope'",
        "scenario split-brain --break NOT_A_RULE | '--break'",
        "frobnicate                  | Unmatched argument",
        "sim --seeds 5..1            | is not a range",
        "bench --mix put:x           | 'x' is not a whole number",
        "bench --mix swap:5          | unknown op 'swap'",
        "bench --target http://x:1   | is not redis://HOST:PORT",
        "sim --seeds 1..5 --seed 3   | --seeds runs a swarm",
        "server --listen 127.0.0.1:1 --session-expiry soon | --session-expiry: 'soon' is not a duration",
        "server --listen 127.0.0.1:1 --session-expiry 0s | --session-expiry: '0s' is not a positive",
      })
  void when_inputIsWrong_then_oneClearLine_andExitCode2(String args, String expected) {
    Run r = run(args.trim().split("\\s+"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void when_scenarioList_then_everyScenarioAndRuleIsNamed() {
    Run r = run("scenario", "list");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("split-brain", "missing-writes", "stale-reads", "old-messages", "outdated-client")
        .contains("transfer-interleaving", "duplicate-writes", "one-more-corner-case")
        .contains("progress-viewservice-down", "progress-no-backup", "SERVE_READS_LOCALLY");
  }

  @Test
  void when_scenarioRuns_then_itNarratesAndExits0OnTheCorrectOutcome() {
    Run r = run("scenario", "split-brain", "--seed", "2");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("seed 2", "view service: view 3", "refuses A's forward", "verdict: correct");
  }

  @Test
  void when_aRuleIsBroken_then_theScenarioShowsTheAnomaly_andExits1() {
    Run r = run("scenario", "stale-reads", "--break", "serve_reads_locally");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("WRONG OUTCOME", "c1 reads x=2, not the stale 1");
  }

  @Test
  void when_simRuns_then_itPrintsSeedCountsAndVerdict() {
    Run r = run("sim", "--seed", "3", "--duration", "5s", "--drop", "10%", "--crashes", "--pauses");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("seed 3", "ops:", "views reached", "events/s", "verdict: OK");
  }

  @Test
  void when_simBreaksARule_then_itReportsAViolation_andExits1() {
    Run r =
        run(
            "sim",
            "--seed",
            "1",
            "--duration",
            "10s",
            "--drop",
            "0.1",
            "--crashes",
            "--partitions",
            "--break",
            "REPLY_BEFORE_BACKUP_ACK");
    assertThat(r.exit()).isEqualTo(1);
    // the lost write rule 2 exists to prevent, not a liveness "stuck"
    assertThat(r.out())
        .contains("verdict: VIOLATION", "history ILLEGAL", "is not linearizable")
        .doesNotContain("STUCK");
  }

  @Test
  void when_theSimulatedDemoRuns_then_failoversHappen_andNothingIsLost() {
    Run r = run("demo", "--simulated");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("killing the primary", "2 failovers", "lost = 0");
  }

  @Test
  void when_swarmRuns_then_itSummarises_andExits0() {
    Run r = run("sim", "--seeds", "1..20");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("20/20 seeds", "20 passed", "0 failed");
  }

  @Test
  void when_swarmCatchesABrokenRule_then_itPrintsTheSeedAndTheReplayCommand_andExits1() {
    Run r = run("sim", "--seeds", "1..5", "--break", "CLIENT_RETRIES_WITH_NEW_SEQ");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "FAILED seed 1",
            "replay: pbkv sim --swarm --seed 1 --break CLIENT_RETRIES_WITH_NEW_SEQ");
    Run replay = run("sim", "--swarm", "--seed", "1", "--break", "CLIENT_RETRIES_WITH_NEW_SEQ");
    assertThat(replay.exit()).isEqualTo(1);
    assertThat(replay.out()).contains("VIOLATION", "present 2 times");
  }

  @Test
  void when_aSwarmModeCatchesItsShowcaseRule_then_theReplayCommandNamesTheMode() {
    Run r =
        run("sim", "--seeds", "1..3", "--mode", "chunks", "--break", "TRANSFER_SKIPS_LATER_CHUNKS");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "mode chunks",
            "FAILED seed 1",
            "replay: pbkv sim --swarm --seed 1 --mode chunks --break TRANSFER_SKIPS_LATER_CHUNKS");
    Run replay =
        run(
            "sim",
            "--swarm",
            "--seed",
            "1",
            "--mode",
            "chunks",
            "--break",
            "TRANSFER_SKIPS_LATER_CHUNKS");
    assertThat(replay.exit()).isEqualTo(1);
    assertThat(replay.out()).contains("mode chunks: chunks of", "VIOLATION");
    Run correct = run("sim", "--seeds", "1..3", "--mode", "expiry");
    assertThat(correct.exit()).isZero();
    assertThat(correct.out()).contains("3 passed");
  }

  @Test
  void when_theModeIsUnknown_then_oneLineNamesTheChoices_andExits2() {
    Run r = run("sim", "--seeds", "1..3", "--mode", "fast");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "unknown swarm mode 'fast'; one of: default, chunks, expiry, overlap, viewservice");
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
  }

  @Test
  void when_aSeedIsReplayed_then_theRunHashIsTheSame() {
    String first = run("sim", "--swarm", "--seed", "42").out();
    String again = run("sim", "--swarm", "--seed", "42").out();
    String hash = first.replaceAll("(?s).*run hash ([0-9a-f]{16}).*", "$1");
    assertThat(hash).hasSize(16);
    assertThat(again).contains("run hash " + hash);
  }
}
