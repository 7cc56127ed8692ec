package dev.pbkv.cli;

import dev.pbkv.sim.bench.SimBenchmark;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv sim-bench}: simulated events per second. */
@Command(
    name = "sim-bench",
    header = "Measure the simulator's events per second.",
    footer = {"", "Example:  pbkv sim-bench"},
    mixinStandardHelpOptions = true,
    description = {
      "Measures the simulator's speed: a primary, a backup and many closed-loop clients doing",
      "puts and gets without faults. Warms up, then reports each round and the best."
    })
final class SimBenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--clients", description = "client sessions (default: ${DEFAULT-VALUE})")
  int clients = 50;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "virtual time per round (default: 60s)")
  long virtualMillis = 60_000;

  @Option(names = "--rounds", description = "measured rounds (default: ${DEFAULT-VALUE})")
  int rounds = 5;

  @Override
  public Integer call() {
    if (clients < 1 || rounds < 1) {
      throw new UserError("--clients and --rounds must be at least 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println("warming up …");
    SimBenchmark.round(0, clients, virtualMillis);
    SimBenchmark.round(0, clients, virtualMillis);
    double best = 0;
    for (int i = 1; i <= rounds; i++) {
      SimBenchmark.Round r = SimBenchmark.round(i, clients, virtualMillis);
      out.println("round " + i + ": " + r);
      best = Math.max(best, r.eventsPerSecond());
    }
    out.printf(Locale.ROOT, "best: %,.0f events/s%n", best);
    return 0;
  }
}
