package dev.pbkv.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppendCheckTest {
  private static HistoryOp append(int id, long call, long ret, String token, String result) {
    return new HistoryOp(
        id,
        "c" + id,
        call,
        ret,
        new Command.Append("k", token),
        result == null ? null : new Result.Value(result));
  }

  private static HistoryOp get(int id, long call, long ret, String result) {
    return new HistoryOp(id, "r" + id, call, ret, new Command.Get("k"), new Result.Value(result));
  }

  @Test
  void when_everyTokenIsPresentOnce_then_noViolation() {
    List<HistoryOp> h =
        List.of(
            append(1, 0, 10, "a;", "a;"),
            append(2, 5, 20, "b;", "a;b;"),
            get(3, 21, 30, "a;b;"),
            append(4, 25, HistoryOp.NEVER, "c;", null));
    assertThat(AppendCheck.check(h, Map.of("k", "a;b;"))).isEmpty();
    assertThat(AppendCheck.check(h, Map.of("k", "a;b;c;"))).isEmpty();
  }

  @Test
  void when_anAcknowledgedTokenIsMissing_then_itIsReportedLost() {
    List<HistoryOp> h = List.of(append(1, 0, 10, "a;", "a;"), append(2, 11, 20, "b;", "a;b;"));
    assertThat(AppendCheck.check(h, Map.of("k", "a;")))
        .anyMatch(v -> v.contains("b; is present 0 times"));
  }

  @Test
  void when_aTokenIsPresentTwice_then_itIsReported() {
    List<HistoryOp> h =
        List.of(append(1, 0, 10, "a;", "a;"), append(2, 20, HistoryOp.NEVER, "b;", null));
    assertThat(AppendCheck.check(h, Map.of("k", "a;a;")))
        .anyMatch(v -> v.contains("a; is present 2 times"));
    assertThat(AppendCheck.check(h, Map.of("k", "a;b;b;")))
        .anyMatch(v -> v.contains("indeterminate"));
  }

  @Test
  void when_aReadGoesBackInTime_then_itIsReported() {
    List<HistoryOp> h = List.of(append(1, 0, 10, "a;", "a;"), get(2, 20, 30, ""));
    assertThat(AppendCheck.check(h, Map.of("k", "a;")))
        .anyMatch(v -> v.contains("went back in time"));
  }

  @Test
  void when_aValueIsNotAPrefixOrUnknown_then_itIsReported() {
    List<HistoryOp> h = List.of(append(1, 0, 10, "a;", "a;"), get(2, 20, 30, "x;"));
    assertThat(AppendCheck.check(h, Map.of("k", "a;"))).anyMatch(v -> v.contains("not a prefix"));
    assertThat(AppendCheck.check(List.of(append(1, 0, 10, "a;", "a;")), Map.of("k", "a;z;")))
        .anyMatch(v -> v.contains("nobody appended"));
  }
}
