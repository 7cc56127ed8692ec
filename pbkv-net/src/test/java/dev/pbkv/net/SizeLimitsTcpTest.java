package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.SizeLimits;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.net.wire.WireCodec;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 items 4 and 5 over TCP, in one JVM on loopback: a value over the limit is refused by the
 * client library before sending and, sent raw, by the primary with an error reply; and 70 sessions
 * appending to one 1 MiB key leave a state transfer whose frames stay far below the frame limit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SizeLimitsTcpTest {
  private static final Address ANY_PORT = Address.of("127.0.0.1:0");
  private static final int MIB = 1 << 20;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** A server that records the largest state-transfer frame it receives (encoded, in bytes). */
  private static final class Measured implements Node {
    final PbServer server;
    final AtomicLong largestChunkFrame = new AtomicLong();
    final AtomicLong chunks = new AtomicLong();

    Measured(PbServer server) {
      this.server = server;
    }

    @Override
    public void init(Effects fx) {
      server.init(fx);
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      if (msg instanceof StateTransfer t) {
        long frame = WireCodec.encode(new Envelope(from, server.address(), t, 0, Map.of())).length;
        largestChunkFrame.accumulateAndGet(frame, Math::max);
        chunks.incrementAndGet();
      }
      server.onMessage(from, msg, fx);
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {
      server.onTimer(timer, fx);
    }
  }

  private Address startViewService() throws Exception {
    NetRuntime vs = NetRuntime.listen(ANY_PORT, null, a -> new ViewServer());
    open.add(vs);
    return vs.address();
  }

  private NetRuntime startServer(
      Address vs, long bootId, java.util.function.Function<PbServer, Node> wrap) throws Exception {
    NetRuntime r =
        NetRuntime.listen(
            ANY_PORT, null, a -> wrap.apply(new PbServer(a, vs, bootId, ServerConfig.defaults())));
    open.add(r);
    return r;
  }

  @Test
  void when_aValueIsOverTheLimit_then_theClientRefusesIt_andThePrimaryRefusesItSentRaw()
      throws Exception {
    Address vs = startViewService();
    NetRuntime primary = startServer(vs, 1, s -> s);
    NetRuntime probe = NetRuntime.client();
    open.add(probe);
    AwaitStatus.until(probe, vs, s -> s.acked() && s.view().isPrimary(primary.address()));
    String over = "v".repeat(SizeLimits.DEFAULT_MAX_VALUE_BYTES + 1);

    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      assertThatThrownBy(() -> c.put("big", over))
          .isInstanceOf(PbkvException.class)
          .hasMessage("value of 1,048,577 bytes is over the limit of 1,048,576 bytes: not sent");
      assertThatThrownBy(() -> c.put("k".repeat(SizeLimits.DEFAULT_MAX_KEY_BYTES + 1), "v"))
          .isInstanceOf(PbkvException.class)
          .hasMessageContaining("key of 65,537 bytes is over the limit of 65,536 bytes");
      c.put("fits", "v".repeat(SizeLimits.DEFAULT_MAX_VALUE_BYTES));
    }
    try (DirectClient d = DirectClient.connect(vs.name(), Duration.ofSeconds(10))) {
      assertThat(d.execute(new Command.Put("big", over)))
          .as("DirectClient does not check: the primary refuses")
          .isEqualTo(
              new Result.Error("value of 1,048,577 bytes is over the limit of 1,048,576 bytes"));
      assertThat(d.execute(new Command.Append("fits", "w")))
          .isEqualTo(
              new Result.Error(
                  "the appended value would hold 1,048,577 bytes, over the limit of 1,048,576"
                      + " bytes"));
      assertThat(d.execute(new Command.Get("big"))).isEqualTo(new Result.Value(null));
    }
  }

  private static long directBytes() {
    long jdk =
        ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(b -> b.getName().equals("direct"))
            .mapToLong(BufferPoolMXBean::getMemoryUsed)
            .sum();
    return jdk + Math.max(0, PlatformDependent.usedDirectMemory());
  }

  @Test
  void when_70SessionsAppendToA1MiBKey_then_theTransferFramesStayFarBelowTheFrameLimit()
      throws Exception {
    Address vs = startViewService();
    NetRuntime primary = startServer(vs, 1, s -> s);
    NetRuntime probe = NetRuntime.client();
    open.add(probe);
    AwaitStatus.until(probe, vs, s -> s.acked() && s.view().isPrimary(primary.address()));
    int sessions = 70;
    long before = directBytes();
    AtomicLong peak = new AtomicLong(before);
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(directBytes(), Math::max);
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    sampler.setDaemon(true);
    sampler.start();
    try (PbkvClient c =
        PbkvClient.connect(
            PbkvClient.Options.of(vs.name())
                .withSessions(sessions)
                .withTimeout(Duration.ofSeconds(60)))) {
      c.put("k", "x".repeat(MIB - sessions));
      long appendsStart = System.nanoTime();
      List<CompletableFuture<String>> appends = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        appends.add(c.appendAsync("k", "y"));
      }
      java.util.Set<Integer> lengths = new java.util.TreeSet<>();
      for (CompletableFuture<String> f : appends) {
        lengths.add(f.get(60, TimeUnit.SECONDS).length());
      }
      System.out.printf(
          "70 appends to a 1 MiB key: done in %.2f s; the primary dropped %d sends for a full"
              + " connection%n",
          (System.nanoTime() - appendsStart) / 1e9, primary.sendsDroppedFull());
      assertThat(lengths).as("each append returns the whole new value").hasSize(sessions);
      assertThat(lengths).contains(MIB);
    } finally {
      sampler.interrupt();
      sampler.join();
    }

    List<Measured> backups = new ArrayList<>();
    NetRuntime backup =
        startServer(
            vs,
            2,
            s -> {
              Measured m = new Measured(s);
              backups.add(m);
              return m;
            });
    long start = System.nanoTime();
    AwaitStatus.until(probe, vs, s -> s.acked() && backup.address().equals(s.view().backup()));
    double seconds = (System.nanoTime() - start) / 1e9;
    Measured b = backups.get(0);
    long frame = b.largestChunkFrame.get();
    System.out.printf(
        "70 sessions x 1 MiB key: transfer done in %.2f s, %d chunk messages, largest chunk frame"
            + " %,d bytes; JVM direct memory (client, servers and view service) peak %,d bytes"
            + " during the appends (%,d before)%n",
        seconds, b.chunks.get(), frame, peak.get(), before);
    assertThat(frame)
        .as("the chunk size (1 MiB) plus one entry, far below the 64 MiB frame limit")
        .isLessThan(2L * MIB + 64 * 1024);
    assertThat(b.server.amoTableBytes()).as("70 digests, not 70 values").isLessThan(70L * 1024);
  }
}
