package dev.pbkv.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryFilesTest {

  private static final List<HistoryOp> EVERY_KIND =
      List.of(
          new HistoryOp(0, "c1", 0, 10, new Command.Put("k", "v"), Result.OK),
          new HistoryOp(1, "c2", 5, 15, new Command.Get("k"), new Result.Value("v")),
          new HistoryOp(2, "c2", 16, 20, new Command.Get("other"), new Result.Value(null)),
          new HistoryOp(3, "c3", 6, 30, new Command.Append("k", "w"), new Result.Value("vw")),
          new HistoryOp(4, "c4", 7, HistoryOp.NEVER, new Command.Append("k", "x"), null),
          new HistoryOp(5, "c5", 31, 32, new Command.Delete("k"), new Result.Deleted(true)),
          new HistoryOp(6, "c5", 33, 34, new Command.Delete("k"), new Result.Deleted(false)),
          new HistoryOp(
              7,
              "c6",
              35,
              36,
              new Command.CompareAndSet("k", null, "n"),
              new Result.CasResult(true, null)),
          new HistoryOp(
              8,
              "c6",
              37,
              38,
              new Command.CompareAndSet("k", "zz", "m"),
              new Result.CasResult(false, "n")),
          new HistoryOp(9, "c7", 39, HistoryOp.NEVER, new Command.Get("k"), null),
          new HistoryOp(
              10,
              "c \"quoted\" \\ client",
              40,
              41,
              new Command.Put("k\tey", "line1\nline2 \u00e9 \u0001 \"q\""),
              Result.OK),
          new HistoryOp(11, "c8", 42, 43, new Command.Put("k", ""), new Result.Error("no: \"x\"")),
          new HistoryOp(12, "c9", 44, HistoryOp.NEVER, new Command.Delete("k"), null));

  @Test
  void when_aHistoryIsWrittenAndReadBack_then_itIsTheSame() throws IOException {
    StringWriter out = new StringWriter();
    HistoryFiles.write(out, EVERY_KIND);
    String text = out.toString();
    assertThat(text).startsWith("{\"format\":\"pbkv-history\",\"version\":1}\n");
    assertThat(text.lines()).hasSize(EVERY_KIND.size() + 1);
    assertThat(HistoryFiles.detect(text.lines().findFirst().orElseThrow()))
        .isEqualTo(HistoryFiles.Format.PBKV_JSONL);
    assertThat(HistoryFiles.parse(text, "mem")).isEqualTo(EVERY_KIND);
  }

  @Test
  void when_aSimulatedHistoryIsSavedToAFile_then_rereadingItGivesTheSameVerdict(@TempDir Path dir)
      throws IOException {
    List<HistoryOp> h = LinearizabilityCheckerTest.realExecution(new Random(3), 500, 3, 6);
    Path file = dir.resolve("run.jsonl");
    HistoryFiles.write(file, h);
    List<HistoryOp> back = HistoryFiles.read(file);
    assertThat(back).isEqualTo(h);
    assertThat(LinearizabilityChecker.check(back).verdict()).isEqualTo(Verdict.OK);
  }

  @Test
  void when_ourFormatHasNoHeader_then_itIsStillDetected() {
    String line =
        "{\"id\":3,\"client\":\"c\",\"call\":1,\"return\":null,\"f\":\"put\",\"key\":\"k\","
            + "\"value\":\"v\"}";
    assertThat(HistoryFiles.detect(line)).isEqualTo(HistoryFiles.Format.PBKV_JSONL);
    assertThat(HistoryFiles.parse(line, "mem"))
        .containsExactly(
            new HistoryOp(3, "c", 1, HistoryOp.NEVER, new Command.Put("k", "v"), null));
  }

  @Test
  void when_jepsenEventsAreRead_then_invokesPairWithTheirCompletions() {
    String text =
        """
        {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
        {:process 1, :type :invoke, :f :get, :key "0", :value nil}
        {:process 0, :type :ok, :f :append, :key "0", :value "x 0 0 y"}
        {:process 1, :type :ok, :f :get, :key "0", :value ""}
        {:process 2, :type :invoke, :f :put, :key "1", :value "p"}
        {:process 2, :type :fail, :f :put, :key "1", :value "p"}
        {:process 3, :type :invoke, :f :put, :key "1", :value "q"}
        {:process 3, :type :info, :f :put, :key "1", :value "q"}

        {:process 4, :type :invoke, :f :get, :key "1", :value nil}
        {:process 5, :type :invoke, :f :get, :key "1", :value nil}
        {:process 5, :type :ok, :f :get, :key "1", :value "q"}
        """;
    assertThat(HistoryFiles.detect(text.lines().findFirst().orElseThrow()))
        .isEqualTo(HistoryFiles.Format.JEPSEN_EDN);
    List<HistoryOp> ops = HistoryFiles.parse(text, "mem");
    assertThat(ops)
        .containsExactly(
            new HistoryOp(0, "0", 1, 3, new Command.Append("0", "x 0 0 y"), Result.OK),
            new HistoryOp(1, "1", 2, 4, new Command.Get("0"), new Result.Value(null)),
            new HistoryOp(3, "3", 7, HistoryOp.NEVER, new Command.Put("1", "q"), null),
            new HistoryOp(4, "4", 10, HistoryOp.NEVER, new Command.Get("1"), null),
            new HistoryOp(5, "5", 11, 12, new Command.Get("1"), new Result.Value("q")));
    assertThat(LinearizabilityChecker.check(ops).verdict()).isEqualTo(Verdict.OK);
  }

  @Test
  void when_syntheticLinesAreRead_then_unknownOpsAreIndeterminateAndEmptyReadsAbsent() {
    String text =
        """
        {"call":6111,"client":4,"f":"get","key":"k1","output":"","return":219109}
        {"call":83744,"client":3,"f":"append","key":"k1","return":274335,"value":"a8;"}
        {"call":1054088,"client":6,"f":"put","key":"k0","return":-1,"unknown":true,"value":"p39;"}
        {"call":2653820,"client":6,"f":"get","key":"k2","return":-1,"unknown":true}
        {"call":3000000,"client":"seven","f":"get","key":"k1","output":"a8;","return":3000001}
        """;
    assertThat(HistoryFiles.detect(text.lines().findFirst().orElseThrow()))
        .isEqualTo(HistoryFiles.Format.SYNTHETIC_JSONL);
    assertThat(HistoryFiles.parse(text, "mem"))
        .containsExactly(
            new HistoryOp(0, "4", 6111, 219109, new Command.Get("k1"), new Result.Value(null)),
            new HistoryOp(1, "3", 83744, 274335, new Command.Append("k1", "a8;"), Result.OK),
            new HistoryOp(2, "6", 1054088, HistoryOp.NEVER, new Command.Put("k0", "p39;"), null),
            new HistoryOp(3, "6", 2653820, HistoryOp.NEVER, new Command.Get("k2"), null),
            new HistoryOp(
                4, "seven", 3000000, 3000001, new Command.Get("k1"), new Result.Value("a8;")));
  }

  @Test
  void when_aLineIsMalformed_then_theErrorNamesTheSourceAndLine() {
    String text =
        """
        {"call":1,"client":4,"f":"get","key":"k1","output":"","return":2}

        {"call":1,"client":4,"f":"get","key":"k1","output":"" "return":2}
        """;
    assertThatThrownBy(() -> HistoryFiles.parse(text, "h.jsonl"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("h.jsonl:3: column ")
        .hasMessageContaining("expected ','");
  }

  @Test
  void when_fieldsAreMissingOrWrong_then_theErrorSaysWhich() {
    assertThatThrownBy(
            () -> HistoryFiles.parse("{\"call\":1,\"client\":4,\"f\":\"get\",\"key\":\"k\"}", "a"))
        .hasMessage("a:1: missing field \"return\"");
    assertThatThrownBy(
            () ->
                HistoryFiles.parse(
                    "{\"call\":1,\"client\":4,\"f\":\"cas\",\"key\":\"k\",\"return\":2}", "b"))
        .hasMessage("b:1: unknown \"f\": \"cas\"");
    assertThatThrownBy(
            () ->
                HistoryFiles.parse(
                    "{\"call\":\"x\",\"client\":4,\"f\":\"get\",\"key\":\"k\",\"return\":2}", "c"))
        .hasMessageStartingWith("c:1: field \"call\" must be an integer");
    assertThatThrownBy(() -> HistoryFiles.parse("{\"call\":1,\"client\":4,\"f\":\"get\"", "d"))
        .hasMessageStartingWith("d:1: column ");
    assertThatThrownBy(
            () ->
                HistoryFiles.parse(
                    "{\"call\":5,\"client\":4,\"f\":\"put\",\"key\":\"k\",\"value\":\"v\","
                        + "\"return\":2}",
                    "e"))
        .hasMessageContaining("e:1: returns (2) before its call (5)");
  }

  @Test
  void when_jepsenEventsDoNotPair_then_theErrorSaysWhy() {
    assertThatThrownBy(
            () ->
                HistoryFiles.parse(
                    "{:process 0, :type :ok, :f :get, :key \"0\", :value \"\"}", "j"))
        .hasMessage("j:1: process 0 completes :ok with no op pending");
    String twice =
        """
        {:process 0, :type :invoke, :f :get, :key "0", :value nil}
        {:process 0, :type :invoke, :f :get, :key "0", :value nil}
        """;
    assertThatThrownBy(() -> HistoryFiles.parse(twice, "j"))
        .hasMessage("j:2: process 0 invokes again before its previous op completed");
    assertThatThrownBy(
            () ->
                HistoryFiles.parse(
                    "{:process 0, :type :invoke, :f :put, :key \"0\", :value \"\"}", "j"))
        .hasMessageContaining("j:1: put of an empty value");
  }

  @Test
  void when_theFileIsEmpty_then_theHistoryIsEmpty(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("empty.jsonl");
    Files.writeString(file, "\n  \n");
    assertThat(HistoryFiles.read(file)).isEmpty();
  }
}
