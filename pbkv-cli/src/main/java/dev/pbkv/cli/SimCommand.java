package dev.pbkv.cli;

import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.RandomRun;
import dev.pbkv.sim.RandomRunOptions;
import dev.pbkv.sim.RandomRunReport;
import dev.pbkv.sim.Swarm;
import dev.pbkv.sim.SwarmMode;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv sim}: random workloads under random faults, then the checks. */
@Command(
    name = "sim",
    header = "Run random workloads under random faults and check them.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a random workload under random faults in the simulator, heals everything, and checks:",
      "the history is linearizable, nothing acknowledged was lost or applied twice, never two",
      "servers answered as primary of one view, every pending op completed, and primary and",
      "backup ended with equal state. A seed reproduces its run exactly (same run hash).",
      "",
      "Three ways to run it:",
      "  pbkv sim --seed N [fault flags]   one run with the faults you choose",
      "  pbkv sim --swarm --seed N         one run with the fault mix seed N draws for itself",
      "  pbkv sim --seeds A..B             a swarm: every seed in the range, each its own mix",
      "",
      "--mode stresses what the default mix never reaches (with any of the three):",
      "  chunks   state transfers of many 16-256 byte chunks, small windows and forward batches",
      "  expiry   session expiry of 3-5 s with sweeps; clients retire a session after a",
      "           300-800 ms timeout and go on as a new one; no replays",
      "  overlap  the next fault does not wait for the cluster to recover; a run that ends in",
      "           one of the lecture's stuck cases passes (counted as stuck, safely)",
      "  viewservice  the view service crashes, at any moment or right after it makes a view,",
      "           and restarts from its store 50 ms to 1 s later",
      "  replicas three view-service replicas share one store under an election: the leader",
      "           crashes, pauses past its session, or is replaced without being told at once",
      "  pressure slow and asymmetric links between servers (50-550 KB/s, small buffers), values",
      "           of 256 B-8 KiB, small chunks; a retry must not re-send what the link still",
      "           carries or the backup acknowledged",
      "Exit code 1 if any run fails."
    },
    footer = {
      "",
      "Examples:  pbkv sim --seed 7 --drop 0.1 --duplicate 0.1 --partitions --crashes --pauses",
      "           pbkv sim --seeds 1..1000",
      "           pbkv sim --seeds 1..1000 --break SERVE_READS_LOCALLY",
      "           pbkv sim --seeds 1..300 --mode chunks --break TRANSFER_SKIPS_LATER_CHUNKS",
      "           pbkv sim --seeds 1..100 --mode viewservice --break ANNOUNCE_BEFORE_DURABLE",
      "           pbkv sim --seeds 1..100 --mode pressure --break RETRY_RESENDS_EVERYTHING"
    })
final class SimCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--seed", description = "reproduces a run exactly (default: random, printed)")
  Long seed;

  @Option(
      names = "--seeds",
      paramLabel = "A..B",
      description = "run a swarm over this range of seeds")
  String seeds;

  @Option(names = "--swarm", description = "with --seed: use the fault mix that seed draws")
  boolean swarm;

  @Option(names = "--servers", description = "servers (default: ${DEFAULT-VALUE})")
  int servers = 3;

  @Option(names = "--clients", description = "client sessions (default: ${DEFAULT-VALUE})")
  int clients = 5;

  @Option(names = "--keys", description = "append-only keys (default: ${DEFAULT-VALUE})")
  int keys = 5;

  @Option(
      names = "--mixed-keys",
      description = "keys with puts, CAS and deletes too (default: ${DEFAULT-VALUE})")
  int mixedKeys = 0;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "virtual time with faults, e.g. 30s (default: 30s)")
  long durationMillis = 30_000;

  @Option(
      names = "--max-delay",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "messages take 1 ms up to this, e.g. 20ms (default: 5ms)")
  long maxDelayMillis = 5;

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

  @Option(
      names = "--isolations",
      description = "isolate the view service, the primary, or a client")
  boolean isolations;

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
      names = "--mode",
      paramLabel = "MODE",
      description =
          "default, chunks, expiry, overlap, viewservice, replicas or pressure (see above;"
              + " default: ${DEFAULT-VALUE})")
  String mode = "default";

  @Option(
      names = {"-v", "--verbose"},
      description = "list every fault injected")
  boolean verbose;

  @picocli.CommandLine.Mixin TraceOutput traceOutput;

  @Option(names = "--json", description = "print one JSON object instead (docs/json.md)")
  boolean json;

  /** Standard output, or nowhere under --json (the JSON object is printed at the end). */
  private PrintWriter text() {
    return json ? Json.discard() : spec.commandLine().getOut();
  }

  @Override
  public Integer call() {
    traceOutput.checkWritable();
    Set<RuleSwitch> rules = broken.isEmpty() ? Set.of() : EnumSet.copyOf(broken);
    SwarmMode swarmMode;
    try {
      swarmMode = SwarmMode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new UserError("--mode: " + e.getMessage());
    }
    if (seeds != null) {
      if (traceOutput.wanted()) {
        throw new UserError("--trace and --diagram record one run: use them with --seed");
      }
      if (seed != null || swarm) {
        throw new UserError("--seeds runs a swarm over a range; use it without --seed and --swarm");
      }
      long[] range = parseRange(seeds);
      return runSwarm(range[0], range[1], rules, swarmMode);
    }
    long s = seed != null ? seed : new java.util.SplittableRandom().nextLong(1, 1_000_000_000L);
    RandomRunOptions options;
    try {
      options =
          swarm
              ? RandomRunOptions.swarm(s, rules, swarmMode)
              : new RandomRunOptions.Builder(s)
                  .servers(servers)
                  .clients(clients)
                  .keys(keys, mixedKeys)
                  .duration(durationMillis)
                  .maxDelay(maxDelayMillis)
                  .drop(drop)
                  .duplicate(duplicate)
                  .faults(partitions, isolations, crashes, pauses, replays)
                  .rules(rules)
                  .mode(swarmMode)
                  .build();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    return runOne(options);
  }

  private int runOne(RandomRunOptions options) {
    PrintWriter out = text();
    out.println("seed " + options.seed() + "  (replay: " + replayCommand(options) + ")");
    out.println(options.describe());
    long t0 = System.nanoTime();
    RandomRun run = new RandomRun(options);
    dev.pbkv.sim.TraceRecorder recorder =
        traceOutput.wanted()
            ? dev.pbkv.sim.TraceRecorder.attach(run.cluster().sim())
                .recordCalls(run.cluster().history())
            : null;
    RandomRunReport report = run.run();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (verbose) {
      report.faults().forEach(f -> out.println("  fault " + f));
    }
    if (recorder != null) {
      traceOutput.write(recorder.trace(), out);
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
        "events: %,d in %.2f s of wall time (%,.0f events/s), %.1f s of virtual time; run hash %s%n",
        report.events(),
        seconds,
        report.events() / seconds,
        report.virtualMillis() / 1000.0,
        report.fingerprint());
    if (report.expectedStuck() != null) {
      out.println(
          "note: stuck in one of the lecture's progress cases (safe): " + report.expectedStuck());
    }
    int exit = report.passed() ? 0 : 1;
    if (report.passed()) {
      out.println(
          "verdict: OK — linearizable, nothing lost or duplicated, one primary per view,"
              + " everything completed after healing, replicas agree");
    }
    if (report.stuck() != null) {
      out.println("verdict: STUCK — " + report.stuck());
    }
    if (!report.violations().isEmpty()) {
      out.println("verdict: VIOLATION — " + report.violations().size() + " found:");
      report.violations().stream()
          .limit(10)
          .forEach(v -> out.println("  " + v.replace("\n", "\n  ")));
    }
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
      o.put("seed", options.seed());
      o.put("replay", replayCommand(options));
      o.put("options", options.describe());
      o.put("mode", options.mode().cliName());
      o.set("broken", Json.strings(options.rules()));
      o.put("ops_completed", report.opsCompleted());
      o.put("ops_indeterminate", report.opsIndeterminate());
      o.put("views_reached", report.viewsReached());
      o.set("faults", Json.strings(report.faults()));
      o.put("events", report.events());
      o.put("wall_seconds", seconds);
      o.put("virtual_seconds", report.virtualMillis() / 1000.0);
      o.put("run_hash", report.fingerprint());
      o.put(
          "verdict",
          report.passed() ? "ok" : !report.violations().isEmpty() ? "violation" : "stuck");
      o.put("stuck", report.stuck());
      o.put("expected_stuck", report.expectedStuck());
      o.set("violations", Json.strings(report.violations()));
      o.put("exit", exit);
      Json.print(o, spec.commandLine().getOut());
    }
    return exit;
  }

  private int runSwarm(long from, long to, Set<RuleSwitch> rules, SwarmMode swarmMode) {
    PrintWriter out = text();
    long total = to - from + 1;
    out.println(
        "swarm: seeds "
            + from
            + ".."
            + to
            + ", each with its own fault mix and workload"
            + (swarmMode == SwarmMode.DEFAULT
                ? ""
                : "; mode " + swarmMode.cliName() + ": " + swarmMode.summary())
            + (rules.isEmpty() ? "" : "; BROKEN: " + rules));
    boolean console = !json && System.console() != null;
    long[] done = {0};
    long[] failed = {0};
    Swarm.Summary summary =
        Swarm.run(
            from,
            to,
            rules,
            swarmMode,
            false,
            report -> {
              done[0]++;
              if (!report.passed()) {
                failed[0]++;
              }
              if (console || done[0] % Math.max(1, total / 10) == 0 || done[0] == total) {
                int width = 30;
                int filled = (int) (width * done[0] / total);
                out.printf(
                    Locale.ROOT,
                    "%s[%s%s] %d/%d seeds, %d failed",
                    console ? "\r" : "",
                    "#".repeat(filled),
                    ".".repeat(width - filled),
                    done[0],
                    total,
                    failed[0]);
                if (!console) {
                  out.println();
                }
                out.flush();
              }
            });
    if (console) {
      out.println();
    }
    out.printf(
        Locale.ROOT,
        "%d seeds in %.1f s: %d passed (%d of them stuck in a lecture progress case, safely), %d failed;"
            + " %,d ops, %,d events%n",
        summary.seedsRun(),
        summary.seconds(),
        summary.passed(),
        summary.expectedStuck(),
        summary.failures().size(),
        summary.ops(),
        summary.events());
    for (Swarm.Failure f : summary.failures().subList(0, Math.min(10, summary.failures().size()))) {
      out.println(
          "FAILED seed " + f.seed() + ": " + f.firstProblem().lines().findFirst().orElse(""));
      out.println("  replay: " + replayCommand(f.report().options()));
    }
    int exit = summary.allPassed() ? 0 : 1;
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
      o.put("from", from);
      o.put("to", to);
      o.put("mode", swarmMode.cliName());
      o.set("broken", Json.strings(rules));
      o.put("seeds_run", summary.seedsRun());
      o.put("passed", summary.passed());
      o.put("expected_stuck", summary.expectedStuck());
      o.put("failed", summary.failures().size());
      o.put("ops", summary.ops());
      o.put("events", summary.events());
      o.put("wall_seconds", summary.seconds());
      com.fasterxml.jackson.databind.node.ArrayNode failures = o.putArray("failures");
      for (Swarm.Failure f : summary.failures()) {
        failures
            .addObject()
            .put("seed", f.seed())
            .put("problem", f.firstProblem())
            .put("replay", replayCommand(f.report().options()));
      }
      o.put("exit", exit);
      Json.print(o, spec.commandLine().getOut());
    }
    return exit;
  }

  private static String replayCommand(RandomRunOptions o) {
    StringBuilder b = new StringBuilder("pbkv sim --swarm --seed ").append(o.seed());
    if (!o.equals(RandomRunOptions.swarm(o.seed(), o.rules(), o.mode()))) {
      b.setLength(0);
      b.append("pbkv sim --seed ")
          .append(o.seed())
          .append(" --servers ")
          .append(o.servers())
          .append(" --clients ")
          .append(o.clients())
          .append(" --keys ")
          .append(o.appendKeys())
          .append(" --mixed-keys ")
          .append(o.mixedKeys())
          .append(" --duration ")
          .append(o.durationMillis())
          .append("ms")
          .append(" --max-delay ")
          .append(Math.round(o.maxDelayMillis()))
          .append("ms")
          .append(" --drop ")
          .append(o.drop())
          .append(" --duplicate ")
          .append(o.duplicate());
      if (o.partitions()) {
        b.append(" --partitions");
      }
      if (o.isolations()) {
        b.append(" --isolations");
      }
      if (o.crashes()) {
        b.append(" --crashes");
      }
      if (o.pauses()) {
        b.append(" --pauses");
      }
      if (o.replays()) {
        b.append(" --replays");
      }
    }
    if (o.mode() != SwarmMode.DEFAULT) {
      b.append(" --mode ").append(o.mode().cliName());
    }
    for (RuleSwitch r : o.rules()) {
      b.append(" --break ").append(r.name());
    }
    return b.toString();
  }

  private static long[] parseRange(String text) {
    String[] parts = text.split("\\.\\.", -1);
    try {
      if (parts.length == 2) {
        long a = Long.parseLong(parts[0].trim());
        long b = Long.parseLong(parts[1].trim());
        if (a <= b) {
          return new long[] {a, b};
        }
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new UserError(
        "--seeds '" + text + "' is not a range: expected A..B with A <= B, e.g. 1..1000");
  }
}
