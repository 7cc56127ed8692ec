package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.history.HistoryOp;
import dev.pbkv.net.FileViewStore;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The view service as a restartable process (docs/design.md §2): with --data-dir it is killed
 * (SIGKILL) under load and started again on the same folder; the cluster keeps serving, can still
 * fail over afterwards, and loses nothing acknowledged. With --in-memory, {@code pbkv status}
 * warns; a corrupt state file stops the view service with one line and exit code 2, untouched.
 */
class ViewServiceRestartIT {
  private static final long LIMIT_MILLIS = 30_000;

  @TempDir Path dataDir;
  private final ProcessCluster cluster = new ProcessCluster();
  private PbkvClient client;

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
        // the view service may be down or restarting; keep polling
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "condition not reached in " + LIMIT_MILLIS + " ms; last status " + last);
  }

  private static boolean ackedWithBackup(Status s) {
    return s.acked() && s.view().hasBackup();
  }

  @Test
  void when_theViewServiceIsKilledUnderLoadAndRestarted_then_theClusterServesAndLosesNothing()
      throws Exception {
    Address vs =
        cluster.startViewService(Address.of("127.0.0.1:0"), dataDir.resolve("vs")); // port 0
    for (int i = 0; i < 3; i++) {
      cluster.startServer(0);
    }
    client =
        PbkvClient.connect(
            PbkvClient.Options.of(vs.name()).withSessions(8).withTimeout(Duration.ofSeconds(10)));
    View before = awaitStatus(ViewServiceRestartIT::ackedWithBackup).view();
    Status first = client.status(Duration.ofSeconds(2));
    assertThat(first.volatileStore()).isFalse();
    assertThat(first.store()).contains(FileViewStore.FILE_NAME);

    Workload w = new Workload(client, 6, 5, 30, 11);
    try {
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).isTrue();
      cluster.kill(vs); // SIGKILL mid-load
      assertThat(w.awaitProgress(50, LIMIT_MILLIS))
          .as("primary and backup keep serving while the view service is down")
          .isTrue();
      cluster.startViewService(vs, dataDir.resolve("vs"));
      Status resumed = awaitStatus(s -> s.view().viewNum() >= before.viewNum());
      assertThat(resumed.view().viewNum())
          .as("the restarted view service resumed its view, not view 1")
          .isGreaterThanOrEqualTo(before.viewNum());
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).as("progress after the restart").isTrue();

      // The restarted view service can still change views: kill the primary.
      View v = awaitStatus(ViewServiceRestartIT::ackedWithBackup).view();
      cluster.kill(v.primary());
      Status after = awaitStatus(s -> ackedWithBackup(s) && !s.view().isMember(v.primary()));
      assertThat(after.view().primary()).isEqualTo(v.backup());
      assertThat(w.awaitProgress(100, LIMIT_MILLIS)).as("progress after failover").isTrue();
    } finally {
      w.close();
    }
    List<HistoryOp> ops = w.history();
    List<String> violations = HistoryChecks.appendsAndLinearizability(w, client, ops);
    assertThat(violations).as("violations").isEmpty();
    assertThat(ops.stream().filter(op -> !op.isIndeterminate()).count()).isGreaterThan(200);
  }

  @Test
  void when_theViewServiceKeepsItsStateInMemory_then_statusWarns() throws Exception {
    Address vs = cluster.startViewService();
    cluster.startServer(0);
    MainTest.Run status = null;
    long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
    while (System.nanoTime() < deadline) {
      status = MainTest.run("status", "--viewserver", vs.name(), "--timeout", "2s");
      if (status.exit() == 0) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(status.out()).contains("in memory", "WARNING", "the cluster is lost");
  }

  @Test
  void when_theStateFileIsCorrupt_then_oneLineExit2AndTheFileIsLeftAlone() throws Exception {
    Path dir = dataDir.resolve("corrupt");
    Files.createDirectories(dir);
    Path file = dir.resolve(FileViewStore.FILE_NAME);
    Files.writeString(file, "pbkv-view-state 1\nview 3\ncrc32 00000000\n");
    String before = Files.readString(file);
    MainTest.Run r =
        MainTest.run(
            "viewserver",
            "--listen",
            "127.0.0.1:0", // it stops before it listens
            "--data-dir",
            dir.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("cannot read the view service's state", "checksum");
    assertThat(Files.readString(file)).isEqualTo(before);

    MainTest.Run both =
        MainTest.run(
            "viewserver",
            "--listen",
            "127.0.0.1:0", // it stops before it listens
            "--data-dir",
            dir.toString(),
            "--in-memory");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("exclude each other");
  }
}
