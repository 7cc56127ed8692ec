package dev.pbkv.cli;

import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.RandomRun;
import dev.pbkv.sim.RandomRunOptions;
import dev.pbkv.sim.RandomRunReport;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv sim}: a random workload under random faults, then the checks. */
@Command(
    name = "sim",
    header = "Run a random workload under random faults and check it.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a random workload (clients appending unique tokens and reading) under random faults",
      "in the simulator, heals everything, and checks that nothing acknowledged was lost, nothing",
      "was applied twice, no read went back in time, and every pending op completed.",
      "The seed reproduces the run exactly. Exit code 1 on a violation."
    },
    footer = {
      "",
      "Example:  pbkv sim --seed 7 --drop 0.1 --duplicate 0.1 --partitions --crashes --pauses"
    })
final class SimCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", description = "reproduces a run exactly (default: random, printed)")
  Long seed;

  @Option(names = "--servers", description = "servers (default: ${DEFAULT-VALUE})")
  int servers = 3;

  @Option(names = "--clients", description = "client sessions (default: ${DEFAULT-VALUE})")
  int clients = 5;

  @Option(names = "--keys", description = "keys the workload touches (default: ${DEFAULT-VALUE})")
  int keys = 5;

  @Option(
      names = "--duration",
      converter = DurationConverter.class,
      description = "virtual time with faults, e.g. 30s (default: 30s)")
  long durationMillis = 30_000;

  @Option(
      names = "--drop",
      converter = ProbabilityConverter.class,
      description = "message loss probability, 0..1 (default: 0)")
  double drop;

  @Option(
      names = "--duplicate",
      converter = ProbabilityConverter.class,
      description = "message duplication probability, 0..1 (default: 0)")
  double duplicate;

  @Option(names = "--partitions", description = "inject partitions and one-way cuts")
  boolean partitions;

  @Option(names = "--crashes", description = "crash servers and restart them empty")
  boolean crashes;

  @Option(names = "--pauses", description = "pause servers past the dead-ping timeout (zombies)")
  boolean pauses;

  @Option(names = "--replays", description = "deliver old messages again much later")
  boolean replays;

  @Option(
      names = "--break",
      paramLabel = "RULE",
      description = "break a rule on purpose; one of: ${COMPLETION-CANDIDATES}")
  List<RuleSwitch> broken = List.of();

  @Option(
      names = {"-v", "--verbose"},
      description = "list every fault injected")
  boolean verbose;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    long s = seed != null ? seed : new java.util.SplittableRandom().nextLong(1, 1_000_000_000L);
    RandomRunOptions options;
    try {
      options =
          new RandomRunOptions(
              s,
              servers,
              clients,
              keys,
              durationMillis,
              drop,
              duplicate,
              partitions,
              crashes,
              pauses,
              replays,
              Set.copyOf(broken));
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    out.println("seed " + s + "  (reproduce with: pbkv sim --seed " + s + " …same flags)");
    out.printf(
        Locale.ROOT,
        "%d servers, %d clients, %d keys, %.1f s; drop %.0f%%, duplicate %.0f%%%s%s%s%s%s%n",
        servers,
        clients,
        keys,
        durationMillis / 1000.0,
        drop * 100,
        duplicate * 100,
        partitions ? ", partitions" : "",
        crashes ? ", crashes" : "",
        pauses ? ", pauses" : "",
        replays ? ", replays" : "",
        broken.isEmpty() ? "" : ", BROKEN: " + broken);
    long t0 = System.nanoTime();
    RandomRunReport report = new RandomRun(options).run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (verbose) {
      report.faults().forEach(f -> out.println("  fault " + f));
    }
    out.printf(
        Locale.ROOT,
        "ops: %d completed, %d indeterminate; views reached: %d; faults: %d%n",
        report.opsCompleted(),
        report.opsIndeterminate(),
        report.viewsReached(),
        report.faults().size());
    out.printf(
        Locale.ROOT,
        "events: %,d in %.2f s of wall time (%,.0f events/s), %.1f s of virtual time%n",
        report.events(),
        seconds,
        report.events() / seconds,
        report.virtualMillis() / 1000.0);
    if (report.passed()) {
      out.println(
          "verdict: OK — nothing lost, nothing duplicated, no stale read, all ops completed after healing");
      return 0;
    }
    if (report.stuck() != null) {
      out.println("verdict: STUCK — " + report.stuck());
    }
    if (!report.violations().isEmpty()) {
      out.println("verdict: VIOLATION — " + report.violations().size() + " found:");
      report.violations().stream().limit(10).forEach(v -> out.println("  " + v));
    }
    return 1;
  }
}
