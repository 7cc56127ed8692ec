package dev.pbkv.sim;

import dev.pbkv.history.AppendCheck;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * A random workload under random faults, then a healing phase, then the checks. Clients append
 * unique tokens and read; faults come from the run's "faults" stream, the workload from one stream
 * per client. Safety: {@link AppendCheck} over the whole history and the final values. Liveness:
 * once every fault is healed and every crashed server restarted, every pending op completes.
 */
public final class RandomRun {
  private static final long FAULT_INTERVAL_MILLIS = 400;
  private static final long HEAL_LIMIT_MILLIS = 30_000;

  private final RandomRunOptions options;
  private final Cluster cluster;
  private final Simulation sim;
  private final RandomGenerator faults;
  private final List<String> faultLog = new ArrayList<>();
  private final List<Address> crashed = new ArrayList<>();
  private boolean stopFaults;

  public RandomRun(RandomRunOptions options) {
    this.options = options;
    this.cluster = Cluster.withRules(options.seed(), options.rules());
    this.sim = cluster.sim();
    this.faults = sim.faultRandom();
  }

  public Cluster cluster() {
    return cluster;
  }

  public RandomRunReport run() {
    sim.setDropProbability(options.drop());
    sim.setDuplicateProbability(options.duplicate());
    sim.recordSends(options.replays());
    sim.addListener(
        new SimListener() {
          @Override
          public void onFault(long micros, String description) {
            faultLog.add(Simulation.formatMillis(micros) + " " + description);
          }
        });
    cluster.startViewService();
    for (int i = 1; i <= options.servers(); i++) {
      cluster.startServer("s" + i);
      sim.runFor(20);
    }
    for (int i = 1; i <= options.clients(); i++) {
      Address client = cluster.addClient("c" + i);
      cluster.runWorkload(client, workload(client));
    }
    if (options.partitions() || options.crashes() || options.pauses() || options.replays()) {
      sim.at(FAULT_INTERVAL_MILLIS, this::injectFault);
    }
    sim.runFor(options.durationMillis());

    // Healing phase: no more faults or new ops; everything pending must complete.
    stopFaults = true;
    sim.heal();
    sim.setDropProbability(0);
    sim.setDuplicateProbability(0);
    for (Address a : List.copyOf(crashed)) {
      sim.restart(a);
    }
    crashed.clear();
    String stuck = null;
    boolean drained =
        sim.runUntil(
            () -> cluster.clients().stream().noneMatch(c -> sim.node(c, SimClient.class).isBusy()),
            HEAL_LIMIT_MILLIS);
    if (!drained) {
      stuck =
          "ops still pending "
              + HEAL_LIMIT_MILLIS
              + " ms after healing; view service: "
              + cluster.view()
              + ", "
              + cluster.viewServer().progressProblem();
    }
    Map<String, String> finalValues = new LinkedHashMap<>();
    if (drained) {
      Address reader = cluster.addClient("reader");
      for (int k = 0; k < options.keys(); k++) {
        String key = "k" + k;
        Result r = cluster.call(reader, new Command.Get(key), HEAL_LIMIT_MILLIS);
        if (r instanceof Result.Value v) {
          finalValues.put(key, v.value() == null ? "" : v.value());
        } else {
          stuck = "the final read of " + key + " did not complete";
          break;
        }
      }
    }
    List<HistoryOp> ops = new ArrayList<>(cluster.history().ops());
    ops.removeIf(op -> op.client().equals("reader"));
    List<String> violations = stuck == null ? AppendCheck.check(ops, finalValues) : List.of();
    long completed = ops.stream().filter(op -> !op.isIndeterminate()).count();
    return new RandomRunReport(
        options,
        completed,
        ops.size() - completed,
        cluster.view().viewNum(),
        faultLog,
        sim.eventsProcessed(),
        sim.nowMillis(),
        violations,
        stuck);
  }

  /**
   * Appends of unique tokens (60%) and reads (40%) on random keys, from the client's own stream.
   */
  private java.util.function.Supplier<Command> workload(Address client) {
    RandomGenerator r = sim.stream("workload-" + client.name());
    long[] n = {0};
    return () -> {
      if (stopFaults) {
        return null; // the healing phase submits nothing new
      }
      String key = "k" + r.nextInt(options.keys());
      if (r.nextInt(100) < 60) {
        return new Command.Append(key, client.name() + "." + (++n[0]) + ";");
      }
      return new Command.Get(key);
    };
  }

  private void injectFault() {
    if (stopFaults) {
      return;
    }
    List<Address> servers = cluster.servers();
    Address victim = servers.get(faults.nextInt(servers.size()));
    int choice = faults.nextInt(5);
    ViewServer vs = cluster.viewServer();
    // One failure at a time: a new fault only once the last one has been survived (an acked
    // view with a backup, nothing crashed, paused or cut). Two overlapping failures can reach the
    // lecture's stuck cases (e.g. the primary dies before acking a view), where no healing helps.
    boolean settled =
        vs.isAcked()
            && vs.view().hasBackup()
            && crashed.isEmpty()
            && !sim.hasCuts()
            && servers.stream().noneMatch(sim::isPaused);
    if (choice == 0 && options.partitions() && settled) {
      if (faults.nextBoolean()) {
        List<Address> all = new ArrayList<>(servers);
        all.add(Cluster.VIEW_SERVICE);
        Address other = all.get(faults.nextInt(all.size()));
        if (!other.equals(victim)) {
          sim.cut(victim, other);
        }
      } else {
        List<Address> side = new ArrayList<>();
        List<Address> rest = new ArrayList<>(List.of(Cluster.VIEW_SERVICE));
        for (Address s : servers) {
          (faults.nextBoolean() ? side : rest).add(s);
        }
        sim.partition(side, rest);
      }
    } else if (choice == 1 && options.crashes()) {
      if (!crashed.isEmpty()) {
        Address back = crashed.remove(0);
        sim.restart(back);
      } else if (settled) {
        sim.crash(victim); // one at a time, and only when a backup holds the state
        crashed.add(victim);
      }
    } else if (choice == 2 && options.pauses() && settled) {
      long deadMillis =
          ViewServiceConfig.DEFAULT_PING_INTERVAL_MILLIS * ViewServiceConfig.DEFAULT_DEAD_PINGS;
      sim.pause(victim, deadMillis / 2 + faults.nextLong(deadMillis * 2));
    } else if (choice == 3 && options.replays()) {
      List<SentMessage> old = sim.sent(m -> true);
      if (!old.isEmpty()) {
        sim.replay(old.get(faults.nextInt(old.size())));
      }
    } else if (choice == 4 && options.partitions()) {
      sim.heal();
    }
    sim.at(FAULT_INTERVAL_MILLIS / 2 + faults.nextLong(FAULT_INTERVAL_MILLIS), this::injectFault);
  }
}
