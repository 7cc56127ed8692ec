package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The throttling proxy's rate, measured as ratios within one run (a slow machine makes both
 * directions slower alike) and as upper bounds (a slow machine only lowers what crosses), never as
 * a wall-clock lower bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThrottlingProxyTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /** Writes zeros to {@code out} until it fails (its socket closed). */
  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void flood(OutputStream out) {
    byte[] block = new byte[64 * 1024];
    try {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      // closed: done
    }
  }

  private static void drain(InputStream in) {
    byte[] block = new byte[64 * 1024];
    try {
      while (in.read(block) >= 0) {
        // discard
      }
    } catch (IOException e) {
      // closed: done
    }
  }

  /** A target that floods back whatever connects to it, and reads and drops what it receives. */
  private InetSocketAddress floodingTarget() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(server);
    daemon(
        "target",
        () -> {
          try {
            while (true) {
              Socket s = server.accept();
              open.add(s);
              daemon("target-read", () -> drain(uncheckedIn(s)));
              daemon("target-write", () -> flood(uncheckedOut(s)));
            }
          } catch (IOException e) {
            // closed
          }
        });
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
  }

  private static InputStream uncheckedIn(Socket s) {
    try {
      return s.getInputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OutputStream uncheckedOut(Socket s) {
    try {
      return s.getOutputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void when_bothDirectionsAreFlooded_then_eachCarriesItsOwnRate_andNeverMoreThanIt()
      throws Exception {
    long fast = 4_000_000;
    long slow = 1_000_000;
    ThrottlingProxy proxy =
        ThrottlingProxy.start(
            floodingTarget(), ThrottlingProxy.Link.of(fast), ThrottlingProxy.Link.of(slow));
    open.add(proxy);
    Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    open.add(client);
    daemon("client-write", () -> flood(uncheckedOut(client)));
    daemon("client-read", () -> drain(uncheckedIn(client)));

    Thread.sleep(300); // past the start: buffers fill
    long f0 = proxy.forwardBytes();
    long b0 = proxy.backwardBytes();
    long t0 = System.nanoTime();
    Thread.sleep(1500);
    long f1 = proxy.forwardBytes();
    long b1 = proxy.backwardBytes();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long forward = f1 - f0;
    long backward = b1 - b0;
    System.out.printf(
        "forward %,d bytes, backward %,d bytes in %.2f s (%.2f and %.2f MB/s)%n",
        forward, backward, seconds, forward / seconds / 1e6, backward / seconds / 1e6);

    // the ratio of the two rates, within one run
    assertThat((double) forward / backward).isBetween(3.0, 5.0);
    // never more than the limit (plus one burst allowance of 5 ms or a slice)
    assertThat(forward).isLessThanOrEqualTo((long) (fast * seconds) + 64 * 1024);
    assertThat(backward).isLessThanOrEqualTo((long) (slow * seconds) + 64 * 1024);
  }

  @Test
  void when_oneConnectionFloodsTheLink_then_anotherConnectionsSmallMessageStillCrosses()
      throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    open.add(server);
    List<Socket> accepted = new ArrayList<>();
    daemon(
        "target",
        () -> {
          try {
            while (true) {
              Socket s = server.accept();
              synchronized (accepted) {
                accepted.add(s);
                accepted.notifyAll();
              }
              open.add(s);
            }
          } catch (IOException e) {
            // closed
          }
        });
    ThrottlingProxy proxy =
        ThrottlingProxy.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
            ThrottlingProxy.Link.of(1_000_000),
            ThrottlingProxy.Link.unlimited());
    open.add(proxy);

    Socket bulk = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    open.add(bulk);
    Socket bulkAtTarget = awaitAccepted(accepted, 1);
    daemon("bulk-write", () -> flood(uncheckedOut(bulk)));
    daemon("bulk-read", () -> drain(uncheckedIn(bulkAtTarget)));
    Thread.sleep(300); // the link is saturated, its buffer full

    Socket small = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    open.add(small);
    Socket smallAtTarget = awaitAccepted(accepted, 2);
    long before = proxy.forwardBytes();
    small.getOutputStream().write("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    byte[] got = smallAtTarget.getInputStream().readNBytes(4);
    long crossedMeanwhile = proxy.forwardBytes() - before;

    assertThat(new String(got, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ping");
    // fair queueing: the ping waited for a few slices of the bulk connection, not for its buffer
    // (256 KiB at 1 MB/s would be a quarter of a second of bulk bytes ahead of it)
    assertThat(crossedMeanwhile).isLessThan(128 * 1024);
  }

  private static Socket awaitAccepted(List<Socket> accepted, int n) throws InterruptedException {
    synchronized (accepted) {
      while (accepted.size() < n) {
        accepted.wait(10_000);
      }
      return accepted.get(n - 1);
    }
  }
}
