package dev.pbkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.rules.RuleSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The classic primary/backup search tests: each named search reaches its expected outcome with the
 * correct protocol, and with each rule switch it is meant to catch, BFS finds a short violation.
 */
class SearchScenariosTest {

  static Stream<SearchScenario> scenarios() {
    return SearchScenarios.all().stream();
  }

  static Stream<Arguments> caught() {
    List<Arguments> out = new ArrayList<>();
    for (SearchScenario s : SearchScenarios.all()) {
      for (RuleSwitch r : RuleSwitch.values()) {
        if (s.catches().contains(r)) {
          out.add(Arguments.of(s, r));
        }
      }
    }
    return out.stream();
  }

  private static void print(String what, SearchScenario.Run run) {
    System.out.println("== " + what);
    for (SearchResult r : run.phases()) {
      System.out.println("   " + r.summary());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void when_theProtocolIsCorrect_then_theSearchEndsAsExpected(SearchScenario scenario) {
    SearchScenario.Run run = scenario.run(Set.of());
    print(scenario.name() + " (correct protocol)", run);
    assertThat(run.phases()).hasSize(scenario.phases().size());
    for (SearchResult setup : run.phases().subList(0, run.phases().size() - 1)) {
      assertThat(setup.outcome()).isEqualTo(Outcome.GOAL_FOUND);
    }
    assertThat(run.last().outcome()).isNotEqualTo(Outcome.INVARIANT_VIOLATED);
    assertThat(run.last().outcome()).isNotEqualTo(Outcome.TIME_EXHAUSTED);
    assertThat(run.last().outcome()).isNotEqualTo(Outcome.STATES_EXHAUSTED);
    assertThat(scenario.isExpected(run.last().outcome(), Set.of())).isTrue();
    // no search is depth-bounded: each one explores its whole (pruned) space or reaches its goal
    assertThat(run.last().outcome()).isEqualTo(scenario.expected());
  }

  @ParameterizedTest(name = "{0} catches {1}")
  @MethodSource("caught")
  void when_aRuleIsBroken_then_bfsFindsAShortViolation(SearchScenario scenario, RuleSwitch rule) {
    SearchScenario.Run run = scenario.run(Set.of(rule));
    print(scenario.name() + " with " + rule, run);
    SearchResult last = run.last();
    assertThat(run.phases()).hasSize(scenario.phases().size());
    assertThat(last.outcome()).isEqualTo(Outcome.INVARIANT_VIOLATED);

    System.out.println(
        "   trace: "
            + run.fullTrace().size()
            + " events in all, "
            + last.depth()
            + " in the last phase; broken: "
            + last.predicate());
    System.out.print(last.traceText());
    // Calibrated bounds: the shortest counterexamples found have 3-9 events in the last phase and
    // 7-33 in all (transfer-race and amo-transfer are the longest: a server must miss deadPings
    // check intervals, so each death costs the ticks of a full dead interval). BFS finds shortest
    // traces, so a longer one means a search or protocol change, worth a look.
    assertThat(last.depth()).isLessThanOrEqualTo(9);
    assertThat(run.fullTrace()).hasSizeLessThanOrEqualTo(33);
    // the trace replays from the initial state to a violating state
    SearchState replayed =
        Search.replay(
            scenario.system().apply(Set.of(rule)).initialState(), run.fullTrace(), everything());
    assertThat(last.predicate().holds(replayed)).isFalse();
    // and so does its saved form, phase by phase, with the phases' settings
    CheckTrace saved =
        CheckTrace.parse(CheckTrace.of(scenario, Set.of(rule), run).text(), scenario.name());
    CheckTrace.Replay again = saved.replay(scenario);
    assertThat(again.reproduced()).isTrue();
    assertThat(again.events()).isEqualTo(run.fullTrace());
  }

  /** Settings that forbid nothing, for replaying a trace across phases. */
  private static SearchSettings everything() {
    return new SearchSettings();
  }
}
