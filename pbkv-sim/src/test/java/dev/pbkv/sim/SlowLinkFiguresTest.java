package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's first case in the simulator: a state transfer over a slow link (docs/design.md §10). A
 * store of N bytes goes to a new backup over a link of B bytes/s, with a bounded buffer and with
 * one so large it never fills (as Netty's outbound buffer today). The go-back-N retry re-sends the
 * whole window every 100 ms without progress; once a chunk takes longer than that to cross the
 * link, the duplicates outgrow the link. In CI the case is scaled down by 10 (N, the chunk size and
 * B; the ratios that matter stay); {@code -Dpbkv.figures.full=true} runs issue 13's own sizes (26
 * MB, 1 MiB chunks, 5–20 MB/s).
 *
 * <p>Checked: a fast enough link finishes within 1.5 × N/B + 1 s; with a bounded buffer every
 * transfer finishes, and the link never holds more than its buffer. The table is printed.
 */
class SlowLinkFiguresTest {
  private static final boolean FULL = Boolean.getBoolean("pbkv.figures.full");
  private static final int SCALE = FULL ? 1 : 10;
  private static final long STORE_BYTES = 26_000_000 / SCALE;
  private static final long CHUNK_BYTES = (1 << 20) / SCALE;
  private static final long BOUNDED_BUFFER = 16 * CHUNK_BYTES;
  private static final long HUGE_BUFFER = 1000 * CHUNK_BYTES;
  private static final long LIMIT_MILLIS = 300_000;

  record Figure(
      long bytesPerSecond,
      long bufferBytes,
      boolean done,
      double seconds,
      long sent,
      long maxQueued) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "%-12s buffer %-9s %s %6.1f s (N/B %5.1f s); link sent %s, at most %s waiting",
          bytesPerSecond == 0 ? "unlimited" : Simulation.formatBytes(bytesPerSecond) + "/s",
          bytesPerSecond == 0 ? "-" : Simulation.formatBytes(bufferBytes),
          done ? "done after" : "NOT done in",
          seconds,
          bytesPerSecond == 0 ? 0 : STORE_BYTES / (double) bytesPerSecond,
          Simulation.formatBytes(sent),
          Simulation.formatBytes(maxQueued));
    }
  }

  private static Figure transfer(long bytesPerSecond, long bufferBytes) {
    Cluster c =
        new Cluster(
            new Simulation(1),
            ViewServiceConfig.defaults(),
            ServerConfig.defaults().withTransferChunks(CHUNK_BYTES, 2),
            dev.pbkv.client.ClientConfig.defaults());
    Simulation sim = c.sim();
    c.startViewService();
    Address a = c.startServer("A");
    String value = "v".repeat(1000);
    for (int i = 0; i < STORE_BYTES / 1024; i++) {
      c.server(a).preload(String.format(Locale.ROOT, "k%07d", i), value);
    }
    sim.runFor(500);
    Address b = Address.of("B");
    if (bytesPerSecond > 0) {
      sim.limitLink(a, b, bytesPerSecond, bufferBytes);
    }
    long[] maxQueued = {0};
    sim.addListener(
        new SimListener() {
          @Override
          public void onSend(
              long micros, long id, Address from, Address to, dev.pbkv.node.Message msg) {
            Simulation.LinkStats s = sim.linkStats(a, b);
            if (s != null) {
              maxQueued[0] = Math.max(maxQueued[0], s.queuedBytes());
            }
          }
        });
    long t0 = sim.nowMicros();
    c.startServer("B");
    boolean done = c.awaitAckedView(2, a, b, LIMIT_MILLIS);
    Simulation.LinkStats s = sim.linkStats(a, b);
    return new Figure(
        bytesPerSecond,
        bufferBytes,
        done,
        (sim.nowMicros() - t0) / 1e6,
        s == null ? STORE_BYTES : s.bytesSent(),
        maxQueued[0]);
  }

  @Test
  void when_aStoreCrossesASlowLink_then_aBoundedBufferKeepsMemoryBounded_andTheTransferEnds() {
    List<String> table = new ArrayList<>();
    long[] rates = {0, 20_000_000 / SCALE, 10_000_000 / SCALE, 5_000_000 / SCALE};
    for (long bufferBytes : new long[] {BOUNDED_BUFFER, HUGE_BUFFER}) {
      for (long rate : rates) {
        Figure f = transfer(rate, bufferBytes);
        table.add(f.describe());
        if (rate == 0 || rate == rates[1]) {
          double goal = rate == 0 ? 1.5 : 1.5 * STORE_BYTES / (double) rate + 1;
          assertThat(f.done() && f.seconds() <= goal).as(f.describe()).isTrue();
        }
        if (bufferBytes == BOUNDED_BUFFER) {
          assertThat(f.done()).as(f.describe()).isTrue();
          assertThat(f.maxQueued()).as(f.describe()).isLessThanOrEqualTo(bufferBytes);
        }
      }
    }
    System.out.println(
        "state transfer of "
            + Simulation.formatBytes(STORE_BYTES)
            + " in chunks of "
            + Simulation.formatBytes(CHUNK_BYTES)
            + " (window 2), seed 1:\n  "
            + String.join("\n  ", table));
  }
}
