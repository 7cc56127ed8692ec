package dev.pbkv.cli;

import dev.pbkv.history.AppendCheck;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.Cluster;
import dev.pbkv.sim.SimListener;
import dev.pbkv.sim.Simulation;
import dev.pbkv.view.View;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pbkv demo}: a failover, end to end — with real processes ({@link ProcessDemo}) or, with
 * {@code --simulated}, in the simulator (virtual time): a view service, three servers, clients
 * appending unique tokens; the primary is killed, then the new primary, fresh servers come back,
 * and at the end everything is read back and checked.
 */
@picocli.CommandLine.Command(
    name = "demo",
    header = "Show a failover end to end and check nothing was lost.",
    footer = {
      "",
      "Example:  pbkv demo",
      "          pbkv demo --simulated",
      "          pbkv demo --keep-logs",
      "          pbkv demo --ha"
    },
    mixinStandardHelpOptions = true,
    description = {
      "Shows failover end to end: a view service and three servers, clients appending unique",
      "tokens, the primary killed, then the new primary killed, fresh servers started; then every",
      "acknowledged write is read back and checked. Exit code 1 if anything was lost.",
      "",
      "By default the view service and servers are separate processes on 127.0.0.1, killed with",
      "SIGKILL; it takes about half a minute. With --simulated the same story runs in the",
      "simulator, in virtual time, in a second. With --ha the view service is replicated on",
      "ZooKeeper (three ZooKeeper servers inside this process, three view-service replicas), and",
      "the leading view service and the primary are killed at the same moment, twice."
    })
final class DemoCommand implements Callable<Integer> {
  private static final int KEYS = 8;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--simulated", description = "run the cluster in the simulator instead")
  boolean simulated;

  @Option(
      names = "--seed",
      description = "with --simulated: seed of the simulated network (default: ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(
      names = "--ha",
      description =
          "no single point of failure: the view service replicated on ZooKeeper; kills the"
              + " leading view service and the primary at once")
  boolean ha;

  @Option(
      names = "--zk-session-timeout",
      paramLabel = "DURATION",
      description =
          "with --ha: the view-service replicas' ZooKeeper session timeout (default:"
              + " ${DEFAULT-VALUE})")
  String zkSessionTimeout = "1s";

  @Option(names = "--clients", description = "client sessions (default: ${DEFAULT-VALUE})")
  int clients = 8;

  @Option(
      names = "--tls",
      description =
          "run the cluster with TLS and authentication: certificates from pbkv certs (in the log"
              + " folder), a users file, the clients logged in by certificate")
  boolean tls;

  @Option(
      names = "--keep-logs",
      description =
          "keep the processes' log folder (it is deleted at the end unless something failed)")
  boolean keepLogs;

  private boolean stopping;

  @Override
  public Integer call() throws Exception {
    if (clients < 1) {
      throw new UserError("--clients must be at least 1");
    }
    if (tls && simulated) {
      throw new UserError("--tls runs real processes: it does not go with --simulated");
    }
    PrintWriter out = spec.commandLine().getOut();
    if (ha) {
      if (tls) {
        throw new UserError(
            "--ha and --tls do not go together yet (the ZooKeeper link has no TLS)");
      }
      if (simulated) {
        throw new UserError(
            "--ha and --simulated exclude each other (see pbkv scenario viewservice-failover)");
      }
      return new HaDemo(out, clients, keepLogs, zkSessionTimeout).run();
    }
    return simulated ? runSimulated(out) : new ProcessDemo(out, clients, keepLogs, tls).run();
  }

  private int runSimulated(PrintWriter out) {
    out.println("pbkv demo — simulated cluster (virtual time), seed " + seed);
    out.println(
        "view service vs; servers s1, s2, s3; " + clients + " clients appending unique tokens");
    out.println();

    Cluster cluster = Cluster.withDefaults(seed);
    Simulation sim = cluster.sim();
    List<Long> completions = new ArrayList<>();
    List<View> views = new ArrayList<>();
    sim.addListener(
        new SimListener() {
          @Override
          public void onFault(long micros, String description) {
            out.printf(Locale.ROOT, "%8s  ** %s%n", Simulation.formatMillis(micros), description);
          }
        });
    cluster.startViewService();
    for (String s : List.of("s1", "s2", "s3")) {
      cluster.startServer(s);
      sim.runFor(20);
    }
    for (int i = 1; i <= clients; i++) {
      Address c = cluster.addClient("c" + i);
      RandomGenerator r = sim.stream("workload-" + c.name());
      long[] n = {0};
      cluster.runWorkload(
          c,
          () -> {
            completions.add(sim.nowMicros());
            return stopping
                ? null
                : new Command.Append("k" + r.nextInt(KEYS), c.name() + "." + (++n[0]) + ";");
          });
    }

    // The script: kill the primary at 3 s, the new primary at 6 s, bring both back empty at 7 s.
    List<Address> killed = new ArrayList<>();
    Runnable killPrimary =
        () -> {
          Address primary = cluster.view().primary();
          out.printf(
              Locale.ROOT,
              "%8s  killing the primary %s%n",
              Simulation.formatMillis(sim.nowMicros()),
              primary);
          killed.add(primary);
          sim.crash(primary);
        };
    sim.at(3000 - sim.nowMillis(), killPrimary);
    sim.at(6000 - sim.nowMillis(), killPrimary);
    sim.at(7000 - sim.nowMillis(), () -> killed.forEach(sim::restart));
    int lastCount = 0;
    for (int second = 1; second <= 10; second++) {
      sim.runFor(second * 1000L - sim.nowMillis());
      View v = cluster.view();
      if (views.isEmpty() || !views.get(views.size() - 1).equals(v)) {
        views.add(v);
      }
      int count = completions.size();
      out.printf(
          Locale.ROOT,
          "%8s  view %-14s %s  %,6d ops/s%n",
          Simulation.formatMillis(sim.nowMicros()),
          v,
          cluster.viewServer().isAcked() ? "acked  " : "pending",
          count - lastCount);
      lastCount = count;
    }
    stopping = true;
    boolean drained =
        sim.runUntil(
            () -> cluster.clients().stream().noneMatch(c -> cluster.client(c).isWaiting()), 10_000);

    out.println();
    out.println("reading every key back …");
    Address reader = cluster.addClient("reader");
    Map<String, String> finalValues = new LinkedHashMap<>();
    for (int k = 0; k < KEYS; k++) {
      Result r = cluster.call(reader, new Command.Get("k" + k), 10_000);
      if (r instanceof Result.Value v) {
        finalValues.put("k" + k, v.value() == null ? "" : v.value());
      }
    }
    List<HistoryOp> ops = new ArrayList<>(cluster.history().ops());
    ops.removeIf(op -> op.client().equals("reader"));
    List<String> violations = AppendCheck.check(ops, finalValues);
    long acked = ops.stream().filter(op -> !op.isIndeterminate()).count();
    long lost = violations.stream().filter(v -> v.contains("present 0 times")).count();
    long gapMicros = longestGap(completions);
    long failovers = countFailovers(views);

    out.printf(
        Locale.ROOT,
        "summary: %,d appends acknowledged, %d failovers, longest unavailability %.0f ms, lost = %d%n",
        acked,
        failovers,
        gapMicros / 1000.0,
        lost);
    if (!drained || finalValues.size() < KEYS) {
      out.println("FAILED: the cluster did not finish the work after the faults");
      return 1;
    }
    if (!violations.isEmpty()) {
      out.println("FAILED: " + violations.size() + " violations, e.g. " + violations.get(0));
      return 1;
    }
    out.println("every acknowledged write is present exactly once.");
    return 0;
  }

  private static long longestGap(List<Long> times) {
    long longest = 0;
    for (int i = 1; i < times.size(); i++) {
      longest = Math.max(longest, times.get(i) - times.get(i - 1));
    }
    return longest;
  }

  private static long countFailovers(List<View> views) {
    long n = 0;
    for (int i = 1; i < views.size(); i++) {
      if (views.get(i - 1).primary() != null
          && !views.get(i - 1).primary().equals(views.get(i).primary())) {
        n++;
      }
    }
    return n;
  }
}
