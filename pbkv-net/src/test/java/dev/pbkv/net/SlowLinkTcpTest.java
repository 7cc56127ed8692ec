package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13's transfer and forwards cases over real TCP, small enough for CI: a view service, a
 * primary and a backup in one JVM, the primary → backup direction through a {@link ThrottlingProxy}
 * at 2 MB/s (the backup is known by the proxy's address). Outcomes, not times: the transfer ends
 * (the view with the backup is acked), puts keep succeeding while forwards fill the link, a put
 * succeeds after the load, and the primary's bytes waiting to go out never pass its cap.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SlowLinkTcpTest {
  private static final Duration LIMIT = Duration.ofSeconds(120);

  private static final Address ANY_PORT = Address.of("127.0.0.1:0");
  private static final long LINK = 2_000_000;
  private static final long CAP = 2L << 20;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private record Cluster(
      Address vs, NetRuntime probe, NetRuntime primary, NetRuntime backup, ThrottlingProxy link) {}

  private Cluster start(int preloadKeys) throws InterruptedException {
    NetRuntime vsRuntime = NetRuntime.listen(ANY_PORT, null, a -> new ViewServer());
    open.add(vsRuntime);
    Address vs = vsRuntime.address();
    NetRuntime primary =
        NetRuntime.listen(
            ANY_PORT,
            null,
            a -> {
              PbServer s = new PbServer(a, vs, 1, ServerConfig.defaults());
              for (int i = 0; i < preloadKeys; i++) {
                s.preload("key:" + i, String.format(Locale.ROOT, "%016x", i));
              }
              return s;
            },
            null,
            CAP);
    open.add(primary);
    NetRuntime probe = NetRuntime.client();
    open.add(probe);
    AwaitStatus.until(probe, vs, LIMIT, s -> s.acked() && s.view().isPrimary(primary.address()));
    ThrottlingProxy link =
        ThrottlingProxy.start(
            null, ThrottlingProxy.Link.of(LINK), ThrottlingProxy.Link.unlimited());
    open.add(link);
    Address backupAddress = Address.of("127.0.0.1:" + link.port());
    NetRuntime backup =
        NetRuntime.listen(
            backupAddress,
            new InetSocketAddress("127.0.0.1", 0),
            a -> new PbServer(a, vs, 2, ServerConfig.defaults()),
            null,
            CAP);
    open.add(backup);
    link.target(new InetSocketAddress("127.0.0.1", backup.port()));
    return new Cluster(vs, probe, primary, backup, link);
  }

  private static boolean backupAcked(Cluster c, Status s) {
    return s.acked() && c.backup().address().equals(s.view().backup());
  }

  @Test
  void when_aStoreGoesToANewBackupOverASlowLink_then_theTransferEnds_andOutboundStaysUnderTheCap()
      throws Exception {
    Cluster c = start(150_000); // ~4 MB: two seconds of the link at best

    AwaitStatus.until(c.probe(), c.vs(), LIMIT, s -> backupAcked(c, s));
    int keys =
        c.backup().invoke(c.backup().address(), PbServer.class, (s, fx) -> s.storeSize()).get();

    System.out.printf(
        "transfer: %,d bytes crossed the link; primary's peak outbound %,d bytes (cap %,d), %d"
            + " sends dropped over the cap%n",
        c.link().forwardBytes(),
        c.primary().peakOutboundBytes(),
        CAP,
        c.primary().sendsDroppedFull());
    assertThat(keys).isEqualTo(150_000);
    // one frame may exceed the cap by its size estimate's error (5 %, MessageSizeTest)
    assertThat(c.primary().peakOutboundBytes()).isLessThanOrEqualTo(CAP + CAP / 20);
  }

  @Test
  void when_forwardsFillASlowLink_then_putsKeepSucceeding_andOneSucceedsRightAfter()
      throws Exception {
    Cluster c = start(0);
    AwaitStatus.until(c.probe(), c.vs(), LIMIT, s -> backupAcked(c, s));
    String value = "v".repeat(20_000);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    try (PbkvClient client =
        PbkvClient.connect(
            PbkvClient.Options.of(c.vs().name())
                .withSessions(16)
                .withTimeout(Duration.ofSeconds(10)))) {
      // three seconds of 16 sessions putting 20 KB values: three times what the link carries
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(16);
      List<CompletableFuture<Void>> all = new ArrayList<>();
      int i = 0;
      while (System.nanoTime() < end) {
        if (!slots.tryAcquire(10, TimeUnit.MILLISECONDS)) {
          continue;
        }
        CompletableFuture<Void> f = client.putAsync("k" + (i++ % 100), value);
        f.whenComplete(
            (v, e) -> {
              slots.release();
              (e == null ? ok : failed).incrementAndGet();
            });
        all.add(f);
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
          .exceptionally(e -> null)
          .get(60, TimeUnit.SECONDS);
      client.put("after", "load"); // a put right after the load: the cluster still serves
      assertThat(client.get("after")).isEqualTo("load");
    }
    System.out.printf(
        "forwards: %d puts ok, %d indeterminate; %,d bytes crossed the link; primary's peak"
            + " outbound %,d bytes (cap %,d), %d sends dropped over the cap%n",
        ok.get(),
        failed.get(),
        c.link().forwardBytes(),
        c.primary().peakOutboundBytes(),
        CAP,
        c.primary().sendsDroppedFull());
    // puts got through under load (how many is a figure, TcpPressureBenchmark: this machine is
    // shared, and the goodput depends on the protocol's retries, issue 13 item 2)
    assertThat(ok.get()).isPositive();
    assertThat(c.primary().peakOutboundBytes()).isLessThanOrEqualTo(CAP + CAP / 20);
  }
}
