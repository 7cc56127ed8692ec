package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pbkv status} and the client commands as a cluster loses its members one by one: a slow
 * view service is waited for, a dead server shows its former role and when it was last seen, a view
 * without backup is a warning, and with no live primary {@code get} and {@code put} fail at once
 * with exit code 2.
 */
class StatusIT {
  private final ProcessCluster cluster = new ProcessCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  private static Status await(Address vs, Predicate<Status> condition) throws Exception {
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      Status s = null;
      while (System.nanoTime() < deadline) {
        s = c.status(Duration.ofSeconds(2));
        if (condition.test(s)) {
          return s;
        }
        Thread.sleep(50); // polling an observable condition
      }
      throw new AssertionError("not reached in 60 s; last status " + s);
    }
  }

  private static boolean dead(Status s, Address server) {
    return s.servers().stream().anyMatch(h -> h.server().equals(server) && !h.alive());
  }

  private static String line(String out, String startingWith) {
    return out.lines()
        .filter(l -> l.startsWith(startingWith))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no line starting with '" + startingWith + "' in\n" + out));
  }

  @Test
  void when_membersDieOneByOne_then_statusAndTheClientCommandsSayWhatIsTrue() throws Exception {
    Address vs = cluster.startViewService();
    Address a = cluster.startServer(0);
    Status formed = await(vs, s -> s.acked() && s.view().primary() != null);
    Address b = cluster.startServer(0);
    formed = await(vs, s -> s.acked() && s.view().hasBackup());
    assertThat(formed.view().primary()).isEqualTo(a);
    String v = "--viewserver=" + vs.name();

    // a view service that answers late is waited for (up to --timeout), not reported down
    cluster.pause(vs);
    CompletableFuture<MainTest.Run> slow =
        CompletableFuture.supplyAsync(() -> MainTest.run("status", v, "--timeout", "30s"));
    Thread.sleep(3_000); // longer than the 2 s that status once waited at most
    cluster.resume(vs);
    MainTest.Run late = slow.get();
    assertThat(late.out()).startsWith("view service " + vs + ": up\n");
    formed = await(vs, s -> s.acked() && s.view().hasBackup());
    Address primary = formed.view().primary();
    Address backup = formed.view().backup();
    long viewNum = formed.view().viewNum();

    MainTest.Run healthy = MainTest.run("status", v);
    assertThat(healthy.exit()).as(healthy.out()).isZero();
    assertThat(healthy.out()).doesNotContain("warning").contains("progress: OK");

    // the primary dies: the backup takes over alone
    cluster.kill(primary);
    Status alone =
        await(vs, s -> s.acked() && backup.equals(s.view().primary()) && dead(s, primary));
    MainTest.Run noBackup = MainTest.run("status", v);
    assertThat(noBackup.exit()).as(noBackup.out()).isZero();
    assertThat(line(noBackup.out(), "  " + primary))
        .matches(
            "  "
                + primary
                + " +- +DEAD, was primary of view "
                + viewNum
                + ", last seen [0-9.]+ s ago \\(missed \\d+ pings\\)");
    assertThat(line(noBackup.out(), "warning:"))
        .isEqualTo(
            "warning: no redundancy: view "
                + alone.view().viewNum()
                + " has no backup, so the next failure of "
                + backup
                + " loses every acknowledged write (and no idle server is alive to become backup)");
    assertThat(line(noBackup.out(), "progress:")).startsWith("progress: OK");
    MainTest.Run forgetting = MainTest.run("status", v, "--forget-after", "200ms");
    assertThat(forgetting.out())
        .doesNotContain("  " + primary + " ")
        .contains("  (1 server dead for over 0.2 s not shown; see --forget-after)\n");

    // the last server dies: nothing is sent, the commands say why at once
    cluster.kill(backup);
    await(vs, s -> dead(s, backup));
    String noLivePrimary =
        "pbkv get: no live primary: primary "
            + backup
            + " has missed \\d+ pings and there is no backup to promote\n";
    MainTest.Run get = MainTest.run("get", "k", v);
    assertThat(get.err()).matches(noLivePrimary);
    assertThat(get.exit()).isEqualTo(2);
    MainTest.Run put = MainTest.run("put", "k", "v", v);
    assertThat(put.err()).matches(noLivePrimary.replace("pbkv get", "pbkv put"));
    assertThat(put.exit()).isEqualTo(2);
    MainTest.Run stuck = MainTest.run("status", v);
    assertThat(line(stuck.out(), "progress:"))
        .startsWith("progress: STUCK — primary " + backup + " has missed");
    assertThat(stuck.exit()).isEqualTo(1);

    // the view service is gone too: status exits 2, like get, and at once
    cluster.kill(vs);
    MainTest.Run gone = MainTest.run("status", v);
    assertThat(line(gone.out(), "view service"))
        .isEqualTo(
            "view service "
                + vs
                + ": refused the connection (nothing listens on port "
                + vs.name().split(":")[1]
                + "; is it running, and is the address right?)");
    assertThat(gone.exit()).isEqualTo(2);
    assertThat(MainTest.run("get", "k", v).exit()).isEqualTo(2);
  }
}
