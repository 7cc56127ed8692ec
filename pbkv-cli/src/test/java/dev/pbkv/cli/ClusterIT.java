package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.history.HistoryOp;
import dev.pbkv.history.Slowdown;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real processes on loopback: a view service and servers, each its own JVM, killed (SIGKILL),
 * paused (SIGSTOP) and cut off by a proxy while clients append unique tokens and read. Afterwards
 * the history must pass the checks and nothing acknowledged may be lost. Every wait is for an
 * observable condition, with a generous bound; a failure prints the end of every process's log.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClusterIT {
  private static final long LIMIT_MILLIS = Slowdown.scaleMillis(30_000);

  private ProcessCluster cluster;
  private PbkvClient client;
  private Address vs;
  private final List<Address> servers = new ArrayList<>();

  @RegisterExtension final LogTailsOnFailure tails = new LogTailsOnFailure(() -> cluster);

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new ProcessCluster();
    vs = cluster.startViewService();
  }

  private void startServers(int n) throws InterruptedException {
    for (int i = 0; i < n; i++) {
      servers.add(cluster.startServer(0));
    }
    connectClient();
  }

  private void connectClient() {
    client =
        PbkvClient.connect(
            PbkvClient.Options.of(vs.name()).withSessions(8).withTimeout(Duration.ofSeconds(10)));
  }

  @AfterEach
  void stop() {
    if (client != null) {
      client.close();
    }
    cluster.close();
  }

  private Status awaitStatus(Predicate<Status> condition) throws InterruptedException {
    long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
    Status last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = client.status(Duration.ofMillis(500));
        if (condition.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        // the view service may be briefly unreachable; keep polling
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "condition not reached in " + LIMIT_MILLIS + " ms; last status " + last);
  }

  private static boolean ackedWithBackup(Status s) {
    return s.acked() && s.view().hasBackup();
  }

  /** Reads every key back and runs the checks over the history. */
  private void assertNothingLost(Workload w) {
    List<HistoryOp> ops = w.history();
    List<String> violations = HistoryChecks.appendsAndLinearizability(w, client, ops);
    assertThat(violations).as("violations").isEmpty();
    assertThat(ops.stream().filter(op -> !op.isIndeterminate()).count()).isGreaterThan(50);
  }

  @Test
  void when_thePrimaryIsKilled_then_theBackupTakesOver_andNothingIsLost() throws Exception {
    startServers(3);
    View v = awaitStatus(ClusterIT::ackedWithBackup).view();
    Workload w = new Workload(client, 6, 5, 30, 1);
    try {
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
      cluster.kill(v.primary());
      Status after = awaitStatus(s -> ackedWithBackup(s) && !s.view().isMember(v.primary()));
      assertThat(after.view().primary()).isEqualTo(v.backup());
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).as("progress after failover").isTrue();
    } finally {
      w.close();
    }
    assertNothingLost(w);
  }

  @Test
  void when_theBackupIsKilled_then_thePrimaryKeepsServing_withANewBackup() throws Exception {
    startServers(3);
    View v = awaitStatus(ClusterIT::ackedWithBackup).view();
    Workload w = new Workload(client, 6, 5, 30, 2);
    try {
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
      cluster.kill(v.backup());
      Status after = awaitStatus(s -> ackedWithBackup(s) && !s.view().isMember(v.backup()));
      assertThat(after.view().primary()).isEqualTo(v.primary());
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).as("progress with the new backup").isTrue();
    } finally {
      w.close();
    }
    assertNothingLost(w);
  }

  @Test
  void when_thePrimaryIsPausedPastTheDeadTimeout_then_theZombieServesNothingStale()
      throws Exception {
    startServers(3);
    View v = awaitStatus(ClusterIT::ackedWithBackup).view();
    Workload w = new Workload(client, 6, 5, 30, 3);
    try {
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
      cluster.pause(v.primary()); // SIGSTOP
      awaitStatus(s -> ackedWithBackup(s) && !s.view().isPrimary(v.primary()));
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).as("progress while A is stopped").isTrue();
      cluster.resume(v.primary()); // SIGCONT: the zombie wakes up believing it is primary
      assertThat(w.awaitProgress(200, LIMIT_MILLIS)).as("progress after the zombie woke").isTrue();
    } finally {
      w.close();
    }
    assertNothingLost(w);
  }

  @Test
  void when_aServerRestartsEmpty_then_itRejoinsWithTheState_andCanTakeOver() throws Exception {
    startServers(2);
    View v = awaitStatus(ClusterIT::ackedWithBackup).view();
    Workload w = new Workload(client, 6, 5, 30, 4);
    try {
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
      Address b = v.backup();
      cluster.kill(b);
      awaitStatus(s -> s.acked() && !s.view().isMember(b));
      cluster.startServer(Integer.parseInt(b.name().substring(b.name().lastIndexOf(':') + 1)));
      awaitStatus(s -> ackedWithBackup(s) && s.view().isBackup(b));
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
      cluster.kill(v.primary()); // now only the restarted server holds the state
      awaitStatus(s -> s.acked() && s.view().isPrimary(b));
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
    } finally {
      w.close();
    }
    assertNothingLost(w);
  }

  @Test
  void when_theViewServiceCannotReachThePrimary_butClientsCan_then_thereIsNoSplitBrain()
      throws Exception {
    // Each server reaches the view service through its own proxy, so one link can be cut.
    List<FaultProxy> proxies = new ArrayList<>();
    Map<Address, FaultProxy> proxyOf = new LinkedHashMap<>();
    int vsPort = Integer.parseInt(vs.name().substring(vs.name().lastIndexOf(':') + 1));
    try {
      for (int i = 0; i < 3; i++) {
        FaultProxy p = new FaultProxy(vsPort);
        proxies.add(p);
        Address s = cluster.startServer(0, Address.of("127.0.0.1:" + p.port()));
        servers.add(s);
        proxyOf.put(s, p);
      }
      connectClient();
      View v = awaitStatus(ClusterIT::ackedWithBackup).view();
      Workload w = new Workload(client, 6, 5, 30, 5);
      try {
        assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
        proxyOf.get(v.primary()).cut(); // the view service stops hearing the primary
        awaitStatus(s -> ackedWithBackup(s) && !s.view().isPrimary(v.primary()));
        assertThat(w.awaitProgress(200, LIMIT_MILLIS)).as("progress after the cut").isTrue();
        proxyOf.get(v.primary()).heal();
        assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
      } finally {
        w.close();
      }
      assertNothingLost(w);
    } finally {
      proxies.forEach(FaultProxy::close);
    }
  }
}
