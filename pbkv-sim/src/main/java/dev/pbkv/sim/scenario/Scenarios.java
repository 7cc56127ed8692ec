package dev.pbkv.sim.scenario;

import dev.pbkv.rules.RuleSwitch;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/** The catalogue of lecture scenarios, and the runner. */
public final class Scenarios {
  private Scenarios() {}

  /** Every scenario, in the lecture's order. */
  public static List<Scenario> all() {
    return List.of(
        new SplitBrain(),
        new MissingWrites(),
        new LostForward(),
        new StaleReads(),
        new OldMessages(),
        new OutdatedClient(),
        new TransferInterleaving(),
        new DuplicateWrites(),
        new OneMoreCornerCase(),
        new ProgressViewServiceDown(),
        new ProgressPrimaryFailsBeforeAck(),
        new ProgressNoBackup(),
        new ProgressClientsCutFromPrimary(),
        new SlowLinkTransfer(),
        new SlowLinkForwards(),
        new BigAppendSessions(),
        new SizeLimitsScenario(),
        new RestartSameBootId(),
        new RestartLowerBootId(),
        new ViewServiceRestartMidViewChange(),
        new ViewServiceDiesBetweenWriteAndReply(),
        new ViewServiceStoreUnavailable(),
        new TwoViewServiceLeaders(),
        new ViewServiceLeaderDiesBetweenWriteAndReply(),
        new ViewServiceFailover(),
        new ForeignView());
  }

  public static Optional<Scenario> byName(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /** Runs {@code scenario}; {@code live} receives each narration line as it happens. */
  public static ScenarioResult run(
      Scenario scenario, long seed, Set<RuleSwitch> rules, Consumer<String> live) {
    return run(scenario, seed, rules, live, cluster -> {});
  }

  /**
   * Runs {@code scenario}; {@code setup} sees the cluster before any node starts (e.g. to record a
   * trace); {@code live} receives each narration line as it happens.
   */
  public static ScenarioResult run(
      Scenario scenario,
      long seed,
      Set<RuleSwitch> rules,
      Consumer<String> live,
      Consumer<dev.pbkv.sim.Cluster> setup) {
    ScenarioRun run = new ScenarioRun(seed, rules, live, setup);
    if (!rules.isEmpty()) {
      run.say("rules broken on purpose: " + rules);
    }
    try {
      scenario.script(run);
    } catch (ScenarioRun.Aborted aborted) {
      run.say("script stopped: a precondition did not hold");
    }
    if (scenario instanceof ViewServiceScenario) {
      run.checkViewService();
    }
    run.checkLinearizable();
    return run.result(scenario.name());
  }

  public static ScenarioResult run(Scenario scenario, long seed, Set<RuleSwitch> rules) {
    return run(scenario, seed, rules, line -> {});
  }
}
