package dev.pbkv.cli;

import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.scenario.Check;
import dev.pbkv.sim.scenario.Scenario;
import dev.pbkv.sim.scenario.ScenarioResult;
import dev.pbkv.sim.scenario.Scenarios;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv scenario list | NAME}: the lecture's failure scenarios in the simulator. */
@Command(
    name = "scenario",
    header = "Replay one of the lecture's failure scenarios, step by step.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs one of the lecture's failure scenarios in the simulator and tells, step by step,",
      "what happened: views, who served what, what was rejected and why, and the verdict.",
      "Exit code 0 when the outcome is the correct one, 1 when it is not."
    },
    footer = {
      "",
      "Example:  pbkv scenario split-brain",
      "          pbkv scenario stale-reads --break SERVE_READS_LOCALLY"
    })
final class ScenarioCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "NAME",
      description = "'list', or a scenario name from 'pbkv scenario list'")
  String name;

  @Option(
      names = "--seed",
      description = "seed of the simulated network (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(
      names = "--break",
      paramLabel = "RULE",
      description =
          "break a rule on purpose to see the anomaly it prevents; one of: ${COMPLETION-CANDIDATES}")
  List<RuleSwitch> broken = List.of();

  @picocli.CommandLine.Mixin TraceOutput traceOutput;

  @Option(names = "--json", description = "print one JSON object instead (docs/json.md)")
  boolean json;

  @Override
  public Integer call() {
    traceOutput.checkWritable();
    PrintWriter out = json ? Json.discard() : spec.commandLine().getOut();
    if (name.equals("list")) {
      if (json) {
        Json.print(listJson(), spec.commandLine().getOut());
      } else {
        list(out);
      }
      return 0;
    }
    Scenario scenario =
        Scenarios.byName(name)
            .orElseThrow(
                () ->
                    new UserError(
                        "unknown scenario '"
                            + name
                            + "'; expected one of: "
                            + Scenarios.all().stream()
                                .map(Scenario::name)
                                .collect(Collectors.joining(", "))));
    out.println("scenario " + scenario.name() + ": " + scenario.summary());
    out.println("seed " + seed + (broken.isEmpty() ? "" : ", broken on purpose: " + broken));
    out.println();
    EnumSet<RuleSwitch> rules =
        broken.isEmpty() ? EnumSet.noneOf(RuleSwitch.class) : EnumSet.copyOf(broken);
    dev.pbkv.sim.TraceRecorder[] recorder = new dev.pbkv.sim.TraceRecorder[1];
    ScenarioResult result =
        Scenarios.run(
            scenario,
            seed,
            rules,
            out::println,
            cluster -> {
              if (traceOutput.wanted()) {
                recorder[0] =
                    dev.pbkv.sim.TraceRecorder.attach(cluster.sim()).recordCalls(cluster.history());
              }
            });
    if (recorder[0] != null) {
      out.println();
      traceOutput.write(recorder[0].trace(), out);
    }
    out.println();
    List<Check> failures = result.failures();
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
      o.put("scenario", scenario.name());
      o.put("summary", scenario.summary());
      o.put("seed", seed);
      o.set("broken", Json.strings(rules));
      o.set("narration", Json.strings(result.narration()));
      com.fasterxml.jackson.databind.node.ArrayNode checks = o.putArray("checks");
      for (Check c : result.checks()) {
        checks
            .addObject()
            .put("expectation", c.expectation())
            .put("passed", c.passed())
            .put("detail", c.detail());
      }
      o.put("passed", result.passed());
      o.put("exit", result.passed() ? 0 : 1);
      Json.print(o, spec.commandLine().getOut());
    }
    if (result.passed()) {
      out.println("verdict: correct — all " + result.checks().size() + " checks held");
      return 0;
    }
    out.println(
        "verdict: WRONG OUTCOME — "
            + failures.size()
            + " of "
            + result.checks().size()
            + " checks failed:");
    for (Check c : failures) {
      out.println("  " + c);
    }
    return 1;
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode listJson() {
    com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
    com.fasterxml.jackson.databind.node.ArrayNode scenarios = o.putArray("scenarios");
    for (Scenario s : Scenarios.all()) {
      scenarios.addObject().put("name", s.name()).put("summary", s.summary());
    }
    com.fasterxml.jackson.databind.node.ArrayNode rules = o.putArray("rules");
    for (RuleSwitch r : RuleSwitch.values()) {
      rules
          .addObject()
          .put("name", r.name())
          .put("rule", String.valueOf(r.rule()))
          .put("description", r.description());
    }
    return o;
  }

  private static void list(PrintWriter out) {
    out.println("Scenarios (run one with: pbkv scenario NAME [--seed N] [--break RULE]):");
    for (Scenario s : Scenarios.all()) {
      out.printf("  %-34s %s%n", s.name(), s.summary());
    }
    out.println();
    out.println("Rules you can break with --break:");
    for (RuleSwitch r : RuleSwitch.values()) {
      out.printf("  %-30s (%s) %s%n", r.name(), r.rule(), r.description());
    }
  }
}
