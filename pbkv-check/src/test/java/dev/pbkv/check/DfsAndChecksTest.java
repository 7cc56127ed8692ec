package dev.pbkv.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.rules.RuleSwitch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DfsAndChecksTest {

  private static SearchSettings lastPhaseAsDfs(SearchSettings s) {
    // a budget in work, not time: the violation is found within a few hundred states (50 with seed
    // 42
    // on this machine), so 5,000,000 is only a bound against a search that never ends
    return s.maxDepth(40).maxStates(5_000_000);
  }

  @Test
  void when_clientRetriesWithNewSeq_then_randomDfsFindsItAndTheTraceIsMinimized() {
    SearchScenario scenario = SearchScenarios.singleServerSpace();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.CLIENT_RETRIES_WITH_NEW_SEQ);
    long seed = 42;
    SearchScenario.Run run =
        scenario.run(rules, DfsAndChecksTest::lastPhaseAsDfs, seed, new Search.Stats());
    SearchResult r = run.last();
    System.out.println("DFS: " + r.summary() + "\n" + r.traceText());
    assertThat(r.outcome()).isEqualTo(Outcome.INVARIANT_VIOLATED);
    assertThat(r.seed()).isBetween(seed, seed + 16);
    // Calibrated: minimized, the trace cannot be shorter than BFS's shortest counterexample (7
    // events, SearchScenariosTest), and minimization left 7 to 9 events in the runs seen; 12 leaves
    // room for another thread's probe winning the race (the seed is thread-dependent) while a
    // minimizer that stopped removing events would leave 20 or more.
    assertThat(r.trace()).hasSizeBetween(7, 12);
    SearchState end =
        Search.replay(
            scenario.system().apply(rules).initialState(), r.trace(), new SearchSettings());
    assertThat(r.predicate().holds(end)).isFalse();
  }

  @Test
  void when_theStateBudgetRunsOut_then_bfsStopsAtTheSameLevelWithTheSameCount_onAnyThreads() {
    SearchScenario scenario = SearchScenarios.singleServerSpace(); // 442 states in all
    SearchResult one =
        scenario.run(Set.of(), s -> s.maxStates(100).threads(1), null, new Search.Stats()).last();
    SearchResult four =
        scenario.run(Set.of(), s -> s.maxStates(100).threads(4), null, new Search.Stats()).last();
    System.out.println("BFS with a budget of 100 states: " + one.summary());
    assertThat(one.outcome()).isEqualTo(Outcome.STATES_EXHAUSTED);
    assertThat(one.states()).isBetween(101L, 441L);
    assertThat(four.outcome()).isEqualTo(Outcome.STATES_EXHAUSTED);
    assertThat(four.states()).isEqualTo(one.states());
    assertThat(four.depth()).isEqualTo(one.depth());
  }

  @Test
  void when_theProtocolIsCorrect_then_randomDfsProbesOfTheFailoverFindNoViolation() {
    SearchScenario scenario = SearchScenarios.failover();
    SearchScenario.Run run =
        scenario.run(Set.of(), s -> s.maxDepth(30).maxStates(20_000), 7L, new Search.Stats());
    SearchResult r = run.last();
    System.out.println("DFS: " + r.summary());
    assertThat(r.outcome()).isEqualTo(Outcome.STATES_EXHAUSTED);
    assertThat(r.states()).isGreaterThanOrEqualTo(20_000);
  }

  @Test
  void when_anAppendIsRepliedBeforeTheBackupAck_then_randomDfsFindsTheLostAppend() {
    SearchScenario scenario = SearchScenarios.failover();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK);
    SearchScenario.Run run =
        // found within about 100,000 states (90,794 on this machine); the budget bounds, not times
        scenario.run(rules, s -> s.maxDepth(30).maxStates(5_000_000), 1L, new Search.Stats());
    SearchResult r = run.last();
    System.out.println("DFS: " + r.summary() + "\n" + r.traceText());
    assertThat(r.outcome()).isEqualTo(Outcome.INVARIANT_VIOLATED);
    assertThat(r.trace().size()).isLessThanOrEqualTo(run.phases().get(1).trace().size() + 12);
  }

  @Test
  void when_theNodesAreDeterministicAndCopyable_then_checksModeFindsNothing() {
    SearchState init =
        CheckSystem.create()
            .servers(2)
            .client(CheckSystem.append("k", "x"), CheckSystem.get("k"))
            .initialState();
    List<String> problems = Search.checks(init, new SearchSettings(), 3_000);
    assertThat(problems).isEmpty();
  }

  record Go() implements Timer {}

  record Hello() implements Message {}

  /** A node whose handler is nondeterministic (static mutable state), or whose copy is shallow. */
  static final class Bad implements Copyable {
    static int calls; // static mutable state: forbidden, and what the checks mode must catch
    final boolean shallow;
    int[] seen = new int[1];

    Bad(boolean shallow) {
      this.shallow = shallow;
    }

    @Override
    public void init(Effects fx) {
      fx.setTimer(new Go(), 10);
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {}

    @Override
    public void onTimer(Timer timer, Effects fx) {
      seen[0] += shallow ? 1 : ++calls;
    }

    @Override
    public Bad copy() {
      Bad b = new Bad(shallow);
      b.seen = shallow ? seen : seen.clone();
      return b;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bad b && b.seen[0] == seen[0];
    }

    @Override
    public int hashCode() {
      return seen[0];
    }
  }

  @Test
  void when_aHandlerIsNondeterministicOrACopyShallow_then_checksModeReportsIt() {
    LinkedHashMap<Address, Node> nodes = new LinkedHashMap<>();
    nodes.put(Address.of("random"), new Bad(false));
    nodes.put(Address.of("shallow"), new Bad(true));
    List<String> problems = Search.checks(SearchState.initial(nodes), new SearchSettings(), 10);
    System.out.println(problems);
    assertThat(problems).anyMatch(p -> p.contains("nondeterministic"));
    assertThat(problems).anyMatch(p -> p.contains("shallow"));
  }
}
