package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 3: a peer that never reads costs its sender at most the outbound cap. A plain
 * socket accepts and never reads; a runtime floods it with 100 KB messages; its bytes waiting to go
 * out stay under the cap, the rest is dropped and counted, and the runtime keeps delivering to a
 * peer that does read. The same flood without a real cap grows the buffer to tens of MiB (the
 * measurement can fail).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboundCapTest {
  private static final long CAP = 1L << 20;
  private static final int VALUE_BYTES = 100_000;
  private static final int FLOOD = 400; // 40 MB

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** A node that counts what it receives. */
  private static final class Counter implements Node {
    final AtomicInteger received = new AtomicInteger();

    @Override
    public void init(Effects fx) {}

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      received.incrementAndGet();
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {}
  }

  /** Accepts connections and never reads from them (keeps them open). */
  private Address silentPeer() throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReceiveBufferSize(64 * 1024);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    open.add(server);
    Thread t =
        new Thread(
            () -> {
              try {
                while (true) {
                  Socket s = server.accept();
                  open.add(s);
                }
              } catch (IOException e) {
                // closed
              }
            },
            "silent-peer");
    t.setDaemon(true);
    t.start();
    return Address.of("127.0.0.1:" + server.getLocalPort());
  }

  private static Message big(int i) {
    return new ClientMessage.Request(i, new Command.Put("k" + i, "v".repeat(VALUE_BYTES)), 1);
  }

  /** Floods {@code silent} from a runtime with the given cap; returns the runtime. */
  private NetRuntime flood(long cap, Address silent, Counter healthy, Address healthyAt)
      throws Exception {
    Counter sender = new Counter();
    NetRuntime rt = NetRuntime.listen(Address.of("127.0.0.1:0"), null, a -> sender, null, cap);
    open.add(rt);
    Address self = rt.address();
    for (int i = 0; i < FLOOD; i++) {
      int n = i;
      rt.invoke(
              self,
              Counter.class,
              (node, fx) -> {
                fx.send(silent, big(n));
                return null;
              })
          .get();
      if (i % 50 == 0) {
        Thread.sleep(5); // let the event loop flush and the kernel take what it will
      }
    }
    if (healthyAt != null) {
      for (int i = 0; i < 20; i++) {
        int n = i;
        rt.invoke(
                self,
                Counter.class,
                (node, fx) -> {
                  fx.send(healthyAt, new ClientMessage.Request(n, new Command.Get("k"), 1));
                  return null;
                })
            .get();
      }
    }
    return rt;
  }

  @Test
  void when_aPeerNeverReads_then_theSendersOutboundBytesStayUnderTheCap_andItServesOthers()
      throws Exception {
    Address silent = silentPeer();
    Counter healthy = new Counter();
    NetRuntime other = NetRuntime.listen(Address.of("127.0.0.1:0"), null, a -> healthy);
    open.add(other);

    NetRuntime rt = flood(CAP, silent, healthy, other.address());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (healthy.received.get() < 20 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    System.out.printf(
        "cap %,d: peak outbound %,d bytes, now %,d, %d sends dropped over the cap%n",
        CAP, rt.peakOutboundBytes(), rt.outboundBytes(), rt.sendsDroppedFull());
    // the estimate of one message's size may be off by 5 % (MessageSizeTest)
    assertThat(rt.peakOutboundBytes()).isLessThanOrEqualTo(CAP + VALUE_BYTES / 20);
    assertThat(rt.peakOutboundBytes()).isGreaterThan(CAP / 2); // it did fill up to the cap
    assertThat(rt.outboundBytes()).isLessThanOrEqualTo(CAP + VALUE_BYTES / 20);
    assertThat(rt.sendsDroppedFull()).isGreaterThan(FLOOD / 2);
    assertThat(healthy.received.get()).isEqualTo(20);
  }

  @Test
  void when_aClientHoldsItsCapInOperations_then_theNextFailsAtOnce_andTheBytesComeBackAfterwards()
      throws Exception {
    NetRuntime vs =
        NetRuntime.listen(Address.of("127.0.0.1:0"), null, a -> new dev.pbkv.view.ViewServer());
    open.add(vs);
    // no server: every op waits for a primary until its timeout
    PbkvClient client =
        PbkvClient.connect(
            PbkvClient.Options.of(vs.address().name())
                .withSessions(4)
                .withTimeout(java.time.Duration.ofSeconds(2))
                .withOutboundCap(100_000));
    open.add(client);
    String value = "v".repeat(60_000);

    java.util.concurrent.CompletableFuture<Void> first = client.putAsync("a", value);
    java.util.concurrent.CompletableFuture<Void> second = client.putAsync("b", value);

    // the second would hold 120,000 bytes: refused at once, long before any timeout
    org.assertj.core.api.Assertions.assertThat(second)
        .failsWithin(java.time.Duration.ofSeconds(1))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(PbkvException.class)
        .withMessageContaining("would pass its cap of 100000");
    // the first ends indeterminate (no primary), and gives its bytes back
    org.assertj.core.api.Assertions.assertThat(first)
        .failsWithin(java.time.Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IndeterminateException.class);
    java.util.concurrent.CompletableFuture<Void> third = client.putAsync("c", value);
    org.assertj.core.api.Assertions.assertThat(third)
        .failsWithin(java.time.Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(IndeterminateException.class);
  }

  @Test
  void when_theCapIsHuge_then_theSameFloodGrowsTheOutboundBuffer() throws Exception {
    Address silent = silentPeer();
    NetRuntime rt = flood(1L << 30, silent, null, null);
    long peak = rt.peakOutboundBytes();
    System.out.printf("cap 1 GiB: peak outbound %,d bytes%n", peak);
    assertThat(peak).isGreaterThan(20L * VALUE_BYTES * 10); // tens of MB waiting
    assertThat(rt.sendsDroppedFull()).isZero();
  }
}
