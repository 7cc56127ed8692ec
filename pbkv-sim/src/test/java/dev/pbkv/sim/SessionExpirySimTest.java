package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.kv.AmoApplication;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Session expiry in the simulator, in virtual time: the at-most-once table stays bounded under a
 * stream of one-shot client sessions, every session is kept at least the expiry, and a new primary
 * goes on sweeping after a failover.
 */
class SessionExpirySimTest {
  private static final long EXPIRY_MILLIS = 2_000; // a sweep every 500 ms

  private static Cluster cluster(long seed) {
    Cluster c =
        new Cluster(
            new Simulation(seed),
            ViewServiceConfig.defaults(),
            ServerConfig.defaults().withSessionExpiryMillis(EXPIRY_MILLIS),
            ClientConfig.defaults());
    c.startViewService();
    return c;
  }

  private static boolean pairServing(Cluster c) {
    View v = c.view();
    return v.hasBackup()
        && c.viewServer().isAcked()
        && c.server(v.primary()) != null
        && c.server(v.primary()).isServing()
        && c.server(v.backup()) != null
        && c.server(v.backup()).hasInstalledState();
  }

  private record Started(Address client, OpHandle op, long atMillis) {}

  @Test
  void when_tenThousandOneShotSessionsWrite_then_theTableStaysBoundedByTheExpiryWindow() {
    Cluster c = cluster(11);
    c.startServer("s1");
    c.startServer("s2");
    assertThat(c.sim().runUntil(() -> pairServing(c), 5_000)).isTrue();
    Address primary = c.view().primary();
    Address backup = c.view().backup();

    int sessions = 10_000;
    long gapMillis = 5; // 200 new sessions per second
    List<Started> started = new ArrayList<>();
    int maxTable = 0;
    int minTableOnceFull = Integer.MAX_VALUE;
    for (int i = 0; i < sessions; i++) {
      Address client = c.addClient("one-shot-" + i);
      OpHandle op = c.submit(client, new Command.Put("k" + (i % 100), "v" + i));
      started.add(new Started(client, op, c.sim().nowMillis()));
      c.sim().runFor(gapMillis);
      if (i % 20 == 19) {
        PbServer p = c.server(primary);
        int size = p.sessionCount();
        maxTable = Math.max(maxTable, size);
        long now = c.sim().nowMillis();
        if (now - started.get(0).atMillis() > 2 * EXPIRY_MILLIS) {
          minTableOnceFull = Math.min(minTableOnceFull, size);
        }
        // Kept at least the expiry: every session that wrote within it still has its entry.
        var table = p.stateSnapshot().sessions();
        for (int j = started.size() - 1; j >= 0; j--) {
          Started s = started.get(j);
          if (now - s.atMillis() >= EXPIRY_MILLIS) {
            break;
          }
          if (s.op().isDone()) {
            assertThat(table)
                .as("session %s wrote %d ms ago", s.client(), now - s.atMillis())
                .containsKey(s.client().name());
          }
        }
      }
    }
    c.sim().runFor(200);
    assertThat(started).allMatch(s -> s.op().isDone() && Result.OK.equals(s.op().result()));

    // Dropped within 5 sweeps = 1.25 x the expiry of the write: at most ~2,500 ms of sessions.
    long window = EXPIRY_MILLIS * (AmoApplication.SWEEPS_TO_EXPIRE) / 4;
    System.out.printf(
        "session expiry: %d sessions, table between %d and %d entries (window %d ms = %d"
            + " sessions)%n",
        sessions, minTableOnceFull, maxTable, window, window / gapMillis);
    assertThat(maxTable).isLessThanOrEqualTo((int) (window / gapMillis) + 20);
    assertThat(minTableOnceFull).isGreaterThanOrEqualTo((int) (EXPIRY_MILLIS / gapMillis) - 20);

    c.sim().runFor(EXPIRY_MILLIS * 2);
    Snapshot ps = c.server(primary).stateSnapshot();
    assertThat(ps.sessions()).as("idle for twice the expiry: all gone").isEmpty();
    assertThat(ps.sweeps()).isGreaterThan(100);
    assertThat(c.server(backup).stateSnapshot()).isEqualTo(ps);
  }

  @Test
  void when_thePrimaryFails_then_theNewPrimaryKeepsSweeping_andItsNewBackupGetsTheSweepState() {
    Cluster c = cluster(12);
    c.startServer("s1");
    c.startServer("s2");
    assertThat(c.sim().runUntil(() -> pairServing(c), 5_000)).isTrue();
    View before = c.view();
    StringBuilder k = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      Address client = c.addClient("early-" + i);
      k.append("e").append(i).append(';');
      assertThat(c.call(client, new Command.Append("k", "e" + i + ";"), 2_000))
          .as("append returns the new value")
          .isEqualTo(new Result.Value(k.toString()));
    }
    c.sim().runFor(1_200); // two sweeps or more
    long sweepsAtFailover = c.server(before.backup()).stateSnapshot().sweeps();
    assertThat(sweepsAtFailover).isGreaterThanOrEqualTo(2);
    assertThat(c.server(before.backup()).sessionCount()).isEqualTo(20);

    c.sim().crash(before.primary());
    c.startServer("s3");
    assertThat(
            c.sim()
                .runUntil(
                    () ->
                        pairServing(c)
                            && c.view().primary().equals(before.backup())
                            && c.view().backup().equals(Address.of("s3")),
                    5_000))
        .isTrue();
    PbServer primary = c.server(before.backup());
    PbServer backup = c.server(Address.of("s3"));
    assertThat(backup.stateSnapshot())
        .as("the state transfer carries sessions and the sweep count")
        .isEqualTo(primary.stateSnapshot());

    for (int i = 0; i < 20; i++) {
      Address client = c.addClient("late-" + i);
      k.append("l").append(i).append(';');
      assertThat(c.call(client, new Command.Append("k", "l" + i + ";"), 2_000))
          .as("append on the new primary returns the new value, nothing lost in the failover")
          .isEqualTo(new Result.Value(k.toString()));
    }
    assertThat(primary.sessionCount()).isBetween(20, 40);

    c.sim().runFor(EXPIRY_MILLIS * 2);
    assertThat(primary.stateSnapshot().sweeps()).isGreaterThan(sweepsAtFailover + 4);
    assertThat(primary.sessionCount()).isZero();
    assertThat(backup.stateSnapshot()).isEqualTo(primary.stateSnapshot());
    assertThat(primary.valueOf("k")).isEqualTo(k.toString());
  }
}
