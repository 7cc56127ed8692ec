package dev.pbkv.cli;

import dev.pbkv.mutex.MutexRule;
import dev.pbkv.sim.mutex.MutexDemo;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv mutex-demo}: Lamport's mutual exclusion in the simulator, narrated and checked. */
@Command(
    name = "mutex-demo",
    header = "Run Lamport's mutual exclusion in the simulator and show the grants.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs Lamport's mutual exclusion (a lock built from Lamport clocks alone) in",
      "the simulator: every node asks for the lock a few times, holds it a while and",
      "releases it. Requests are queued by (timestamp, node); a node enters when its",
      "own request heads its queue and every other node has sent it a later-stamped",
      "message. Messages travel over a reliable FIFO channel (sequence numbers,",
      "retransmission, de-duplication), so loss, duplication and reordering slow the",
      "lock down but do not break it.",
      "",
      "Tells each request, grant and release, then checks: never two holders (safe),",
      "every request granted (live), grants in (timestamp, node) order (fair).",
      "Exit code 0 when all three hold, 1 otherwise. A seed reproduces its run.",
      "",
      "The algorithm does not tolerate crashed nodes: a node that crashes never",
      "acknowledges and never releases, so every other node waits forever. This demo",
      "crashes none."
    },
    footer = {
      "",
      "Examples:  pbkv mutex-demo --nodes 5 --seed 7 --drop 0.1 --duplicate 0.1",
      "           pbkv mutex-demo --break ENTER_WITHOUT_ALL_ACKS   (two holders at once)"
    })
final class MutexDemoCommand implements Callable<Integer> {
  static final int MAX_NODES = 50;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @picocli.CommandLine.Mixin TraceOutput traceOutput;

  @Option(
      names = "--nodes",
      description = "nodes sharing the lock, 1 to " + MAX_NODES + " (default: ${DEFAULT-VALUE})")
  int nodes = 5;

  @Option(names = "--seed", description = "reproduces a run exactly (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(
      names = "--drop",
      converter = ProbabilityConverter.class,
      description = "message loss probability, 0 to below 1 (default: 0)")
  double drop;

  @Option(
      names = "--duplicate",
      converter = ProbabilityConverter.class,
      description = "message duplication probability, 0..1 (default: 0)")
  double duplicate;

  @Option(
      names = "--requests",
      description = "how often each node asks for the lock (default: ${DEFAULT-VALUE})")
  int requests = 3;

  @Option(
      names = "--break",
      paramLabel = "RULE",
      description =
          "break the algorithm on purpose to see what the rule prevents; one of:"
              + " ${COMPLETION-CANDIDATES}")
  List<MutexRule> broken = List.of();

  @Override
  public Integer call() {
    traceOutput.checkWritable();
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new UserError("--nodes must be between 1 and " + MAX_NODES + ", got " + nodes);
    }
    if (drop >= 1) {
      throw new UserError(
          "--drop must be below 1: if every message is lost no request is ever granted");
    }
    if (requests < 1) {
      throw new UserError("--requests must be at least 1, got " + requests);
    }
    PrintWriter out = spec.commandLine().getOut();
    MutexDemo.Options options =
        MutexDemo.Options.of(nodes, seed)
            .withFaults(drop, duplicate)
            .withRequestsPerNode(requests)
            .withRules(broken.isEmpty() ? Set.of() : EnumSet.copyOf(broken));
    out.println(
        "Lamport's mutual exclusion in the simulator: seed "
            + seed
            + ", message loss "
            + drop
            + ", duplication "
            + duplicate);
    out.println();
    dev.pbkv.sim.TraceRecorder[] recorder = new dev.pbkv.sim.TraceRecorder[1];
    MutexDemo.Report report =
        MutexDemo.run(
            options,
            out::println,
            sim -> {
              if (traceOutput.wanted()) {
                recorder[0] = dev.pbkv.sim.TraceRecorder.attach(sim);
              }
            });
    if (recorder[0] != null) {
      traceOutput.write(recorder[0].trace(), out);
    }
    out.println();
    out.println(
        "grants in order (the granted request's stamp, time@node): "
            + report.grants().stream()
                .map(g -> g.request().toString())
                .collect(Collectors.joining(" ")));
    for (String problem : report.problems()) {
      out.println("problem: " + problem);
    }
    out.println(report.summary());
    return report.passed() ? 0 : 1;
  }
}
