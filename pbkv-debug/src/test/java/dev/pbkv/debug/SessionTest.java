package dev.pbkv.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.sim.scenario.Scenarios;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Undo, redo and branches: nothing taken is ever lost. */
class SessionTest {
  static Session splitBrain() {
    return new Session(
        ScenarioStart.of(Scenarios.byName("split-brain").orElseThrow(), 1, Set.of()));
  }

  @Test
  void when_anotherActionIsTakenAfterUndo_then_bothBranchesStay() {
    Session s = splitBrain();
    s.runPlan(w -> false, 10);
    Session.Node fork = s.current();
    s.next();
    Session.Node planned = s.current();
    assertThat(s.undo()).isTrue();
    assertThat(s.current()).isSameAs(fork);
    long someId = s.world().inFlight().keySet().iterator().next();
    s.apply(new Action.Drop(someId));
    assertThat(s.current().planIndex()).as("off the plan").isEqualTo(-1);
    assertThat(s.nextPlanned()).isNull();
    assertThat(fork.children()).hasSize(2).contains(planned);
    s.go(planned.id());
    assertThat(s.current().planIndex()).isEqualTo(11);
    assertThat(s.nextPlanned()).isNotNull();
    s.go(fork.id());
    assertThat(s.redo()).isTrue();
    assertThat(s.current()).isNotSameAs(fork);
  }

  @Test
  void when_theSameActionIsTakenAgain_then_theExistingStateIsReused() {
    Session s = splitBrain();
    s.next();
    Session.Node first = s.current();
    s.undo();
    s.next();
    assertThat(s.current()).isSameAs(first);
    assertThat(s.nodes()).hasSize(2);
  }

  @Test
  void when_anActionIsImpossible_then_theStateDoesNotChange() {
    Session s = splitBrain();
    Session.Node before = s.current();
    assertThatThrownBy(() -> s.apply(Action.parse("deliver m1")))
        .hasMessageContaining("no message m1");
    assertThat(s.current()).isSameAs(before);
    assertThat(s.undo()).isFalse();
  }
}
