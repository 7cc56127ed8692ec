package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.net.wire.WireCodec;
import dev.pbkv.net.wire.WireFormatException;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes the frame decoder of live server processes, each frame on its own connection: random
 * bytes, cut envelopes and huge length prefixes must each close their connection (the server closes
 * it: the test waits for the end of the stream, generously, and never closes first), while a valid
 * frame of a type the receiver does not expect is ignored and the same connection still gets an
 * answer to a real request. Between rounds the cluster must keep serving.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FrameFuzzIT {
  /** How long a server may take to close a connection after a bad frame (it does so at once). */
  private static final int CLOSE_WAIT_MILLIS = 30_000;

  enum Kind {
    RANDOM_BYTES,
    CUT_ENVELOPE,
    HUGE_LENGTH,
    WRONG_TYPE
  }

  private ProcessCluster cluster;

  @RegisterExtension final LogTailsOnFailure tails = new LogTailsOnFailure(() -> cluster);

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void when_badFramesArrive_then_eachClosesItsConnection_andTheServersKeepServing()
      throws Exception {
    fuzz(false);
  }

  /** The same over TLS, the fuzzer holding a client certificate of the cluster's CA. */
  @Test
  void when_badFramesArriveOverTls_then_eachClosesItsConnection_andTheServersKeepServing()
      throws Exception {
    fuzz(true);
  }

  private javax.net.SocketFactory sockets = javax.net.SocketFactory.getDefault();

  private void fuzz(boolean tls) throws Exception {
    long seed = Long.getLong("pbkv.fuzz.seed", 20261126L);
    System.out.println("frame fuzz seed " + seed + (tls ? " (TLS)" : ""));
    SplittableRandom random = new SplittableRandom(seed);
    cluster = new ProcessCluster();
    dev.pbkv.net.tls.ConnectionSecurity security = null;
    if (tls) {
      java.nio.file.Path certs = cluster.logDir().resolve("certs");
      MainTest.Run made =
          MainTest.run(
              "certs",
              "--out",
              certs.toString(),
              "--clients",
              "fuzzer",
              "--servers",
              "127.0.0.1",
              "--viewservers",
              "127.0.0.1");
      assertThat(made.exit()).as(made.err()).isZero();
      cluster.secure(certs);
      dev.pbkv.net.tls.TlsConfig config =
          new dev.pbkv.net.tls.TlsConfig(
              certs.resolve("client-fuzzer.crt"),
              certs.resolve("client-fuzzer.key"),
              certs.resolve("ca.crt"));
      security = dev.pbkv.net.tls.ConnectionSecurity.client(config);
      sockets = sslContext(config).getSocketFactory();
    }
    Address vs = cluster.startViewService();
    cluster.startServer(0);
    cluster.startServer(0);
    Map<Kind, Integer> sent = new EnumMap<>(Kind.class);
    try (PbkvClient client =
        PbkvClient.connect(
            PbkvClient.Options.of(vs.name())
                .withTimeout(Duration.ofSeconds(10))
                .withSecurity(security))) {
      Status s = awaitAcked(client);
      List<Address> targets = List.of(vs, s.view().primary(), s.view().backup());
      for (int round = 0; round < 10; round++) {
        for (Address target : targets) {
          for (int i = 0; i < 10; i++) {
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            sendAndCheck(target, kind, s.view(), random);
            sent.merge(kind, 1, Integer::sum);
          }
        }
        String key = "fuzz" + round;
        client.put(key, "ok");
        assertThat(client.execute(new Command.Get(key))).isEqualTo(new Result.Value("ok"));
      }
    }
    System.out.println("frame fuzz: " + sent + "; every one handled as it should be");
    assertThat(sent).as("every kind of bad frame was tried").containsOnlyKeys(Kind.values());
  }

  private static Status awaitAcked(PbkvClient client) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        Status s = client.status(Duration.ofSeconds(1));
        if (s.acked() && s.view().hasBackup()) {
          return s;
        }
      } catch (RuntimeException e) {
        // not up yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no acked view with a backup in 60 s");
  }

  /** Sends one frame of {@code kind} on a new connection and checks what the server does. */
  private void sendAndCheck(Address target, Kind kind, View view, SplittableRandom r)
      throws IOException, WireFormatException {
    int port = Integer.parseInt(target.name().substring(target.name().lastIndexOf(':') + 1));
    try (Socket socket = sockets.createSocket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(CLOSE_WAIT_MILLIS);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      switch (kind) {
        case RANDOM_BYTES -> {
          byte[] body = new byte[1 + r.nextInt(200)];
          r.nextBytes(body);
          out.write(framed(body));
        }
        case CUT_ENVELOPE -> {
          byte[] valid = WireCodec.encode(envelope(target, wrongTypeMessage(r)));
          out.write(framed(Arrays.copyOf(valid, 1 + r.nextInt(valid.length - 1))));
        }
        case HUGE_LENGTH ->
            out.write(
                ByteBuffer.allocate(8).putInt(0x7fff_0000 + r.nextInt(0xffff)).putInt(7).array());
        case WRONG_TYPE -> {
          out.write(framed(WireCodec.encode(envelope(target, wrongTypeMessage(r)))));
          long seq = 1 + r.nextInt(1_000_000);
          out.write(framed(WireCodec.encode(envelope(target, probe(target, view, seq)))));
          out.flush();
          Message answer = readFrame(in).message();
          if (target.name().equals(view.primary().name())
              || target.name().equals(view.backup().name())) {
            assertThat(answer)
                .as("a server answers a request on the connection the wrong frame came on")
                .isInstanceOfAny(ClientMessage.Reply.class, ClientMessage.WrongServer.class);
          } else {
            assertThat(answer)
                .as("the view service answers on the connection the wrong frame came on")
                .isInstanceOf(ViewServiceMessage.ViewReply.class);
          }
          return;
        }
        default -> throw new IllegalArgumentException(kind.toString());
      }
      out.flush();
      assertThat(closedByPeer(in)).as("%s to %s closes the connection", kind, target).isTrue();
    }
  }

  /** A JDK TLS context holding {@code config}'s certificate and trusting its CA. */
  static javax.net.ssl.SSLContext sslContext(dev.pbkv.net.tls.TlsConfig config) throws Exception {
    java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    char[] pw = "x".toCharArray();
    keys.setKeyEntry(
        "me",
        CertIssuer.readKey(config.key()),
        pw,
        new java.security.cert.Certificate[] {CertIssuer.readCert(config.cert())});
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, pw);
    java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CertIssuer.readCert(config.ca()));
    javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  /** True once the peer closed (end of stream or reset); false if it sent something instead. */
  private static boolean closedByPeer(InputStream in) throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the connection stayed open " + CLOSE_WAIT_MILLIS + " ms", e);
    } catch (SocketException e) {
      return true; // reset by the peer
    }
  }

  private static Envelope readFrame(InputStream in) throws IOException, WireFormatException {
    DataInputStream data = new DataInputStream(in);
    byte[] frame = new byte[data.readInt()];
    data.readFully(frame);
    return WireCodec.decode(frame);
  }

  private static byte[] framed(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  private static Envelope envelope(Address target, Message msg) {
    return new Envelope(Address.of("fuzzer"), target, msg);
  }

  /** A request the target answers on the same connection. */
  private static Message probe(Address target, View view, long seq) {
    if (target.name().equals(view.primary().name()) || target.name().equals(view.backup().name())) {
      return new ClientMessage.Request(seq, new Command.Get("fuzz-probe"), view.viewNum());
    }
    return new ViewServiceMessage.GetView();
  }

  private static Message wrongTypeMessage(SplittableRandom r) {
    View stale = new View(1 + r.nextInt(3), Address.of("nobody:1"), null);
    List<Message> wrong =
        List.of(
            new ClientMessage.Reply(r.nextLong(), Result.OK),
            new ClientMessage.WrongServer(r.nextLong(), stale),
            new ViewServiceMessage.Status(stale, true, List.of(), null),
            new ReplicationMessage.ForwardAck(r.nextInt(1000), r.nextInt(1000)),
            new ReplicationMessage.StateTransferAck(r.nextInt(1000), r.nextInt(10)));
    return wrong.get(r.nextInt(wrong.size()));
  }
}
