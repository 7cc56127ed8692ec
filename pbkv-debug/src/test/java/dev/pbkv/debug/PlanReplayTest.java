package dev.pbkv.debug;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.sim.scenario.Scenario;
import dev.pbkv.sim.scenario.Scenarios;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A scenario's run, recorded from the simulator, replays step for step on the debugger's own copies
 * of the nodes: every planned delivery and timer is the one the simulator handled.
 */
class PlanReplayTest {
  static java.util.List<Scenario> scenarios() {
    return Scenarios.all().stream().filter(s -> s.notInDebugger() == null).toList();
  }

  @ParameterizedTest
  @MethodSource("scenarios")
  void when_aScenarioPlanIsFollowed_then_theDebuggerHandlesWhatTheSimulatorHandled(Scenario sc) {
    Start start = ScenarioStart.of(sc, 1, Set.of());
    Session s = new Session(start);
    int steps = s.runPlan(w -> false, Integer.MAX_VALUE);
    assertThat(steps).isEqualTo(start.plan().steps().size()).isGreaterThan(20);
    assertThat(s.nextPlanned()).isNull();
    assertThat(s.world().violation()).as("a correct protocol breaks no invariant").isNull();
    System.out.println(
        sc.name() + ": " + steps + " steps, " + s.world().trace().size() + " events");
  }
}
