package dev.pbkv.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ScanCheck} passes linearizable pages and catches each broken one (planted here). */
class ScanCheckTest {
  private static HistoryOp op(int id, long call, long ret, Command c, Result r) {
    return new HistoryOp(id, "c" + id, call, ret, c, r);
  }

  private static final HistoryOp PUT_A = op(1, 0, 10, new Command.Put("a", "1"), Result.OK);
  private static final HistoryOp PUT_B = op(2, 0, 10, new Command.Put("b", "1"), Result.OK);

  private static HistoryOp scan(long call, long ret, Result.Keys page) {
    return op(9, call, ret, new Command.Scan("", null, 10), page);
  }

  @Test
  void when_pageHoldsEveryKeySetBefore_then_itPasses() {
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, scan(20, 30, keys(null, "a", "b")))))
        .isEmpty();
  }

  @Test
  void when_pageMissesAKeySetBeforeAndNeverDeleted_then_caught() {
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, scan(20, 30, keys(null, "a")))))
        .singleElement()
        .asString()
        .contains("misses b");
  }

  @Test
  void when_keyIsDeletedOrWrittenDuringTheScan_then_eitherPageIsFine() {
    HistoryOp delete = op(3, 25, 40, new Command.Delete("b"), new Result.Deleted(true));
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, delete, scan(20, 30, keys(null, "a")))))
        .isEmpty();
    HistoryOp putC = op(4, 25, 40, new Command.Put("c", "1"), Result.OK);
    assertThat(ScanCheck.check(List.of(PUT_A, putC, scan(20, 30, keys(null, "a", "c"))))).isEmpty();
    assertThat(ScanCheck.check(List.of(PUT_A, putC, scan(20, 30, keys(null, "a"))))).isEmpty();
  }

  @Test
  void when_pageShowsAKeyNobodyWrote_then_caught() {
    HistoryOp putC = op(4, 35, 40, new Command.Put("c", "1"), Result.OK); // called after
    assertThat(ScanCheck.check(List.of(PUT_A, putC, scan(20, 30, keys(null, "a", "c")))))
        .singleElement()
        .asString()
        .contains("c, which nobody wrote");
  }

  @Test
  void when_pageIsOutOfOrderOrOutOfRange_then_caught() {
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, scan(20, 30, keys(null, "b", "a")))))
        .anySatisfy(v -> assertThat(v).contains("out of order"));
    HistoryOp prefixed =
        op(9, 20, 30, new Command.Scan("b", null, 10), new Result.Keys(List.of("a", "b"), null));
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, prefixed)))
        .singleElement()
        .asString()
        .contains("a, outside its range");
    HistoryOp overLimit =
        op(9, 20, 30, new Command.Scan("", null, 1), new Result.Keys(List.of("a", "b"), "b"));
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, overLimit)))
        .singleElement()
        .asString()
        .contains("over its limit");
  }

  @Test
  void when_pageEndsAtItsCursor_then_keysAfterItAreNotExpected() {
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, scan(20, 30, keys("a", "a"))))).isEmpty();
    assertThat(ScanCheck.check(List.of(PUT_A, PUT_B, scan(20, 30, keys("b", "a")))))
        .anySatisfy(v -> assertThat(v).contains("cursor is not its last key"));
  }

  private static Result.Keys keys(String cursor, String... keys) {
    return new Result.Keys(List.of(keys), cursor);
  }
}
