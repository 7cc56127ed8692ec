package dev.pbkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.rules.RuleSwitch;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Breadth-first search by fingerprints finds what a search keeping whole states finds. */
class FingerprintTest {

  /** Every state reachable under the settings' prunes, de-duplicated by {@code equals}. */
  private static Set<SearchState> exact(SearchState root, SearchSettings settings) {
    Set<SearchState> seen = new HashSet<>();
    ArrayDeque<SearchState> queue = new ArrayDeque<>();
    seen.add(root);
    queue.add(root);
    while (!queue.isEmpty()) {
      SearchState s = queue.poll();
      if (settings.pruned(s)) {
        continue;
      }
      for (Event e : s.events(settings)) {
        SearchState n = s.stepUnlinked(e);
        if (seen.add(n)) {
          queue.add(n);
        }
      }
    }
    return seen;
  }

  @Test
  void when_theSpaceIsExhausted_then_fingerprintsCountExactlyTheDistinctStates() {
    SearchScenario scenario = SearchScenarios.reverseForwards();
    SearchScenario.Run run = scenario.run(Set.of());
    SearchState root = run.phases().get(run.phases().size() - 2).state();
    SearchSettings settings = scenario.phases().get(scenario.phases().size() - 1).settings().get();
    Set<SearchState> all = exact(root, settings);
    SearchResult r = run.last();
    System.out.println("exact: " + all.size() + " states; BFS: " + r.summary());
    assertThat(r.outcome()).isEqualTo(Outcome.SPACE_EXHAUSTED);
    assertThat(all.size()).isGreaterThan(5_000);
    assertThat(r.states()).isEqualTo(all.size());
    // equal states have equal fingerprints, different ones different ones
    Set<List<Long>> fingerprints = new HashSet<>();
    for (SearchState s : all) {
      fingerprints.add(List.of(s.fingerprintHigh(), s.fingerprintLow()));
    }
    assertThat(fingerprints).hasSize(all.size());
  }

  @Test
  void when_bfsRunsOnOneOrTwoThreads_then_itFindsTheSameTraceAndCount() {
    SearchScenario scenario = SearchScenarios.failover();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK);
    SearchScenario.Run one = scenario.run(rules, s -> s.threads(1), null, new Search.Stats());
    SearchScenario.Run two = scenario.run(rules, s -> s.threads(2), null, new Search.Stats());
    assertThat(one.last().outcome()).isEqualTo(Outcome.INVARIANT_VIOLATED);
    assertThat(two.fullTrace()).isEqualTo(one.fullTrace());
    assertThat(two.last().states()).isEqualTo(one.last().states());
  }

  @Test
  void when_manyFingerprintsAreAdded_then_theSetKeepsEachOnce() {
    FingerprintSet set = new FingerprintSet(16);
    long seed = 11;
    System.out.println("seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    long[][] added = new long[50_000][];
    for (int i = 0; i < added.length; i++) {
      added[i] = new long[] {rnd.nextLong(), rnd.nextLong()};
      assertThat(set.add(added[i][0], added[i][1])).isTrue();
    }
    assertThat(set.add(0, 0)).isTrue(); // the empty marker is remapped, not lost
    assertThat(set.contains(0, 0)).isTrue();
    for (long[] f : added) {
      assertThat(set.add(f[0], f[1])).isFalse();
      assertThat(set.contains(f[0], f[1])).isTrue();
    }
    assertThat(set.contains(added[0][0], added[0][1] + 1)).isFalse();
    assertThat(set.size()).isEqualTo(added.length + 1);
    assertThat(set.bytes()).isLessThan(16L * 4 * added.length);
  }
}
