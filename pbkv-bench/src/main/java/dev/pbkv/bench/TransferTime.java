package dev.pbkv.bench;

import dev.pbkv.net.NetRuntime;
import dev.pbkv.net.ViewServiceProbe;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Measures a state transfer over real loopback TCP (issue 7, time target: 1M keys with 16-byte
 * values to a new backup in under 5 s). In one JVM, with pbkv-net's {@link NetRuntime}: a view
 * service; a primary whose store is preloaded with N keys before it starts ({@link
 * PbServer#preload}), left to become primary of view 1 alone; then a backup is started, and the
 * time from its start until the view service shows the view with that backup <em>acked</em> (the
 * primary acks only after the backup acknowledged the last chunk) is printed, and the part of it
 * from the view with the backup appearing to its ack (the transfer itself). Not a test: run by
 * hand, e.g. (arguments: keys, chunk bytes, window, runs; defaults: 1,000,000, the server defaults,
 * 3)
 *
 * <pre>
 * java -Xmx2g -cp pbkv-bench/target/benchmarks.jar dev.pbkv.bench.TransferTime 1000000 [chunkBytes] [window] [runs]
 * </pre>
 */
public final class TransferTime {
  private TransferTime() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    ServerConfig defaults = ServerConfig.defaults();
    long chunkBytes = args.length > 1 ? Long.parseLong(args[1]) : defaults.transferChunkBytes();
    int window = args.length > 2 ? Integer.parseInt(args[2]) : defaults.transferWindowChunks();
    int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    ServerConfig config = defaults.withTransferChunks(chunkBytes, window);
    for (int run = 1; run <= runs; run++) {
      measure(n, config, run);
    }
    System.exit(0);
  }

  private static void measure(int n, ServerConfig config, int run) throws Exception {
    Address vs = Address.of("127.0.0.1:" + freePort());
    Address primary = Address.of("127.0.0.1:" + freePort());
    Address backup = Address.of("127.0.0.1:" + freePort());
    try (NetRuntime vsRuntime = NetRuntime.listen(vs, null, a -> new ViewServer());
        NetRuntime probe = NetRuntime.client()) {
      NetRuntime p =
          NetRuntime.listen(
              primary,
              null,
              a -> {
                PbServer s = new PbServer(a, vs, 1, config);
                for (int i = 0; i < n; i++) {
                  s.preload(StoreMemory.key(i), StoreMemory.value(i));
                }
                return s;
              });
      try (p) {
        await(probe, vs, st -> st.acked() && st.view().isPrimary(primary));
        long start = System.nanoTime();
        NetRuntime b = NetRuntime.listen(backup, null, a -> new PbServer(a, vs, 1, config));
        try (b) {
          long appeared =
              await(
                  probe, vs, st -> st.view().backup() != null && st.view().backup().equals(backup));
          long acked = await(probe, vs, st -> st.acked() && backup.equals(st.view().backup()));
          int backupKeys = b.invoke(backup, PbServer.class, (s, fx) -> s.storeSize()).get();
          if (backupKeys != n) {
            throw new AssertionError("the backup holds " + backupKeys + " keys, not " + n);
          }
          System.out.printf(
              Locale.ROOT,
              "run %d: %,d keys, chunks of %,d bytes, window %d: backup start -> view acked %,d"
                  + " ms (of which view with backup -> acked, the transfer: %,d ms)%n",
              run,
              n,
              config.transferChunkBytes(),
              config.transferWindowChunks(),
              (acked - start) / 1_000_000,
              (acked - appeared) / 1_000_000);
        }
      }
    }
  }

  /** Polls the view service every 2 ms until {@code condition} holds; returns nanoTime then. */
  private static long await(NetRuntime probe, Address vs, Predicate<Status> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      Status s = ViewServiceProbe.status(probe, vs, Duration.ofSeconds(5));
      if (condition.test(s)) {
        return System.nanoTime();
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("not reached within 120 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
