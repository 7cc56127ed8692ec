package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The protocol over real TCP on loopback, in one JVM: each node its own runtime and port. Every
 * runtime listens on port 0 and is known by the port it got, so no other process can take a port
 * between choosing and binding it. Setup ops get generous timeouts; only the ops meant to time out
 * get a short one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NetRuntimeTest {
  private static final Address ANY_PORT = Address.of("127.0.0.1:0");
  private static final Duration GENEROUS = Duration.ofSeconds(10);

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  /**
   * A loopback port nobody listens on, for as long as the returned socket stays open: it is bound
   * (so no one else can take it) but not listening (so connecting to it is refused).
   */
  private static Socket unreachablePort() throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return s;
  }

  private Address startViewService() {
    NetRuntime rt = NetRuntime.listen(ANY_PORT, null, a -> new ViewServer());
    open.add(rt);
    return rt.address();
  }

  private NetRuntime startServer(Address vs) {
    NetRuntime rt =
        NetRuntime.listen(
            ANY_PORT, null, a -> new PbServer(a, vs, System.nanoTime(), ServerConfig.defaults()));
    open.add(rt);
    return rt;
  }

  /**
   * Connects a client whose short timeout is meant for its ops; connecting is setup, so a connect
   * that a busy machine makes slower than that timeout is tried again.
   */
  private static PbkvClient connectRetrying(PbkvClient.Options options) {
    for (int attempt = 1; ; attempt++) {
      try {
        return PbkvClient.connect(options);
      } catch (PbkvException e) {
        if (attempt == 50) {
          throw e;
        }
      }
    }
  }

  private static Status await(PbkvClient c, Predicate<Status> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    Status s = null;
    while (System.nanoTime() < deadline) {
      s = c.status(Duration.ofSeconds(1));
      if (condition.test(s)) {
        return s;
      }
      Thread.sleep(20); // polling an observable condition
    }
    throw new AssertionError("not reached in 20 s; last status " + s);
  }

  @Test
  void when_aClusterRunsOverTcp_then_opsWork_andAFailoverKeepsTheData() throws Exception {
    Address vs = startViewService();
    NetRuntime a = startServer(vs);
    startServer(vs);
    PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()).withTimeout(GENEROUS));
    open.add(c);
    Status s = await(c, st -> st.acked() && st.view().hasBackup());
    c.put("x", "1");
    assertThat(c.append("x", "2")).isEqualTo("12");
    assertThat(c.compareAndSet("x", "12", "13")).isTrue();
    assertThat(c.compareAndSet("x", "12", "14")).isFalse();
    assertThat(c.get("x")).isEqualTo("13");
    assertThat(c.appendAsync("y", "a").get()).isEqualTo("a");
    assertThat(c.delete("y")).isTrue();
    assertThat(c.get("y")).isNull();

    Address primary = s.view().primary();
    NetRuntime primaryRuntime =
        a.port() == Integer.parseInt(primary.name().split(":")[1]) ? a : null;
    if (primaryRuntime == null) {
      // the other server is primary: close it through the list of runtimes
      for (AutoCloseable o : open) {
        if (o instanceof NetRuntime rt
            && rt.port() == Integer.parseInt(primary.name().split(":")[1])) {
          primaryRuntime = rt;
        }
      }
    }
    primaryRuntime.close();
    await(c, st -> st.acked() && !st.view().isPrimary(primary));
    assertThat(c.get("x")).isEqualTo("13");
  }

  @Test
  void when_keysAndValuesHoldEveryByteValue_then_theyRoundTripByteForByte() throws Exception {
    Address vs = startViewService();
    startServer(vs);
    startServer(vs);
    PbkvClient c =
        PbkvClient.connect(PbkvClient.Options.of(vs.name()).withTimeout(Duration.ofSeconds(10)));
    open.add(c);
    await(c, st -> st.acked() && st.view().hasBackup());
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
      byte[] key = {'k', (byte) i};
      byte[] value = {(byte) i, (byte) (255 - i)};
      c.put(key, value);
    }
    for (int i = 0; i < 256; i++) { // each key distinct: no two bytes collapse into one
      assertThat(c.get(new byte[] {'k', (byte) i})).containsExactly((byte) i, (byte) (255 - i));
    }
    c.put(all, all);
    assertThat(c.get(all)).isEqualTo(all);
    assertThat(c.append(all, new byte[] {0, (byte) 0xff})).hasSize(258).startsWith(all);
    assertThat(c.compareAndSet(all, c.get(all), new byte[0])).isTrue();
    assertThat(c.get(all)).isEmpty();
    assertThat(c.delete(all)).isTrue();
    assertThat(c.get(all)).isNull();
    // text is stored as its UTF-8 bytes: the two forms see the same value
    c.put("ключ", "é");
    assertThat(c.get("ключ".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .containsExactly((byte) 0xc3, (byte) 0xa9);
    assertThat(c.get("ключ")).isEqualTo("é");
    assertThatThrownBy(() -> c.execute(new dev.pbkv.kv.Command.Get("鍵")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keys and values are bytes");
  }

  @Test
  void when_theOnlyServerStops_then_anOpEndsIndeterminate_andItsSessionIsReplaced()
      throws Exception {
    Address vs = startViewService();
    NetRuntime only = startServer(vs);
    PbkvClient setup = PbkvClient.connect(PbkvClient.Options.of(vs.name()).withTimeout(GENEROUS));
    open.add(setup);
    await(setup, Status::acked);
    setup.put("x", "1"); // cold JIT, first connection, a round trip: not what is measured
    PbkvClient impatient =
        connectRetrying(
            PbkvClient.Options.of(vs.name()).withSessions(2).withTimeout(Duration.ofMillis(400)));
    open.add(impatient);
    only.close(); // the view service keeps naming it primary: no one can answer
    for (int i = 0; i < 3; i++) { // more ops than sessions: expired sessions must be replaced
      assertThatThrownBy(() -> impatient.put("x", "2"))
          .isInstanceOf(IndeterminateException.class)
          .hasMessageContaining("did not complete within 400 ms");
    }
  }

  @Test
  void when_aDirectClientRunsOps_then_theyWork_acrossAFailover() throws Exception {
    Address vs = startViewService();
    NetRuntime first = startServer(vs);
    try (PbkvClient watcher = PbkvClient.connect(vs.name());
        DirectClient c = DirectClient.connect(vs.name(), Duration.ofSeconds(10))) {
      await(watcher, Status::acked);
      NetRuntime second = startServer(vs);
      await(watcher, st -> st.acked() && st.view().hasBackup());
      c.put("x", "1");
      assertThat(c.execute(new dev.pbkv.kv.Command.Append("x", "2")))
          .isEqualTo(new dev.pbkv.kv.Result.Value("12"));
      assertThat(c.get("x")).isEqualTo("12");
      first.close(); // the primary: the backup takes over, and the session follows the view
      assertThat(c.get("x")).isEqualTo("12");
      c.put("y", "3");
      assertThat(c.get("y")).isEqualTo("3");
      second.close();
    }
  }

  @Test
  void when_aDirectClientIsGivenSeveralViewServiceAddresses_then_itAsksEvery_oneAndWorks()
      throws Exception {
    Address vs = startViewService();
    NetRuntime server = startServer(vs);
    String silent = "127.0.0.1:" + freePort(); // nothing listens there (a replica that is down)
    try (PbkvClient watcher = PbkvClient.connect(vs.name());
        DirectClient c = DirectClient.connect(silent + "," + vs.name(), Duration.ofSeconds(10))) {
      await(watcher, Status::acked);
      assertThat(c.viewServices()).containsExactly(Addresses.of(silent), vs);
      c.put("x", "1");
      assertThat(c.get("x")).isEqualTo("1");
    }
    assertThatThrownBy(() -> DirectClient.connect(silent + "," + silent, Duration.ofSeconds(1)))
        .isInstanceOf(PbkvException.class)
        .hasMessageContaining("cannot reach the view service");
    server.close();
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void when_aDirectClientsServerStops_then_theOpEndsIndeterminate_andTheNextOpStillTimesOut()
      throws Exception {
    Address vs = startViewService();
    NetRuntime only = startServer(vs);
    try (PbkvClient watcher = PbkvClient.connect(vs.name());
        DirectClient setup = DirectClient.connect(vs.name(), GENEROUS);
        DirectClient c = DirectClient.connect(vs.name(), Duration.ofMillis(400))) {
      await(watcher, Status::acked);
      setup.put("x", "1"); // the setup op gets a generous timeout; only the ops below a short one
      only.close();
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> c.put("x", "2"))
            .isInstanceOf(IndeterminateException.class)
            .hasMessageContaining("did not complete within 400 ms");
      }
    }
  }

  @Test
  void when_aDirectClientsThreadIsInterrupted_then_theOpEndsIndeterminate_andTheNextOneWorks()
      throws Exception {
    Address vs = startViewService();
    startServer(vs);
    try (PbkvClient watcher = PbkvClient.connect(vs.name());
        DirectClient c = DirectClient.connect(vs.name(), Duration.ofSeconds(10))) {
      await(watcher, Status::acked);
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> c.put("x", "1"))
            .isInstanceOf(IndeterminateException.class)
            .hasMessageContaining("interrupted");
      } finally {
        Thread.interrupted(); // clear the flag for what follows
      }
      c.put("x", "2"); // a new session: the interrupted one is never reused
      assertThat(c.get("x")).isEqualTo("2");
    }
  }

  @Test
  void when_aDirectClientsViewServiceIsUnreachable_then_connectFailsWithOneLine()
      throws IOException {
    try (Socket bound = unreachablePort()) {
      String nobody = "127.0.0.1:" + bound.getLocalPort();
      assertThatThrownBy(() -> DirectClient.connect(nobody, Duration.ofSeconds(1)))
          .isInstanceOf(PbkvException.class)
          .hasMessage("cannot reach the view service at " + nobody);
    }
  }

  @Test
  void when_theViewServiceIsUnreachable_then_connectFailsWithOneLine() throws IOException {
    try (Socket bound = unreachablePort()) {
      int port = bound.getLocalPort();
      assertThatThrownBy(
              () ->
                  PbkvClient.connect(
                      PbkvClient.Options.of("127.0.0.1:" + port)
                          .withTimeout(Duration.ofMillis(500))))
          .isInstanceOf(PbkvException.class)
          .hasMessageContaining("did not answer");
    }
  }

  @Test
  void when_aMalformedFrameArrives_then_onlyThatConnectionCloses() throws Exception {
    Address vs = startViewService();
    startServer(vs);
    PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()).withTimeout(GENEROUS));
    open.add(c);
    await(c, Status::acked);
    c.put("k", "v");
    int port = Integer.parseInt(vs.name().split(":")[1]);
    try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = raw.getOutputStream();
      out.write(new byte[] {0, 0, 0, 5, 1, 2, 3, 4, 5}); // a frame of garbage
      out.flush();
      InputStream in = raw.getInputStream();
      raw.setSoTimeout(5000);
      assertThat(in.read()).as("the server closed that connection").isEqualTo(-1);
    }
    assertThat(c.get("k")).isEqualTo("v");
  }

  @Test
  void when_aNodeListensOnPort0_then_itIsKnownByThePortItGot() {
    NetRuntime a = NetRuntime.listen(ANY_PORT, null, x -> new ViewServer());
    open.add(a);
    NetRuntime b = NetRuntime.listen(ANY_PORT, null, x -> new ViewServer());
    open.add(b);
    assertThat(a.port()).isPositive().isNotEqualTo(b.port());
    assertThat(a.address()).isEqualTo(Address.of("127.0.0.1:" + a.port()));
    assertThat(Addresses.listenAddress("127.0.0.1:0")).isEqualTo(ANY_PORT);
    assertThatThrownBy(() -> Addresses.of("127.0.0.1:0"))
        .as("a node to reach is never on port 0")
        .hasMessageContaining("is not HOST:PORT");
    assertThatThrownBy(() -> Addresses.listenAddress("127.0.0.1:-1"))
        .hasMessage(
            "'127.0.0.1:-1' is not HOST:PORT (e.g. 127.0.0.1:7000, a port from 1 to 65535, or 0"
                + " for any free port)");
  }

  @Test
  void when_thePortIsInUse_then_listenFailsWithOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Address a = Address.of("127.0.0.1:" + taken.getLocalPort());
      assertThatThrownBy(() -> NetRuntime.listen(a, null, x -> new ViewServer()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot listen on " + a);
    }
  }

  @Test
  void when_processesTrace_then_mergedTracesLinkEverySendToItsReceive(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path vsTrace = dir.resolve("vs.jsonl");
    java.nio.file.Path serverTrace = dir.resolve("s.jsonl");
    NetRuntime vsRuntime = NetRuntime.listen(ANY_PORT, null, a -> new ViewServer(), vsTrace);
    Address vs = vsRuntime.address();
    NetRuntime server =
        NetRuntime.listen(
            ANY_PORT, null, a -> new PbServer(a, vs, 1, ServerConfig.defaults()), serverTrace);
    Address self = server.address();
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      await(c, Status::acked);
      c.put("k", "v");
    }
    server.close();
    vsRuntime.close();
    dev.pbkv.trace.Trace merged =
        dev.pbkv.trace.Trace.merge(
            List.of(dev.pbkv.trace.Trace.read(vsTrace), dev.pbkv.trace.Trace.read(serverTrace)));
    java.util.Map<String, dev.pbkv.trace.TraceEvent> sends = new java.util.HashMap<>();
    int linked = 0;
    for (dev.pbkv.trace.TraceEvent e : merged.events()) {
      if (e.kind() == dev.pbkv.trace.TraceEvent.Kind.SEND) {
        sends.put(e.messageId(), e);
      } else if (e.kind() == dev.pbkv.trace.TraceEvent.Kind.RECEIVE
          && sends.containsKey(e.messageId())) {
        dev.pbkv.trace.TraceEvent send = sends.get(e.messageId());
        assertThat(e.lamport()).isGreaterThan(send.lamport());
        assertThat(
                dev.pbkv.clock.VectorClock.of(send.clock())
                    .happenedBefore(dev.pbkv.clock.VectorClock.of(e.clock())))
            .isTrue();
        linked++;
      }
    }
    assertThat(linked).as("pings and replies between the two processes").isGreaterThan(2);
    assertThat(merged.nodes()).contains(vs.name(), self.name());
  }

  /** The first envelope a server sends to a fake view service listening on a plain socket. */
  private static dev.pbkv.net.wire.Envelope firstPing(java.nio.file.Path trace) throws Exception {
    try (ServerSocket fakeViewService = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Address vs = Address.of("127.0.0.1:" + fakeViewService.getLocalPort());
      try (NetRuntime server =
              NetRuntime.listen(
                  ANY_PORT, null, a -> new PbServer(a, vs, 1, ServerConfig.defaults()), trace);
          Socket in = fakeViewService.accept()) {
        java.io.DataInputStream data = new java.io.DataInputStream(in.getInputStream());
        byte[] frame = new byte[data.readInt()];
        data.readFully(frame);
        return dev.pbkv.net.wire.WireCodec.decode(frame);
      }
    }
  }

  @Test
  void when_aProcessDoesNotTrace_then_itsMessagesCarryLamportTimeButNoVectorClock()
      throws Exception {
    dev.pbkv.net.wire.Envelope ping = firstPing(null);
    assertThat(ping.message()).isInstanceOf(dev.pbkv.view.ViewServiceMessage.Ping.class);
    assertThat(ping.lamport()).isPositive();
    assertThat(ping.vectorClock()).isEmpty();
  }

  @Test
  void when_aProcessTraces_then_itsMessagesCarryItsVectorClock(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    dev.pbkv.net.wire.Envelope ping = firstPing(dir.resolve("s.jsonl"));
    assertThat(ping.lamport()).isPositive();
    assertThat(ping.vectorClock()).containsKey(ping.from().name());
    assertThat(ping.vectorClock().get(ping.from().name())).isPositive();
  }
}
