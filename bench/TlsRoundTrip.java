import dev.pbkv.kv.*;
import dev.pbkv.net.NetRuntime;
import dev.pbkv.net.tls.*;
import dev.pbkv.node.*;
import dev.pbkv.server.ClientMessage;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Round trips through NetRuntime, plain TCP vs TLS, in one JVM: see bench/tls-roundtrip.sh. */
public class TlsRoundTrip {
  public static void main(String[] a) throws Exception {
    Path c = Path.of(a[0]);
    int n = Integer.parseInt(a[1]);
    int rounds = Integer.parseInt(a[2]);
    for (int round = 0; round < rounds; round++) {
      run(c, null, n);
      for (TlsConfig.Provider provider : new TlsConfig.Provider[] {TlsConfig.Provider.JDK, TlsConfig.Provider.OPENSSL}) {
        run(c, provider, n);
      }
    }
  }

  static void run(Path c, TlsConfig.Provider provider, int n) throws Exception {
    boolean tls = provider != null;
    int port;
    try (var s = new java.net.ServerSocket(0)) { port = s.getLocalPort(); }
    Address srv = Address.of("127.0.0.1:" + port);
    ConnectionSecurity ss = tls ? ConnectionSecurity.member(new TlsConfig(c.resolve("server-127.0.0.1.crt"), c.resolve("server-127.0.0.1.key"), c.resolve("ca.crt"), provider)) : null;
    ConnectionSecurity cs = tls ? ConnectionSecurity.client(new TlsConfig(c.resolve("client-bench.crt"), c.resolve("client-bench.key"), c.resolve("ca.crt"), provider)) : null;
    Node server = new Node() {
      public void init(Effects fx) {}
      public void onMessage(Address from, Message m, Effects fx) {
        if (m instanceof ClientMessage.Request r) fx.send(from, new ClientMessage.Reply(r.seq(), new Result.Ok()));
      }
      public void onTimer(Timer t, Effects fx) {}
    };
    CompletableFuture<long[]> done = new CompletableFuture<>();
    Node client = new Node() {
      long[] lat = new long[n]; int i = 0; long t0;
      public void init(Effects fx) { t0 = System.nanoTime(); fx.send(srv, new ClientMessage.Request(0, new Command.Get("k"), 0)); }
      public void onMessage(Address from, Message m, Effects fx) {
        long now = System.nanoTime(); lat[i++] = now - t0;
        if (i == n) { done.complete(lat); return; }
        t0 = System.nanoTime(); fx.send(srv, new ClientMessage.Request(i, new Command.Get("k"), 0));
      }
      public void onTimer(Timer t, Effects fx) {}
    };
    try (NetRuntime s = NetRuntime.listen(srv, new InetSocketAddress("127.0.0.1", port), x -> server, null, 8 << 20, ss);
         NetRuntime cl = NetRuntime.client(cs)) {
      long start = System.nanoTime();
      cl.addNode(Address.of("bench-session-1"), client).join();
      long[] lat = done.get(60, java.util.concurrent.TimeUnit.SECONDS);
      long el = System.nanoTime() - start;
      java.util.Arrays.sort(lat);
      System.out.printf("%-11s n=%d %.0f rt/s p50=%.3f ms p90=%.3f ms%n", tls ? "TLS-" + provider.name().toLowerCase() : "plain", n, n / (el / 1e9), lat[n / 2] / 1e6, lat[n * 9 / 10] / 1e6);
    }
  }
}
