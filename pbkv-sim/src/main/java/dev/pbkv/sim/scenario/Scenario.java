package dev.pbkv.sim.scenario;

/**
 * One failure scenario from the primary/backup lecture, scripted in the simulator. A scenario
 * narrates what happens in plain words and checks the outcome the protocol must produce; with a
 * rule switched off, the same checks show the anomaly the rule prevents.
 */
public interface Scenario {

  /** The command-line name, e.g. {@code split-brain}. */
  String name();

  /** The lecture slide's question, in a sentence. */
  String summary();

  /** Runs the script with the run's seed and rule switches, reporting into {@code run}. */
  void script(ScenarioRun run);

  /**
   * Why the debugger ({@code pbkv debug --scenario}) cannot replay this scenario, or {@code null}
   * when it can.
   */
  default String notInDebugger() {
    return null;
  }
}
