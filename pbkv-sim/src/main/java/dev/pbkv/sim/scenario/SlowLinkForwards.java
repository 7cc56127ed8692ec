package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.sim.OpHandle;
import dev.pbkv.sim.SimListener;
import dev.pbkv.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 13's second case, scaled down by 10 as {@code SlowLinkFiguresTest} does: 32 sessions put 2
 * KB values as fast as they can while the link from the primary to its backup carries 500 KB/s
 * (issue 13: 20 KB puts at 5 MB/s). Every put is forwarded over that link, so the link is the
 * cluster's bottleneck. With a probe and back-off (docs/design.md §4.1) the link carries each
 * forward about once and the puts use most of its capacity; with go-back-N retries every 50 ms
 * (switch {@code RETRY_RESENDS_EVERYTHING}) the duplicates fill the link and goodput collapses.
 * After the load stops, the cluster must serve again at once and the link's buffer stay bounded.
 */
final class SlowLinkForwards implements Scenario {
  static final int SESSIONS = 32;
  static final int VALUE_BYTES = 2000;
  static final long BYTES_PER_SECOND = 500_000;
  static final long BUFFER_BYTES = 1L << 20;
  static final long LOAD_MILLIS = 10_000;

  @Override
  public String name() {
    return "slow-link-forwards";
  }

  @Override
  public String summary() {
    return "32 sessions put 2 KB values over a 500 KB/s primary -> backup link: goodput >= 80 %?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> servers = run.startCluster("A", "B");
    Address a = servers.get(0);
    Address b = servers.get(1);
    run.awaitView(2, a, b, 3000);
    Simulation sim = run.sim();
    sim.limitLink(a, b, BYTES_PER_SECOND, BUFFER_BYTES);
    long[] maxQueued = {0};
    sim.addListener(
        new SimListener() {
          @Override
          public void onSend(long micros, long id, Address from, Address to, Message msg) {
            Simulation.LinkStats s = sim.linkStats(a, b);
            if (s != null) {
              maxQueued[0] = Math.max(maxQueued[0], s.queuedBytes());
            }
          }
        });
    run.say(
        "the link A -> B carries "
            + Simulation.formatBytes(BYTES_PER_SECOND)
            + "/s with a buffer of "
            + Simulation.formatBytes(BUFFER_BYTES)
            + "; "
            + SESSIONS
            + " sessions put "
            + VALUE_BYTES
            + "-byte values back to back for "
            + LOAD_MILLIS / 1000
            + " s");
    long start = sim.nowMicros();
    long end = start + LOAD_MILLIS * 1000;
    long[] completed = {0};
    List<Address> clients = new ArrayList<>();
    for (int i = 0; i < SESSIONS; i++) {
      Address c = run.cluster().addClient("c" + (i + 1));
      clients.add(c);
      int session = i;
      int[] n = {0};
      run.cluster()
          .runWorkload(
              c,
              () -> {
                if (n[0] > 0 && sim.nowMicros() <= end) {
                  completed[0]++;
                }
                if (sim.nowMicros() >= end) {
                  return null;
                }
                n[0]++;
                return new Command.Put(
                    "k" + session + "-" + n[0],
                    Character.toString('a' + session % 26).repeat(VALUE_BYTES));
              });
    }
    sim.runFor(LOAD_MILLIS);
    Simulation.LinkStats stats = sim.linkStats(a, b);
    double goodput =
        completed[0] * (double) VALUE_BYTES / (BYTES_PER_SECOND * LOAD_MILLIS / 1000.0);
    run.say(
        String.format(
            Locale.ROOT,
            "%d puts in %d s (%.0f/s): goodput %.0f %% of the link; the link sent %s (%.2f times the"
                + " values) and dropped %s; at most %s waited",
            completed[0],
            LOAD_MILLIS / 1000,
            completed[0] * 1000.0 / LOAD_MILLIS,
            goodput * 100,
            Simulation.formatBytes(stats.bytesSent()),
            stats.bytesSent() / Math.max(1.0, completed[0] * (double) VALUE_BYTES),
            Simulation.formatBytes(stats.bytesDropped()),
            Simulation.formatBytes(maxQueued[0])));
    run.expect(
        "the puts keep at least 80 % of the link's capacity as goodput",
        goodput >= 0.8, String.format(Locale.ROOT, "%.0f %%", goodput * 100));
    run.expect(
        "the link's buffer stays bounded",
        maxQueued[0] <= BUFFER_BYTES,
        Simulation.formatBytes(maxQueued[0]));

    // The load has stopped (each session ends after its op in flight): a new put must get through
    // at once, not after the link has drained a backlog of duplicates.
    long stopped = sim.nowMicros();
    Address probe = run.cluster().addClient("late");
    OpHandle put = run.submit(probe, new Command.Put("after", "1"));
    sim.runUntil(put::isDone, 30_000);
    double after = (sim.nowMicros() - stopped) / 1e6;
    run.say(String.format(Locale.ROOT, "a put after the load completes %.2f s later", after));
    run.expect(
        "after the load the cluster serves again within 1 s",
        put.isDone() && Result.OK.equals(put.result()) && after <= 1.0,
        String.valueOf(put.op()));
    run.expect(
        "B holds every acknowledged put",
        "1".equals(run.server(b).valueOf("after")),
        "B holds " + run.server(b).storeSize() + " keys");
  }
}
