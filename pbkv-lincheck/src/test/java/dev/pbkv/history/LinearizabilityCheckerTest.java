package dev.pbkv.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.KvStore;
import dev.pbkv.kv.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LinearizabilityCheckerTest {
  /** The reference checker is exponential: it double-checks only the small cases. */
  private static final int BRUTE_FORCE_MAX_OPS = 12;

  // ---------------------------------------------------------------- illegal histories

  static Stream<Arguments> illegalHistories() {
    return Stream.of(
        illegal(
            "stale read after an acknowledged put",
            "x",
            new Ops().put("a", "x", "1", 0, 1).put("a", "x", "2", 2, 3).get("b", "x", 4, 5, "1")),
        illegal(
            "lost acknowledged put",
            "x",
            new Ops().put("a", "x", "1", 0, 1).get("b", "x", 2, 3, null)),
        illegal(
            "append applied twice",
            "x",
            new Ops().append("a", "x", "t;", 0, 1, "t;").get("b", "x", 2, 3, "t;t;")),
        illegal(
            "indeterminate append applied twice",
            "x",
            new Ops().appendUnknown("a", "x", "t;", 0).get("b", "x", 2, 3, "t;t;")),
        illegal("read of a value never written", "x", new Ops().get("a", "x", 0, 1, "zz")),
        illegal(
            "read of a value before its write was called",
            "x",
            new Ops().get("a", "x", 0, 1, "1").put("b", "x", "1", 2, 3)),
        illegal(
            "appends seen in an order contradicting real time",
            "x",
            new Ops()
                .appendOk("a", "x", "a;", 0, 1)
                .appendOk("b", "x", "b;", 2, 3)
                .get("c", "x", 4, 5, "b;a;")),
        illegal(
            "append result that skips an earlier append",
            "x",
            new Ops()
                .append("a", "x", "a;", 0, 1, "a;")
                .get("b", "x", 2, 3, "a;")
                .append("c", "x", "b;", 4, 5, "b;")),
        illegal(
            "append acknowledged without value lost by an earlier put",
            "x",
            new Ops()
                .put("a", "x", "p;", 0, 1)
                .appendOk("a", "x", "a;", 2, 3)
                .get("b", "x", 4, 5, "a;")),
        illegal(
            "compare-and-set succeeding twice from the same expected value",
            "x",
            new Ops()
                .put("a", "x", "0", 0, 1)
                .cas("b", "x", "0", "1", 2, 5, true, "0")
                .cas("c", "x", "0", "2", 2, 5, true, "0")),
        illegal(
            "compare-and-set expecting absent swaps a present key",
            "x",
            new Ops().put("a", "x", "1", 0, 1).cas("b", "x", null, "2", 2, 3, true, null)),
        illegal(
            "compare-and-set failing with a previous value nobody wrote",
            "x",
            new Ops().put("a", "x", "a", 0, 1).cas("b", "x", "b", "c", 2, 3, false, "z")),
        illegal(
            "compare-and-set that swapped from a value other than expected",
            "x",
            new Ops().put("a", "x", "c", 0, 1).cas("b", "x", "a", "b", 2, 3, true, "c")),
        illegal(
            "compare-and-set refused although the value matched",
            "x",
            new Ops().put("a", "x", "a", 0, 1).cas("b", "x", "a", "b", 2, 3, false, "a")),
        illegal(
            "delete then a read of the old value",
            "x",
            new Ops()
                .put("a", "x", "v", 0, 1)
                .delete("a", "x", 2, 3, true)
                .get("b", "x", 4, 5, "v")),
        illegal(
            "delete reporting absent although the key holds a value",
            "x",
            new Ops().put("a", "x", "v", 0, 1).delete("b", "x", 2, 3, false)),
        illegal(
            "delete reporting present on a key never written",
            "x",
            new Ops().delete("a", "x", 0, 1, true)),
        illegal(
            "reads flip-flop between two finished writes",
            "x",
            new Ops()
                .put("a", "x", "1", 0, 10)
                .put("b", "x", "2", 0, 10)
                .get("c", "x", 11, 12, "2")
                .get("c", "x", 13, 14, "1")),
        illegal(
            "reads flip-flop during two concurrent writes",
            "x",
            new Ops()
                .put("a", "x", "1", 0, 10)
                .put("b", "x", "2", 0, 10)
                .get("c", "x", 2, 3, "1")
                .get("c", "x", 4, 5, "2")
                .get("c", "x", 6, 7, "1")),
        illegal(
            "an indeterminate put would have to take effect twice",
            "x",
            new Ops()
                .putUnknown("a", "x", "1", 0)
                .put("b", "x", "2", 1, 2)
                .get("c", "x", 3, 4, "1")
                .get("c", "x", 5, 6, "2")),
        illegal(
            "absent and empty are different values",
            "x",
            new Ops().put("a", "x", "", 0, 1).get("b", "x", 2, 3, null)),
        illegal(
            "a get answered with a write's result",
            "x",
            new Ops().raw("a", 0, 1, new Command.Get("x"), Result.OK)),
        illegal(
            "the only bad key among good ones is reported",
            "b",
            new Ops()
                .put("a", "a", "1", 0, 1)
                .get("a", "a", 2, 3, "1")
                .put("a", "b", "1", 0, 1)
                .get("a", "b", 2, 3, "2")
                .put("a", "c", "1", 0, 1)
                .get("a", "c", 2, 3, "1")),
        illegal(
            "of two bad keys the one with fewer ops is reported",
            "q",
            new Ops()
                .put("a", "p", "1", 0, 1)
                .put("a", "p", "2", 2, 3)
                .get("a", "p", 4, 5, "1")
                .get("a", "q", 0, 1, "never")),
        illegal(
            "one stale read deep inside a long concurrent history", "k", staleReadAtTheEnd(400)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("illegalHistories")
  void when_noOrderExplainsTheHistory_then_itIsIllegalWithTheKey(
      List<HistoryOp> history, String key) {
    CheckResult r = LinearizabilityChecker.check(history);
    assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.ILLEGAL);
    assertThat(r.passed()).isFalse();
    assertThat(r.key()).isEqualTo(key);
    assertThat(r.explanation()).contains("key \"" + key + "\"");
    if (history.size() <= BRUTE_FORCE_MAX_OPS) {
      assertThat(BruteForce.linearizable(history)).as("the reference agrees").isFalse();
    }
  }

  // ---------------------------------------------------------------- legal histories

  static Stream<Arguments> legalHistories() {
    return Stream.of(
        legal("the empty history", new Ops()),
        legal("a read of a key never written", new Ops().get("a", "x", 0, 1, null)),
        legal(
            "sequential writes and reads",
            new Ops()
                .put("a", "x", "1", 0, 1)
                .get("a", "x", 2, 3, "1")
                .append("a", "x", "2", 4, 5, "12")
                .get("b", "x", 6, 7, "12")),
        legal(
            "a read overlapping a put may see the old value",
            new Ops().put("a", "x", "1", 0, 10).get("b", "x", 1, 2, null)),
        legal(
            "a read overlapping a put may see the new value",
            new Ops().put("a", "x", "1", 0, 10).get("b", "x", 1, 2, "1")),
        legal(
            "concurrent puts, later reads agree on either winner",
            new Ops()
                .put("a", "x", "1", 0, 10)
                .put("b", "x", "2", 0, 10)
                .get("c", "x", 11, 12, "1")
                .get("d", "x", 13, 14, "1")),
        legal(
            "ten overlapping appends seen in one order",
            tenConcurrentAppends("a3;a0;a9;a1;a2;a8;a7;a4;a6;a5;")),
        legal(
            "overlapping appends with results that chain",
            new Ops()
                .append("a", "x", "a;", 0, 10, "b;a;")
                .append("b", "x", "b;", 1, 9, "b;")
                .append("c", "x", "c;", 2, 12, "b;a;c;")
                .get("d", "x", 13, 14, "b;a;c;")),
        legal(
            "an indeterminate put that took effect",
            new Ops()
                .put("a", "x", "1", 0, 1)
                .putUnknown("b", "x", "2", 2)
                .get("c", "x", 100, 101, "2")),
        legal(
            "an indeterminate put that never took effect",
            new Ops()
                .put("a", "x", "1", 0, 1)
                .putUnknown("b", "x", "2", 2)
                .get("c", "x", 100, 101, "1")
                .get("c", "x", 200, 201, "1")),
        legal(
            "an indeterminate append that took effect much later",
            new Ops()
                .appendUnknown("a", "x", "u;", 0)
                .append("b", "x", "a;", 10, 11, "a;")
                .append("b", "x", "b;", 20, 21, "a;b;")
                .get("c", "x", 30, 31, "a;b;u;")),
        legal(
            "indeterminate reads constrain nothing",
            new Ops()
                .put("a", "x", "1", 0, 1)
                .getUnknown("b", "x", 2)
                .getUnknown("c", "x", 3)
                .get("d", "x", 4, 5, "1")),
        legal(
            "a chain of compare-and-sets",
            new Ops()
                .put("a", "x", "0", 0, 1)
                .cas("a", "x", "0", "1", 2, 3, true, "0")
                .cas("b", "x", "1", "2", 4, 5, true, "1")
                .cas("c", "x", "0", "3", 6, 7, false, "2")
                .cas("d", "x", null, "4", 8, 9, false, "2")),
        legal(
            "concurrent compare-and-sets: one wins, the other sees the winner",
            new Ops()
                .put("a", "x", "0", 0, 1)
                .cas("b", "x", "0", "1", 2, 10, false, "2")
                .cas("c", "x", "0", "2", 2, 10, true, "0")),
        legal(
            "compare-and-set expecting absent, and an indeterminate one",
            new Ops()
                .cas("a", "x", null, "1", 0, 1, true, null)
                .casUnknown("b", "x", "1", "2", 2)
                .get("c", "x", 50, 51, "2")),
        legal(
            "deletes that did and did not find the key",
            new Ops()
                .put("a", "x", "v", 0, 1)
                .delete("a", "x", 2, 3, true)
                .get("b", "x", 4, 5, null)
                .delete("b", "x", 6, 7, false)
                .append("c", "x", "w", 8, 9, "w")),
        legal(
            "an indeterminate delete, and a read concurrent with a delete",
            new Ops()
                .put("a", "x", "v", 0, 1)
                .deleteUnknown("b", "x", 2)
                .get("c", "x", 3, 4, "v")
                .get("c", "x", 5, 6, null)
                .get("c", "x", 7, 8, null)),
        legal(
            "ops whose bounds touch are concurrent (a call at t may precede a return at t)",
            new Ops().put("a", "x", "1", 0, 5).get("b", "x", 5, 10, null)),
        legal(
            "a read of one key's new value, then of the other key's old value",
            new Ops()
                .put("a", "x", "1", 0, 10)
                .put("b", "y", "1", 0, 10)
                .get("c", "y", 2, 3, "1") // c sees y's write but not yet x's: fine, the writes
                .get("c", "x", 4, 5, null) // overlap, and each key on its own is in order
                .put("d", "x", "2", 6, 7)
                .get("d", "y", 8, 9, "1")),
        legal(
            "ops that failed outright are ignored",
            new Ops()
                .raw("a", 0, 1, new Command.Put("x", "1"), new Result.Error("refused"))
                .get("b", "x", 2, 3, null)),
        legal(
            "an empty value is a value",
            new Ops()
                .put("a", "x", "", 0, 1)
                .get("b", "x", 2, 3, "")
                .append("c", "x", "a", 4, 5, "a")),
        legal("a long real execution on several keys", realExecution(new Random(7), 3000, 5, 8)),
        legal("a long real execution on one key", realExecution(new Random(8), 600, 1, 10)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("legalHistories")
  void when_anOrderExplainsTheHistory_then_itIsOk(List<HistoryOp> history) {
    CheckResult r = LinearizabilityChecker.check(history);
    assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.OK);
    assertThat(r.passed()).isTrue();
    assertThat(r.key()).isNull();
    if (history.size() <= BRUTE_FORCE_MAX_OPS) {
      assertThat(BruteForce.linearizable(history)).as("the reference agrees").isTrue();
    }
  }

  // ---------------------------------------------------------------- explanations and budget

  @Test
  void when_aReadIsStale_then_theExplanationNamesTheKeyTheWindowAndTheLinearization() {
    List<HistoryOp> h =
        new Ops()
            .put("a", "x", "1", 0, 1) // #0
            .put("a", "y", "9", 0, 1) // #1, another key
            .put("a", "x", "2", 2, 3) // #2
            .get("b", "x", 4, 5, "1") // #3, stale
            .list();
    CheckResult r = LinearizabilityChecker.check(h);
    assertThat(r.verdict()).isEqualTo(Verdict.ILLEGAL);
    assertThat(r.keys()).isEqualTo(2);
    assertThat(r.ops()).isEqualTo(4);
    assertThat(r.explanation())
        .contains("key \"x\" is not linearizable")
        .contains("Smallest window found that cannot be ordered")
        .contains("#2 a put x 2")
        .contains("#3 b get x -> \"1\"")
        .doesNotContain("put y")
        .contains("Longest partial linearization found: 2 of 3 ops")
        .contains("=> \"2\"")
        .contains("Then stuck: #3 b get x");
    // The window: from any start value, "put 2, then a read of 1" cannot be ordered.
    String window = r.explanation().split("Longest")[0];
    assertThat(window).contains("(2 ops, from any start value)").doesNotContain("#0 ");
  }

  @Test
  void when_appendsAreOutOfOrder_then_theExplanationShowsTheValuesAfterEachOp() {
    List<HistoryOp> h =
        new Ops()
            .appendOk("a", "x", "a;", 0, 1)
            .appendOk("b", "x", "b;", 2, 3)
            .get("c", "x", 4, 5, "b;a;")
            .list();
    CheckResult r = LinearizabilityChecker.check(h);
    assertThat(r.explanation())
        .contains("key \"x\"")
        .contains("#0 a append x a; -> ok [0, 1]")
        .contains("#1 b append x b; -> ok [2, 3]")
        .contains("1. #0 a append x a; -> ok [0, 1]  => \"a;\"")
        .contains("Then stuck: #2 c get x -> \"b;a;\"");
  }

  /**
   * A budget that may run out in the middle of a hard (illegal) history never yields OK: the
   * verdict is UNKNOWN, saying so, or (on a machine or a checker fast enough to finish in 20 ms)
   * the right one, ILLEGAL. Which of the two depends on speed, so the one exact outcome of a budget
   * running out is pinned by the zero-budget test below.
   */
  @Test
  void when_theBudgetMayBeTooSmallForAHardHistory_then_theVerdictIsNeverOk() {
    List<HistoryOp> hard = hardHistory(22);
    CheckResult r = LinearizabilityChecker.check(hard, Duration.ofMillis(20));
    assertThat(r.verdict()).as(r.toString()).isIn(Verdict.UNKNOWN, Verdict.ILLEGAL);
    assertThat(r.passed()).isFalse();
    if (r.verdict() == Verdict.UNKNOWN) {
      assertThat(r.key()).isNull();
      assertThat(r.explanation()).contains("no verdict").contains("\"x\"");
    } else {
      assertThat(r.key()).isEqualTo("x");
    }
  }

  @Test
  void when_theBudgetIsZero_then_theVerdictIsUnknown_andSaysWhichKeysHaveNone() {
    CheckResult r = LinearizabilityChecker.check(hardHistory(22), Duration.ZERO);
    assertThat(r.verdict()).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.passed()).isFalse();
    assertThat(r.key()).isNull();
    assertThat(r.explanation()).contains("no verdict").contains("\"x\"");
  }

  @Test
  void when_theSimulatorsHistoryRecorderIsUsed_then_pendingOpsAreIndeterminate() {
    History h = new History();
    int put = h.call("c1", 0, new Command.Put("k", "v"));
    h.complete(put, 10, Result.OK);
    h.call("c2", 20, new Command.Append("k", "w")); // never returns
    int get = h.call("c3", 30, new Command.Get("k"));
    h.complete(get, 40, new Result.Value("vw"));
    assertThat(LinearizabilityChecker.check(h.ops()).verdict()).isEqualTo(Verdict.OK);
  }

  @Test
  void when_checkedTwice_then_theVerdictAndKeyAreTheSame() {
    List<HistoryOp> h = staleReadAtTheEnd(2000);
    CheckResult first = LinearizabilityChecker.check(h);
    CheckResult second = LinearizabilityChecker.check(h);
    assertThat(second.verdict()).isEqualTo(first.verdict()).isEqualTo(Verdict.ILLEGAL);
    assertThat(second.key()).isEqualTo(first.key());
  }

  @Test
  void when_comparedWithABruteForceOnRandomSmallHistories_then_theyAlwaysAgree() {
    int legal = 0;
    for (int seed = 0; seed < 3000; seed++) {
      Random rnd = new Random(seed);
      List<HistoryOp> h = RandomHistories.generate(rnd, 3 + rnd.nextInt(8), 1 + rnd.nextInt(2));
      boolean expected = BruteForce.linearizable(h);
      CheckResult r = LinearizabilityChecker.check(h);
      assertThat(r.verdict())
          .as("seed %d: %s%n%s", seed, r, h)
          .isEqualTo(expected ? Verdict.OK : Verdict.ILLEGAL);
      legal += expected ? 1 : 0;
      if (!expected) {
        assertWindowCannotBeOrdered(h, r);
      }
    }
    assertThat(legal).as("both verdicts are exercised").isBetween(1000, 2900);
  }

  @Test
  void when_comparedWithABruteForceOnLongerConcurrentHistories_then_theyAlwaysAgree() {
    int legal = 0;
    for (int seed = 0; seed < 300; seed++) {
      Random rnd = new Random(seed);
      List<HistoryOp> h = new ArrayList<>(realExecution(rnd, 40, 1, 4));
      for (int i = 0; i < h.size(); i++) {
        HistoryOp op = h.get(i);
        if (rnd.nextInt(15) == 0) { // the client timed out
          h.set(i, withResult(op, HistoryOp.NEVER, null));
        } else if (op.command() instanceof Command.Append && rnd.nextInt(3) == 0) {
          h.set(i, withResult(op, op.returnMicros(), Result.OK));
        }
      }
      if (rnd.nextBoolean()) { // a read or append result copied from another op
        int i = rnd.nextInt(h.size());
        HistoryOp other = h.get(rnd.nextInt(h.size()));
        if (h.get(i).result() instanceof Result.Value && other.result() instanceof Result.Value v) {
          h.set(i, withResult(h.get(i), h.get(i).returnMicros(), v));
        }
      }
      boolean expected = BruteForce.linearizable(h);
      CheckResult r = LinearizabilityChecker.check(h);
      assertThat(r.verdict())
          .as("seed %d: %s%n%s", seed, r, h)
          .isEqualTo(expected ? Verdict.OK : Verdict.ILLEGAL);
      legal += expected ? 1 : 0;
    }
    assertThat(legal).as("both verdicts are exercised").isBetween(100, 290);
  }

  /**
   * The window an explanation shows (its ops, the optional ones made indeterminate) must itself be
   * illegal: from the absent value, and from every value in reach when it starts anywhere.
   */
  private static void assertWindowCannotBeOrdered(List<HistoryOp> h, CheckResult r) {
    String window = r.explanation().split("Smallest window")[1].split("\\(in call order")[0];
    boolean fromStart = window.contains("from the initial absent value");
    List<HistoryOp> ops = new ArrayList<>();
    for (String line : window.lines().filter(l -> l.startsWith("  #")).toList()) {
      int id = Integer.parseInt(line.strip().substring(1).split(" ")[0]);
      HistoryOp op = h.stream().filter(o -> o.id() == id).findFirst().orElseThrow();
      ops.add(line.endsWith("(optional)") ? withResult(op, HistoryOp.NEVER, null) : op);
    }
    List<String> starts =
        fromStart
            ? java.util.Collections.singletonList(null)
            : java.util.Arrays.asList(null, "", "a", "b", "c", "ab", "aa", "ba", "abab", "ca");
    for (String start : starts) {
      assertThat(BruteForce.linearizableFrom(ops, start))
          .as("window from %s:%n%s%nof%n%s", start, window, h)
          .isFalse();
    }
  }

  private static HistoryOp withResult(HistoryOp op, long ret, Result result) {
    return new HistoryOp(op.id(), op.client(), op.callMicros(), ret, op.command(), result);
  }

  // ---------------------------------------------------------------- helpers

  private static Arguments illegal(String name, String key, Object history) {
    return Arguments.of(named(name, list(history)), key);
  }

  private static Arguments legal(String name, Object history) {
    return Arguments.of(named(name, list(history)));
  }

  @SuppressWarnings("unchecked")
  private static List<HistoryOp> list(Object history) {
    return history instanceof Ops ops ? ops.list() : (List<HistoryOp>) history;
  }

  private static List<HistoryOp> tenConcurrentAppends(String finalValue) {
    Ops ops = new Ops();
    for (int i = 0; i < 10; i++) {
      ops.appendOk("c" + i, "x", "a" + i + ";", i, 100 - i);
      ops.get("r" + i, "x", 2 * i, 2 * i + 1, null);
    }
    return ops.get("z", "x", 101, 102, finalValue).list();
  }

  /**
   * A real execution: {@code clients} clients, each running ops back to back on random keys; each
   * op takes effect at a random instant inside its interval.
   */
  static List<HistoryOp> realExecution(Random rnd, int n, int keys, int clients) {
    long[] clientFree = new long[clients];
    List<long[]> slots = new ArrayList<>(); // {call, return, point, client}
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(clients);
      long call = clientFree[c] + rnd.nextInt(5);
      long ret = call + 1 + rnd.nextInt(40);
      clientFree[c] = ret + 1;
      slots.add(new long[] {call, ret, call + rnd.nextInt((int) (ret - call) + 1), c});
    }
    Command[] commands = new Command[n];
    for (int i = 0; i < n; i++) {
      String key = "k" + rnd.nextInt(keys);
      commands[i] =
          switch (rnd.nextInt(6)) {
            case 0, 1 -> new Command.Get(key);
            case 2 -> new Command.Put(key, "p" + i + ";");
            case 3, 4 -> new Command.Append(key, "a" + i + ";");
            default -> new Command.CompareAndSet(key, null, "c" + i + ";");
          };
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (x, y) -> Long.compare(slots.get(x)[2], slots.get(y)[2]));
    KvStore store = new KvStore();
    Result[] results = new Result[n];
    for (int i : order) {
      results[i] = store.execute(commands[i]);
    }
    List<HistoryOp> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long[] s = slots.get(i);
      out.add(new HistoryOp(i, "c" + s[3], s[0], s[1], commands[i], results[i]));
    }
    return out;
  }

  /** A long real execution on one key with one read, near the end, changed to a stale value. */
  private static List<HistoryOp> staleReadAtTheEnd(int n) {
    List<HistoryOp> h = new ArrayList<>();
    Ops ops = new Ops();
    for (int i = 0; i < n; i++) {
      long t = 10L * i;
      ops.put("w" + (i % 4), "k", "v" + i, t, t + 25);
    }
    h.addAll(ops.list());
    long t = 10L * n + 100;
    h.add(new HistoryOp(n, "r", t, t + 1, new Command.Get("k"), new Result.Value("v" + (n - 1))));
    h.add(
        new HistoryOp(
            n + 1, "r", t + 2, t + 3, new Command.Get("k"), new Result.Value("v" + (n - 10))));
    return h;
  }

  /**
   * {@code k} concurrent puts of distinct values, each read by a concurrent read, then a read of
   * the first value after a later put: illegal, but only after trying every order.
   */
  private static List<HistoryOp> hardHistory(int k) {
    Ops ops = new Ops();
    for (int i = 0; i < k; i++) {
      ops.put("w" + i, "x", "v" + i, 0, 100);
      ops.get("r" + i, "x", 1, 99, "v" + ((i * 7) % k));
    }
    ops.put("z", "x", "last", 0, 100);
    return ops.get("z", "x", 101, 102, "v0").get("z", "x", 103, 104, "v1").list();
  }
}
