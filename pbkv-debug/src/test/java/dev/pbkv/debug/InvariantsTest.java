package dev.pbkv.debug;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.check.CheckTrace;
import dev.pbkv.check.SearchScenario;
import dev.pbkv.check.SearchScenarios;
import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.scenario.Scenarios;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each invariant catches the bug planted for it (a rule switch), at the step that shows it, and
 * stays quiet on the same steps with the rule kept.
 */
class InvariantsTest {
  /** split-brain's plan up to the view service's reply that tells B about view 3. */
  static Session splitBrainAtViewThree(Set<RuleSwitch> rules) {
    Session s =
        new Session(ScenarioStart.of(Scenarios.byName("split-brain").orElseThrow(), 1, rules));
    while (!s.start().plan().steps().isEmpty()) {
      Plan.PlanStep next = s.nextPlanned();
      if (next.expect() != null && next.expect().equals("vs -> B: ViewReply[view=3:B,C]")) {
        return s;
      }
      s.next();
    }
    throw new AssertionError("unreachable");
  }

  /** Holds B's view 3 back; c1 learns view 3 and sends to B, still A's backup in view 2. */
  static void clientReachesStaleBackup(Session s) {
    Address c1 = Address.of("c1");
    s.apply(new Action.Submit(c1, new Command.Put("x", "2")));
    s.apply(new Action.Fire(c1, "RetryTick[seq=2, intervalMillis=100]"));
    s.apply(new Action.Deliver(find(s, "c1 -> vs: GetView[]")));
    s.apply(new Action.Deliver(find(s, "vs -> c1: ViewReply[view=3:B,C]")));
    s.apply(new Action.Deliver(find(s, "c1 -> B: Request[seq=2, command=put x 2, viewNum=3]")));
  }

  static long find(Session s, String envelope) {
    for (long id : s.world().inFlight().keySet()) {
      if (s.world().sent(id).envelope().toString().equals(envelope)) {
        return id;
      }
    }
    throw new AssertionError("not in flight: " + envelope);
  }

  @Test
  void when_aNonPrimaryServes_then_onePrimaryPerViewBreaksAtThatReply() {
    Session s = splitBrainAtViewThree(Set.of(RuleSwitch.NON_PRIMARY_SERVES));
    clientReachesStaleBackup(s);
    World.Violation v = s.world().violation();
    assertThat(v).isNotNull();
    assertThat(v.invariant()).isEqualTo(Invariants.ONE_PRIMARY);
    assertThat(v.step()).isEqualTo(s.world().step());
    assertThat(v.node()).isEqualTo(Address.of("B"));
    assertThat(v.explanation())
        .contains("B answered c1 in view 2, where A had answered clients already", "rule 4");
    assertThat(s.world().trace())
        .anyMatch(e -> e.kind() == dev.pbkv.trace.TraceEvent.Kind.VIOLATION);
  }

  @Test
  void when_rule4IsKept_then_theSameStepsBreakNothing() {
    Session s = splitBrainAtViewThree(Set.of());
    clientReachesStaleBackup(s);
    assertThat(s.world().violation()).isNull();
    assertThat(s.world().broken()).isEmpty();
    assertThat(s.world().trace())
        .anyMatch(e -> e.node().equals("B") && e.label().startsWith("WrongServer"));
  }

  @Test
  void when_theBackupMissesAnAcknowledgedWrite_then_nothingLostBreaksBeforeAnyoneReads() {
    SearchScenario scenario = SearchScenarios.failover();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK);
    Session s = new Session(CheckStart.of(CheckTrace.of(scenario, rules, scenario.run(rules))));
    int lostAt = -1;
    while (s.next()) {
      if (lostAt < 0 && s.world().broken().containsKey(Invariants.NOTHING_LOST)) {
        lostAt = s.world().step();
        assertThat(s.world().broken()).doesNotContainKey(Invariants.LINEARIZABLE);
        assertThat(s.world().broken().get(Invariants.NOTHING_LOST))
            .contains("s2 is the primary of view 3 and serves", "k = (absent)");
      }
    }
    assertThat(lostAt).isPositive();
    assertThat(s.world().violation().invariant()).isEqualTo(Invariants.NOTHING_LOST);
    assertThat(s.world().violation().step()).isEqualTo(lostAt);
    // the model checker's own finding: the get returns nothing after the append returned
    assertThat(s.world().broken()).containsKey(Invariants.LINEARIZABLE);
    assertThat(s.world().step()).isGreaterThan(lostAt);
  }

  @Test
  void when_theScenariosRunCorrectly_then_noInvariantBreaksOnTheirWay() {
    for (var sc : List.of("missing-writes", "stale-reads", "duplicate-writes")) {
      Session s = new Session(ScenarioStart.of(Scenarios.byName(sc).orElseThrow(), 1, Set.of()));
      s.runPlan(w -> false, Integer.MAX_VALUE);
      assertThat(s.world().violation()).as(sc).isNull();
      assertThat(s.world().ops()).as(sc).isNotEmpty();
    }
  }

  @Test
  void when_aReadIsServedLocally_then_theScenarioPlanBreaksLinearizability() {
    Session s =
        new Session(
            ScenarioStart.of(
                Scenarios.byName("stale-reads").orElseThrow(),
                1,
                Set.of(RuleSwitch.SERVE_READS_LOCALLY)));
    s.runPlan(w -> w.violation() != null, Integer.MAX_VALUE);
    assertThat(s.world().violation()).isNotNull();
    assertThat(s.world().violation().invariant()).isEqualTo(Invariants.LINEARIZABLE);
    assertThat(s.world().violation().explanation()).contains("key \"x\"");
  }
}
