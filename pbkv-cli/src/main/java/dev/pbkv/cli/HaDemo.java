package dev.pbkv.cli;

import dev.pbkv.history.AppendCheck;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Role;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.curator.test.TestingCluster;

/**
 * {@code pbkv demo --ha}: no single point of failure, end to end (docs/design.md §2.2). Three
 * ZooKeeper servers run inside this process (Curator's TestingCluster, from the ZooKeeper
 * artifact), three view-service replicas ({@code pbkv viewserver --zookeeper}) and three servers as
 * separate processes, clients appending unique tokens. Twice, the leading view service and the
 * primary are killed (SIGKILL) at the same moment; it prints the leader changes and, per failover,
 * kill → new leader, → new primary's view acked, → first write completed. Then every acknowledged
 * append is checked.
 */
final class HaDemo {
  private static final int KEYS = 8;
  private static final String ZK_PATH = "/pbkv/demo";

  /**
   * The ZooKeeper servers' tick. ZooKeeper expires sessions on tick boundaries and refuses a
   * session shorter than its minimum (here one tick; ZooKeeper's own default is two ticks of 2 s):
   * with Curator's default tick of 1 s, a 1 s session expires anywhere from 1 to 2 s after a kill.
   */
  static final int TICK_MILLIS = 200;

  /** {@code n} in-process ZooKeeper servers on free ports with a tick of {@code tickMillis}. */
  static List<org.apache.curator.test.InstanceSpec> ensembleSpecs(int n, int tickMillis) {
    List<org.apache.curator.test.InstanceSpec> specs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      specs.add(
          new org.apache.curator.test.InstanceSpec(null, -1, -1, -1, true, -1, tickMillis, -1));
    }
    return specs;
  }

  private final PrintWriter out;
  private final int clients;
  private final boolean keepLogs;
  private final String session;
  private final long startNanos = System.nanoTime();

  HaDemo(PrintWriter out, int clients, boolean keepLogs, String session) {
    this.out = out;
    this.clients = clients;
    this.keepLogs = keepLogs;
    this.session = session;
  }

  private void say(String line) {
    out.printf(Locale.ROOT, "%6.1fs  %s%n", (System.nanoTime() - startNanos) / 1e9, line);
    out.flush();
  }

  int run() throws Exception {
    // The ZooKeeper servers run in this process; their warnings (a killed peer, a closed socket)
    // are the story told below, not news: keep them off the terminal.
    for (String name : new String[] {"org.apache.zookeeper", "org.apache.curator"}) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
          .setLevel(ch.qos.logback.classic.Level.OFF);
    }
    try (TestingCluster zk = new TestingCluster(ensembleSpecs(3, TICK_MILLIS));
        ProcessCluster cluster = new ProcessCluster()) {
      int result = 1;
      try {
        zk.start();
        result = show(zk.getConnectString(), cluster);
        return result;
      } finally {
        if (keepLogs || result != 0) {
          cluster.keepLogs();
          out.println("process logs kept in " + cluster.logDir());
          out.flush();
        }
      }
    }
  }

  private int show(String ensemble, ProcessCluster cluster) throws InterruptedException {
    out.println(
        "pbkv demo --ha — 3 ZooKeeper servers in this process, 3 view-service replicas and 3"
            + " servers as separate processes on 127.0.0.1 (ZooKeeper session "
            + session
            + ");");
    out.println(clients + " client sessions append unique tokens to " + KEYS + " keys.");
    out.println();
    say("ZooKeeper ensemble " + ensemble);
    List<Address> replicas = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      replicas.add(cluster.startViewServiceReplica(0, ensemble, ZK_PATH, session));
    }
    for (int i = 0; i < 3; i++) {
      cluster.startServerOfReplicas(0, replicas);
    }
    say("started view-service replicas " + replicas + " and 3 servers");
    String list = String.join(",", replicas.stream().map(Address::name).toList());
    try (PbkvClient client =
        PbkvClient.connect(
            PbkvClient.Options.of(list)
                .withSessions(clients)
                .withTimeout(Duration.ofSeconds(20)))) {
      Address leader = awaitLeader(client, null, s -> s.acked() && s.view().hasBackup(), 30_000);
      if (leader == null) {
        say("FAILED: no leader with an acked view with a backup in 30 s");
        return 1;
      }
      say("leader " + leader + ", view " + describe(leaderStatus(client).view()));
      Workload workload = new Workload(client, clients, KEYS, 0, 1);
      List<String> figures = new ArrayList<>();
      for (int round = 1; round <= 2; round++) {
        Thread.sleep(3000); // the pace of the show
        Status before = leaderStatus(client);
        if (before == null || !before.acked() || !before.view().hasBackup()) {
          say("FAILED: no settled view before failover " + round);
          return 1;
        }
        Address primary = before.view().primary();
        say(
            String.format(
                Locale.ROOT,
                "%,d appends so far; killing the leader %s and the primary %s at once (SIGKILL)",
                workload.completed(),
                leader,
                primary));
        cluster.kill(leader);
        cluster.kill(primary);
        long killMicros = workload.micros();
        long killNanos = System.nanoTime();
        Address old = leader;
        leader = awaitLeader(client, old, s -> true, 60_000);
        long leaderMillis = (System.nanoTime() - killNanos) / 1_000_000;
        if (leader == null) {
          say("FAILED: no new leader within 60 s");
          return 1;
        }
        say("leader change: " + old + " -> " + leader + " after " + leaderMillis + " ms");
        Address next =
            awaitLeader(
                client,
                old,
                s -> s.acked() && !s.view().isMember(primary) && s.view().primary() != null,
                60_000);
        long viewMillis = (System.nanoTime() - killNanos) / 1_000_000;
        if (next == null) {
          say("FAILED: the primary was not replaced within 60 s");
          return 1;
        }
        say("view " + describe(leaderStatus(client).view()) + " acked after " + viewMillis + " ms");
        workload.awaitProgress(20, 30_000);
        long recovery = workload.recoveryMicros(killMicros);
        String figure =
            String.format(
                Locale.ROOT,
                "failover %d: kill -> new leader %d ms, -> new primary's view acked %d ms, ->"
                    + " first write completed %s",
                round,
                leaderMillis,
                viewMillis,
                recovery < 0 ? "never" : String.format(Locale.ROOT, "%.0f ms", recovery / 1000.0));
        figures.add(figure);
        say(figure);
        cluster.startViewServiceReplica(port(old), ensemble, ZK_PATH, session);
        cluster.startServerOfReplicas(0, replicas);
        say("restarted " + old + " (a follower now) and started a fresh server");
      }
      Thread.sleep(2000);
      workload.close();
      say("clients stopped; reading every key back");
      Map<String, String> finalValues = new LinkedHashMap<>();
      for (int k = 0; k < KEYS; k++) {
        String value = client.get("k" + k);
        finalValues.put("k" + k, value == null ? "" : value);
      }
      List<HistoryOp> ops = workload.history();
      List<String> violations = AppendCheck.check(ops, finalValues);
      long acked = ops.stream().filter(op -> !op.isIndeterminate()).count();
      long lost = violations.stream().filter(v -> v.contains("present 0 times")).count();
      out.println();
      out.printf(
          Locale.ROOT,
          "summary: %,d appends acknowledged (%d indeterminate), 2 failovers of leader and"
              + " primary at once, lost = %d%n",
          acked,
          ops.size() - acked,
          lost);
      figures.forEach(out::println);
      if (!violations.isEmpty()) {
        out.println("FAILED: " + violations.size() + " violations, e.g. " + violations.get(0));
        return 1;
      }
      out.println("every acknowledged write is present exactly once; the processes are stopped.");
      return 0;
    } catch (PbkvException e) {
      out.println("FAILED: " + e.getMessage());
      return 1;
    }
  }

  private static Status leaderStatus(PbkvClient client) {
    try {
      Status s = client.status(Duration.ofMillis(900));
      return s.role() == Role.FOLLOWER ? null : s;
    } catch (PbkvException e) {
      return null;
    }
  }

  /** The replica other than {@code not} that leads with a status as wanted, or null. */
  private static Address awaitLeader(
      PbkvClient client, Address not, java.util.function.Predicate<Status> wanted, long limitMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + limitMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      for (Address a : client.viewServices()) {
        if (a.equals(not)) {
          continue;
        }
        try {
          Status s = client.status(a, Duration.ofMillis(200));
          if (s.role() == Role.LEADER && wanted.test(s)) {
            return a;
          }
        } catch (PbkvException e) {
          // down or not answering: try the next
        }
      }
      Thread.sleep(20); // polling an observable condition
    }
    return null;
  }

  private static int port(Address a) {
    return Integer.parseInt(a.name().substring(a.name().lastIndexOf(':') + 1));
  }

  private static String describe(View v) {
    return v.viewNum()
        + " (primary "
        + v.primary()
        + ", backup "
        + (v.backup() == null ? "none" : v.backup())
        + ")";
  }
}
