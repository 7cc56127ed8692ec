package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.Simulation;
import dev.pbkv.view.View;

/**
 * Bytes cost time (issue 13): a slow link from the primary to a new backup delays the state
 * transfer, and with it the whole cluster (rule 5: the primary executes nothing until the backup
 * holds the state). The link has a bandwidth and a bounded buffer. The primary's retry probes the
 * backup behind the chunks and backs off (docs/design.md §4.2), so the link carries each chunk
 * about once and the transfer ends within 1.5 × N/B + 1 s. With go-back-N retries (switch {@code
 * RETRY_RESENDS_EVERYTHING}: every unacknowledged chunk again every 100 ms) the buffer fills with
 * duplicates, which the link drops or carries in place of new data.
 */
final class SlowLinkTransfer implements Scenario {
  static final int VALUES = 24;
  static final int VALUE_BYTES = 64 * 1024;
  static final long BYTES_PER_SECOND = 512 * 1024;
  static final long BUFFER_BYTES = 4L << 20;

  @Override
  public String name() {
    return "slow-link-transfer";
  }

  @Override
  public String summary() {
    return "a 1.5 MiB store crosses a 512 KiB/s link to the new backup: how long is the cluster out?";
  }

  @Override
  public void script(ScenarioRun run) {
    Address a = run.startCluster("A").get(0);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(1, a, null, 3000);
    for (int i = 0; i < VALUES; i++) {
      String value = Character.toString('a' + i % 26).repeat(VALUE_BYTES);
      Result r = run.cluster().call(c1, new Command.Put("k" + i, value), 2000);
      run.require("c1 puts k" + i + " (64 KiB)", Result.OK.equals(r), String.valueOf(r));
    }
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");
    long dataBytes = (long) VALUES * VALUE_BYTES;
    run.say(
        "c1 has put "
            + VALUES
            + " values of 64 KiB: A holds "
            + Simulation.formatBytes(dataBytes)
            + " and has no backup");

    Address b = Address.of("B");
    run.sim().limitLink(a, b, BYTES_PER_SECOND, BUFFER_BYTES);
    run.say(
        "the link A -> B carries "
            + Simulation.formatBytes(BYTES_PER_SECOND)
            + "/s with a buffer of "
            + Simulation.formatBytes(BUFFER_BYTES)
            + "; B starts");
    long startMicros = run.sim().nowMicros();
    run.cluster().startServer("B");
    run.cluster().awaitView(v -> v.viewNum() == 2, 2000);
    long viewMicros = run.sim().nowMicros();
    run.say("view service makes " + run.cluster().view() + "; A starts the state transfer");

    // A client op during the transfer waits: the primary executes nothing until B has the state.
    run.sim().runUntil(() -> run.server(a).view().viewNum() == 2, 1000);
    var get = run.submit(c1, new Command.Get("x"));
    run.awaitView(2, a, b, 120_000);
    double transferSeconds = (run.sim().nowMicros() - viewMicros) / 1e6;
    double linkSeconds = dataBytes / (double) BYTES_PER_SECOND;
    Simulation.LinkStats stats = run.sim().linkStats(a, b);
    run.say(
        String.format(
            java.util.Locale.ROOT,
            "A acks view 2 %.1f s after it was made: the data alone needs %.1f s on this link;"
                + " the link sent %s (%.1f times the data) and dropped %s for a full buffer",
            transferSeconds,
            linkSeconds,
            Simulation.formatBytes(stats.bytesSent()),
            stats.bytesSent() / (double) dataBytes,
            Simulation.formatBytes(stats.bytesDropped())));
    run.expect(
        "the slow link delays the transfer: it takes at least the data's size over the bandwidth",
        transferSeconds >= linkSeconds,
        String.format(
            java.util.Locale.ROOT, "%.2f s for %.2f s of data", transferSeconds, linkSeconds));
    run.expect(
        "the transfer ends within 1.5 × N/B + 1 s (issue 13's goal)",
        transferSeconds <= 1.5 * linkSeconds + 1,
        String.format(
            java.util.Locale.ROOT, "%.2f s for %.2f s of data", transferSeconds, linkSeconds));
    run.expect(
        "the link carries the store about once: no chunk re-sent while the link still held it",
        stats.bytesSent() <= dataBytes * 5 / 4 && stats.bytesDropped() == 0,
        stats.toString());
    run.expect(
        "the link's buffer stays bounded", stats.queuedBytes() <= BUFFER_BYTES, stats.toString());
    run.expect(
        "the read sent during the transfer was held, not answered, until the transfer ended",
        !get.isDone() || get.op().returnMicros() >= viewMicros + (long) (linkSeconds * 1e6),
        String.valueOf(get.op()));
    long waiting = stats.queuedBytes();
    run.sim().runUntil(get::isDone, 30_000);
    run.expect(
        "then the read completes with the value A holds",
        get.isDone() && new Result.Value("1").equals(get.result()),
        String.valueOf(get.op()));
    run.expect(
        "B holds all the data",
        run.server(b).storeSize() == VALUES + 1 && run.server(b).hasInstalledState(),
        "B holds " + run.server(b).storeSize() + " keys");
    run.say(
        String.format(
            java.util.Locale.ROOT,
            "the cluster answered no new op for %.1f s after B started",
            (get.op().returnMicros() - startMicros) / 1e6));
    run.say(
        String.format(
            java.util.Locale.ROOT,
            "when the transfer ended, %s still waited on the link; the read took %.1f s in all",
            Simulation.formatBytes(waiting),
            (get.op().returnMicros() - get.op().callMicros()) / 1e6));
    run.expect(
        "the view service ends at " + new View(2, a, b), run.cluster().view().viewNum() == 2);
  }
}
