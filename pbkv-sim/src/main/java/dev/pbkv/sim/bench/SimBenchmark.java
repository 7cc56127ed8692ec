package dev.pbkv.sim.bench;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.sim.Cluster;
import dev.pbkv.sim.Simulation;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How many simulated events per second the simulator processes: a view service, a primary, a backup
 * and many closed-loop clients doing puts and gets, no faults. Run with {@code pbkv sim-bench}; it
 * warms up first and reports each measured round.
 */
public final class SimBenchmark {
  private SimBenchmark() {}

  /** One round's figures. */
  public record Round(long events, double seconds, long virtualMillis, long ops) {
    public double eventsPerSecond() {
      return events / seconds;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%,d events in %.2f s = %,.0f events/s (%,d ops in %,d ms of virtual time)",
          events,
          seconds,
          eventsPerSecond(),
          ops,
          virtualMillis);
    }
  }

  /** Runs {@code clients} sessions for {@code virtualMillis} of virtual time. */
  public static Round round(long seed, int clients, long virtualMillis) {
    Cluster cluster = Cluster.withDefaults(seed);
    Simulation sim = cluster.sim();
    cluster.startViewService();
    cluster.startServer("s1");
    sim.runFor(20);
    cluster.startServer("s2");
    cluster.awaitView(v -> v.hasBackup(), 5000);
    for (int i = 1; i <= clients; i++) {
      Address c = cluster.addClient("c" + i);
      RandomGenerator r = sim.stream("workload-" + c.name());
      cluster.runWorkload(
          c,
          () -> {
            String key = "k" + r.nextInt(10_000);
            return r.nextBoolean() ? new Command.Put(key, "v") : new Command.Get(key);
          });
    }
    long events0 = sim.eventsProcessed();
    long ops0 = cluster.history().size();
    long t0 = System.nanoTime();
    sim.runFor(virtualMillis);
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Round(
        sim.eventsProcessed() - events0, seconds, virtualMillis, cluster.history().size() - ops0);
  }

  public static void main(String[] args) {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    long virtualMillis = args.length > 1 ? Long.parseLong(args[1]) : 60_000;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    System.out.println("warm-up …");
    round(0, clients, virtualMillis / 2);
    for (int i = 1; i <= rounds; i++) {
      System.out.println("round " + i + ": " + round(i, clients, virtualMillis));
    }
  }
}
