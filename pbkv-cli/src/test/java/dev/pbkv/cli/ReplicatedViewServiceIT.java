package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.history.HistoryOp;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Role;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The view service replicated on ZooKeeper (docs/design.md §2.2) as real processes: a 3-server
 * ZooKeeper ensemble in this JVM (Curator's {@link TestingCluster}), three {@code pbkv viewserver
 * --zookeeper} processes and three {@code pbkv server --viewserver a,b,c} under a client load. In
 * one cluster run, one case after the other: SIGKILL the leading view service; SIGSTOP the leader
 * past its ZooKeeper session, then SIGCONT; kill one ZooKeeper server; restart every view service
 * at once. After each, the cluster must still fail over (a primary is killed and replaced); at the
 * end nothing acknowledged is lost and the history is linearizable.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicatedViewServiceIT {
  private static final long LIMIT_MILLIS = 30_000;
  private static final String SESSION = "2s";
  private static final String ZK_PATH = "/pbkv/it";

  private final ProcessCluster cluster = new ProcessCluster();
  private TestingCluster zk;
  private PbkvClient client;
  private final List<Address> replicas = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    cluster.close();
    if (zk != null) {
      zk.close();
    }
  }

  private Status leaderStatus() {
    for (Address a : replicas) {
      try {
        Status s = client.status(a, Duration.ofMillis(300));
        if (s.role() == Role.LEADER) {
          return s;
        }
      } catch (RuntimeException e) {
        // down, paused or restarting
      }
    }
    return null;
  }

  /** The replica that says it leads and whose status satisfies {@code condition}. */
  private Address awaitLeader(Predicate<Status> condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
    String last = "";
    while (System.nanoTime() < deadline) {
      for (Address a : replicas) {
        try {
          Status s = client.status(a, Duration.ofMillis(300));
          last = a + ": " + s.role() + " " + s.view() + " " + s.problem();
          if (s.role() == Role.LEADER && condition.test(s)) {
            return a;
          }
        } catch (RuntimeException e) {
          last = a + ": " + e.getMessage();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no leader as wanted in " + LIMIT_MILLIS + " ms; last " + last);
  }

  /** A server the view service has heard that is neither primary nor backup, or null. */
  private static Address idleServer(Status s) {
    return s.servers().stream()
        .map(h -> h.server())
        .filter(a -> !s.view().isMember(a))
        .findFirst()
        .orElse(null);
  }

  private static boolean ackedWithBackup(Status s) {
    return s.acked() && s.view().hasBackup();
  }

  /** Kills the primary and waits until the leader has replaced it: a view change is possible. */
  private void failOverPrimary(Workload w, String when) throws InterruptedException {
    awaitLeader(ReplicatedViewServiceIT::ackedWithBackup);
    View v = leaderStatus().view();
    cluster.kill(v.primary());
    awaitLeader(s -> ackedWithBackup(s) && !s.view().isMember(v.primary()));
    assertThat(w.awaitProgress(50, LIMIT_MILLIS)).as("progress after failover " + when).isTrue();
    cluster.startServerOfReplicas(0, replicas); // a fresh server to be the next backup
  }

  @Test
  void when_viewServiceReplicasAndZooKeeperFail_then_theClusterServesAndLosesNothing()
      throws Exception {
    zk = new TestingCluster(3);
    zk.start();
    String ensemble = zk.getConnectString();
    for (int i = 0; i < 3; i++) {
      replicas.add(cluster.startViewServiceReplica(0, ensemble, ZK_PATH, SESSION));
    }
    for (int i = 0; i < 3; i++) {
      cluster.startServerOfReplicas(0, replicas);
    }
    String list = String.join(",", replicas.stream().map(Address::name).toList());
    client =
        PbkvClient.connect(
            PbkvClient.Options.of(list).withSessions(6).withTimeout(Duration.ofSeconds(10)));
    awaitLeader(ReplicatedViewServiceIT::ackedWithBackup);
    Status first = leaderStatus();
    assertThat(first.store()).contains("ZooKeeper", ZK_PATH + "/view");
    MainTest.Run status = MainTest.run("status", "--viewserver", list, "--timeout", "5s");
    assertThat(status.out())
        .as("pbkv status names the leader, the followers and the store")
        .contains("LEADER", "follower", "ZooKeeper " + ensemble, "(reachable)", "progress: OK");

    // remove-server goes to the leading replica, wherever the list names it; a follower refuses
    // the third server is idle once the leader has heard it (its first ping may still be on the
    // way)
    Address leading = awaitLeader(s -> ackedWithBackup(s) && idleServer(s) != null);
    Address idle = idleServer(client.status(leading, Duration.ofSeconds(2)));
    assertThat(idle).as("an idle server heard by the leader").isNotNull();
    Address follower = replicas.stream().filter(a -> !a.equals(leading)).findFirst().orElseThrow();
    MainTest.Run refused =
        MainTest.run(
            "admin",
            "remove-server",
            idle.name(),
            "--viewserver",
            follower.name(),
            "--timeout",
            "5s");
    assertThat(refused.exit()).as(refused.err()).isEqualTo(2);
    assertThat(refused.err()).contains("does not lead");
    MainTest.Run removed =
        MainTest.run(
            "admin",
            "remove-server",
            idle.name(),
            "--viewserver",
            follower.name() + "," + leading.name(),
            "--timeout",
            "5s");
    assertThat(removed.exit()).as(removed.err()).isZero();
    assertThat(removed.out()).contains("removed " + idle.name());

    Workload w = new Workload(client, 6, 5, 30, 21);
    try {
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();

      // 1. SIGKILL the leading view service, then restart it (on its port) as a follower.
      Address leader = awaitLeader(s -> true);
      long viewBefore = leaderStatus().view().viewNum();
      cluster.kill(leader);
      Address next = awaitLeader(s -> true);
      assertThat(next).isNotEqualTo(leader);
      assertThat(leaderStatus().view().viewNum()).isGreaterThanOrEqualTo(viewBefore);
      failOverPrimary(w, "after the leader was killed");
      cluster.startViewServiceReplica(port(leader), ensemble, ZK_PATH, SESSION);

      // 2. SIGSTOP the leader past its session, then SIGCONT: it must not lead on its own.
      Address paused = awaitLeader(s -> true);
      cluster.pause(paused);
      Address during = awaitLeader(s -> true);
      assertThat(during).isNotEqualTo(paused);
      Thread.sleep(2_500); // past the 2 s session: ZooKeeper has expired it
      failOverPrimary(w, "while the old leader is stopped");
      cluster.resume(paused);
      Thread.sleep(1_000);
      failOverPrimary(w, "after the old leader resumed");

      // 3. Kill one ZooKeeper server: two of three still make a quorum.
      InstanceSpec victim = zk.getInstances().iterator().next();
      assertThat(zk.killServer(victim)).isTrue();
      failOverPrimary(w, "with one ZooKeeper server down");

      // 4. Restart every view service at once.
      for (Address a : replicas) {
        cluster.kill(a);
      }
      assertThat(w.awaitProgress(30, LIMIT_MILLIS))
          .as("primary and backup serve while no view service runs")
          .isTrue();
      for (Address a : replicas) {
        cluster.startViewServiceReplica(port(a), ensemble, ZK_PATH, SESSION);
      }
      failOverPrimary(w, "after every view service restarted");
    } catch (AssertionError | RuntimeException e) {
      cluster.keepLogs();
      System.out.println(cluster.logTails(30));
      throw e;
    } finally {
      w.close();
    }
    List<HistoryOp> ops = w.history();
    List<String> violations = HistoryChecks.appendsAndLinearizability(w, client, ops);
    assertThat(violations).as("nothing acknowledged lost, linearizable").isEmpty();
    assertThat(ops.stream().filter(op -> !op.isIndeterminate()).count()).isGreaterThan(300);
  }

  private static int port(Address a) {
    return Integer.parseInt(a.name().substring(a.name().lastIndexOf(':') + 1));
  }
}
