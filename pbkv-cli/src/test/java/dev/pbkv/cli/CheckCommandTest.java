package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pbkv check}: saving, replaying and drawing the trace a search finds. */
class CheckCommandTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  private static void assertOneLineError(Run r, String expected) {
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void when_aTraceIsSavedThenReplayed_then_theViolationShowsAgain(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("failover.trace");
    Run found =
        run(
            "check",
            "failover",
            "--break",
            "REPLY_BEFORE_BACKUP_ACK",
            "--save-trace",
            file.toString());
    assertThat(found.exit()).isZero();
    assertThat(found.out()).contains("trace saved: " + file, "INVARIANT_VIOLATED");
    assertThat(Files.readString(file))
        .contains("search failover", "broken REPLY_BEFORE_BACKUP_ACK")
        .contains("outcome INVARIANT_VIOLATED results linearizable", "phase 3 primary stopped")
        .contains("event deliver c1 -> s2: Request[seq=2");

    Run replayed = run("check", "failover", "--replay", file.toString());
    assertThat(replayed.exit()).isZero();
    assertThat(replayed.out())
        .contains("replay of " + file, "REPLY_BEFORE_BACKUP_ACK", "phase 3 (primary stopped)")
        .containsPattern(
            "reproduced: after \\d+ events the last state breaks 'results linearizable'");
  }

  @Test
  void when_theTraceFileIsMalformedOrOfAnotherSearch_then_oneLineSaysWhy(@TempDir Path dir)
      throws Exception {
    Path garbage = dir.resolve("garbage.trace");
    Files.writeString(garbage, "hello\nworld\n");
    assertOneLineError(
        run("check", "failover", "--replay", garbage.toString()),
        garbage + " line 1: not a pbkv check trace");

    Path saved = dir.resolve("failover.trace");
    assertThat(
            run(
                    "check",
                    "failover",
                    "--break",
                    "REPLY_BEFORE_BACKUP_ACK",
                    "--save-trace",
                    saved.toString())
                .exit())
        .isZero();
    assertOneLineError(
        run("check", "three-servers", "--replay", saved.toString()),
        "this is a trace of search 'failover', not of 'three-servers'");
    assertOneLineError(
        run("check", "failover", "--replay", saved.toString(), "--dfs"),
        "--replay searches nothing");

    Path cut = dir.resolve("cut.trace");
    String text = Files.readString(saved);
    Files.writeString(cut, text.substring(0, text.indexOf("phase 3")));
    assertOneLineError(
        run("check", "failover", "--replay", cut.toString()), cut + ": truncated (no 'end' line)");

    assertOneLineError(
        run("check", "failover", "--replay", dir.resolve("missing.trace").toString()),
        "no such file");
  }

  @Test
  void when_aDiagramIsAsked_then_theFoundTraceIsDrawnWithItsEvents(@TempDir Path dir)
      throws Exception {
    Path html = dir.resolve("d.html");
    Path jsonl = dir.resolve("t.jsonl");
    Run r =
        run(
            "check",
            "failover",
            "--break",
            "REPLY_BEFORE_BACKUP_ACK",
            "--diagram",
            html.toString(),
            "--trace",
            jsonl.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("diagram: " + html, "trace: " + jsonl);
    assertThat(Files.readString(html))
        .contains("PbkvDiagram(")
        .contains("\"lb\":\"Request #2 get k\"")
        .contains("\"lb\":\"view 3: primary\"")
        .contains("breaks 'results linearizable'");
    Trace t = Trace.read(jsonl);
    assertThat(t.nodes()).containsExactly("vs", "s1", "s2", "c1");
    assertThat(t.events())
        .filteredOn(e -> e.kind() == TraceEvent.Kind.RECEIVE)
        .hasSizeGreaterThan(10)
        .allMatch(e -> e.messageId() != null && e.clock().get(e.node()) > 0);
  }

  @Test
  void when_nothingIsFound_then_thereIsNoTraceToSave(@TempDir Path dir) {
    Path file = dir.resolve("none.trace");
    Run r = run("check", "single-server-space", "--save-trace", file.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("no trace to save or draw: the search ended with SPACE_EXHAUSTED");
    assertThat(file).doesNotExist();
  }

  @Test
  void when_helpIsAsked_then_replayAndSaveTraceAreExplained() {
    Run r = run("check", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--save-trace", "--replay", "--diagram", "--trace");
  }
}
