package dev.pbkv.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code pbkv check-bench} measures fixed work: every round explores the same states. */
class CheckBenchTest {
  private final StringWriter text = new StringWriter();
  private final CheckBench bench = new CheckBench(new PrintWriter(text, true), 2);

  @Test
  void when_aSearchIsBenchmarked_then_everyRoundExploresTheWholeSpaceAlike() {
    List<CheckBench.Round> rounds = bench.bfs("failover", 2);

    SearchResult reference = SearchScenarios.byName("failover").run(java.util.Set.of()).last();
    assertThat(rounds).hasSize(2);
    assertThat(rounds.get(0)).isEqualTo(rounds.get(1).withMillis(rounds.get(0).millis()));
    assertThat(rounds.get(0).states()).isEqualTo(reference.states());
    assertThat(rounds.get(0).depth()).isEqualTo(reference.depth());
    assertThat(rounds.get(0).transitions()).isGreaterThan(rounds.get(0).states());
    assertThat(text.toString()).contains("failover       round 1:", "median");
  }

  @Test
  void when_aSearchDoesNotEndAsExpected_then_theBenchmarkRefusesToTimeIt() {
    assertThatThrownBy(() -> bench.bfs("no-such-search", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void when_levelsAreShown_then_eachCompletedLevelHasOneRowInOrder() {
    bench.levels(1);

    String out = text.toString();
    assertThat(out).contains("level   new states");
    assertThat(out).containsPattern("\\n\\s+1\\s+5\\s+11\\s");
    assertThat(out).containsPattern("\\n\\s+2\\s+25\\s+60\\s");
  }
}
