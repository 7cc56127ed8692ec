package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 item 5's last sentence, over TCP through a {@link ThrottlingProxy}: pings, acks and
 * small requests do not wait behind large frames. Outcomes, not times: the order in which messages
 * arrive, and the view number while a transfer saturates the link.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ControlTrafficTest {
  private static final Address ANY_PORT = Address.of("127.0.0.1:0");
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** Records the sequence numbers of the requests it receives, in order. */
  private static final class Recorder implements Node {
    final List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void init(Effects fx) {}

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      if (msg instanceof ClientMessage.Request r) {
        seqs.add(r.seq());
      }
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {}
  }

  /**
   * Ten 200 KB requests (2 MB: two seconds of a 1 MB/s link), then one small one; where does the
   * small one arrive among them?
   */
  private List<Long> arrivalOrder(long bulkThreshold) throws Exception {
    Recorder recorder = new Recorder();
    ThrottlingProxy proxy =
        ThrottlingProxy.start(
            null, ThrottlingProxy.Link.of(1_000_000), ThrottlingProxy.Link.unlimited());
    open.add(proxy);
    Address receiverAddress = Address.of("127.0.0.1:" + proxy.port());
    NetRuntime receiver =
        NetRuntime.listen(receiverAddress, new InetSocketAddress("127.0.0.1", 0), a -> recorder);
    open.add(receiver);
    proxy.target(new InetSocketAddress("127.0.0.1", receiver.port()));
    NetRuntime sender = NetRuntime.listen(ANY_PORT, null, a -> new Recorder());
    open.add(sender);
    sender.bulkThreshold(bulkThreshold);
    Address self = sender.address();
    // open the connections first (a message waiting for a connection is queued either way)
    sender
        .invoke(
            self,
            Recorder.class,
            (n, fx) -> {
              fx.send(receiverAddress, new ClientMessage.Request(-1, new Command.Get("k"), 1));
              fx.send(
                  receiverAddress,
                  new ClientMessage.Request(-2, new Command.Put("k", "v".repeat(100_000)), 1));
              return null;
            })
        .get();
    await(() -> recorder.seqs.size() == 2);
    for (int i = 0; i < 10; i++) {
      long seq = i;
      sender
          .invoke(
              self,
              Recorder.class,
              (n, fx) -> {
                fx.send(
                    receiverAddress,
                    new ClientMessage.Request(seq, new Command.Put("k", "v".repeat(200_000)), 1));
                return null;
              })
          .get();
    }
    sender
        .invoke(
            self,
            Recorder.class,
            (n, fx) -> {
              fx.send(receiverAddress, new ClientMessage.Request(99, new Command.Get("k"), 1));
              return null;
            })
        .get();
    await(() -> recorder.seqs.size() == 13);
    synchronized (recorder.seqs) {
      return List.copyOf(recorder.seqs.subList(2, 13));
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within 60 s");
      }
      Thread.sleep(10);
    }
  }

  @Test
  void when_largeFramesFillTheLink_then_aSmallMessageSentAfterThemOvertakesThem() throws Exception {
    List<Long> order = arrivalOrder(NetRuntime.BULK_THRESHOLD_BYTES);
    System.out.println("with a bulk connection: " + order);
    // the small request (99) went on the control connection: ahead of most of the 2 MB
    assertThat(order.indexOf(99L)).isLessThan(3);
  }

  @Test
  void when_everythingSharesOneConnection_then_theSmallMessageWaitsBehindEveryLargeFrame()
      throws Exception {
    List<Long> order = arrivalOrder(0); // the split switched off: the bug this class guards
    System.out.println("one connection: " + order);
    assertThat(order.get(order.size() - 1)).isEqualTo(99L);
  }

  @Test
  void when_aTransferSaturatesTheLinkThePingsShare_then_theViewDoesNotChange() throws Exception {
    NetRuntime vsRuntime = NetRuntime.listen(ANY_PORT, null, a -> new ViewServer());
    open.add(vsRuntime);
    Address vs = vsRuntime.address();
    InetSocketAddress vsSocket = Addresses.socketAddress(vs);
    // one slow link out of the primary (2 MB/s), to the backup and to the view service alike
    ThrottlingProxy link =
        ThrottlingProxy.start(
            null, ThrottlingProxy.Link.of(2_000_000), ThrottlingProxy.Link.unlimited());
    open.add(link);
    Address vsOverLink = Address.of("127.0.0.1:" + link.addRoute(vsSocket));
    NetRuntime primary =
        NetRuntime.listen(
            ANY_PORT,
            null,
            a -> {
              PbServer s =
                  new PbServer(a, vsOverLink, Set.of(vs, vsOverLink), 1, ServerConfig.defaults());
              for (int i = 0; i < 150_000; i++) { // ~4 MB: two seconds of the link, at best
                s.preload("key:" + i, String.format(java.util.Locale.ROOT, "%016x", i));
              }
              return s;
            });
    open.add(primary);
    NetRuntime probe = NetRuntime.client();
    open.add(probe);
    Status first =
        AwaitStatus.until(probe, vs, s -> s.acked() && s.view().isPrimary(primary.address()));

    Address backupAddress = Address.of("127.0.0.1:" + link.port());
    NetRuntime backup =
        NetRuntime.listen(
            backupAddress,
            new InetSocketAddress("127.0.0.1", 0),
            a -> new PbServer(a, vs, 2, ServerConfig.defaults()));
    open.add(backup);
    link.target(new InetSocketAddress("127.0.0.1", backup.port()));
    Status joined = AwaitStatus.until(probe, vs, s -> backupAddress.equals(s.view().backup()));
    long viewWithBackup = joined.view().viewNum();
    assertThat(viewWithBackup).isEqualTo(first.view().viewNum() + 1);

    // three seconds of a saturated link: six times the dead interval (5 pings of 100 ms)
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    long crossedAtStart = link.forwardBytes();
    while (System.nanoTime() < until) {
      Status s = ViewServiceProbe.status(probe, vs, Duration.ofSeconds(10));
      assertThat(s.view().viewNum())
          .as("no view change while the link is full")
          .isEqualTo(viewWithBackup);
      assertThat(s.view().primary()).isEqualTo(primary.address());
      Thread.sleep(50);
    }
    System.out.printf(
        "the link carried %,d bytes in those 3 s; the view stayed %d%n",
        link.forwardBytes() - crossedAtStart, viewWithBackup);
    assertThat(link.forwardBytes() - crossedAtStart).isGreaterThan(1_000_000); // it was busy
  }
}
