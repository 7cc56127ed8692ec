package dev.pbkv.bench;

import dev.pbkv.net.NetRuntime;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.ThrottlingProxy;
import dev.pbkv.net.ViewServiceProbe;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceMessage.Status;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Issue 13 over real TCP: a view service, a primary and a backup, each its own {@link NetRuntime}
 * in one JVM on loopback, with a {@link ThrottlingProxy} on the primary → backup direction (the
 * backup is known by the proxy's address; what the backup sends back crosses it unthrottled). Each
 * case runs with a timeout, so a case that never finishes is reported as such, not hung. Not a
 * test: run by hand. Cases:
 *
 * <ul>
 *   <li>{@code transfer RATE}: a primary preloaded with 1,000,000 keys of 16-byte values (a ~26 MB
 *       store) gets a new backup through the link; the time from the backup's start to the view
 *       with it acked, against the goal 1.5·N/B + 1 s;
 *   <li>{@code forwards RATE}: primary and backup up, 32 client sessions put 20,000-byte values
 *       (keys cycling over 1,000) for the load time; puts/s, goodput (bytes put / link capacity),
 *       failed (indeterminate) puts, and the time from the end of the load to the first successful
 *       put of a fresh client;
 *   <li>{@code append RATE}: a primary alone; one key set to 1 MiB, then appended once by each of
 *       70 sessions; then a backup starts through the link: the transfer's time, or "never";
 *   <li>{@code ping RATE}: one runtime keeps the link full with 200 KB messages to another and
 *       sends it a small message every 10 ms, stamped with the time it was sent; the latency of the
 *       small ones (same JVM, same clock), for the load time. With {@code
 *       -Dpbkv.net.bulkThreshold=0} everything shares one connection (as before issue 13).
 * </ul>
 *
 * <p>RATE is MB/s (10^6 bytes/s), 0 for unthrottled. Each case reports the bytes that crossed the
 * link, and the JVM's peak direct memory (Netty's own count plus the JDK's direct buffer pool) and
 * peak heap used (garbage included), sampled every 10 ms; all nodes and the proxy share the JVM.
 * {@code all} runs every case at 0, 20, 10 and 5 MB/s, each in a JVM of its own (clean memory
 * figures). Build, then run (arguments: case or {@code all}, rates, timeout seconds per case,
 * default 60; load seconds for forwards, default 10):
 *
 * <pre>
 * ./mvnw -B -ntp -o -pl pbkv-bench -am package -DskipTests
 * java -Xmx3g -cp pbkv-bench/target/benchmarks.jar dev.pbkv.bench.TcpPressureBenchmark all
 * java -Xmx3g -cp pbkv-bench/target/benchmarks.jar dev.pbkv.bench.TcpPressureBenchmark transfer 10 120
 * </pre>
 */
public final class TcpPressureBenchmark {
  private static final Address ANY_PORT = Address.of("127.0.0.1:0");
  private static final int STORE_KEYS = 1_000_000;
  private static final int FORWARD_SESSIONS = 32;
  private static final int FORWARD_VALUE_BYTES = 20_000;
  private static final int FORWARD_KEYS = 1_000;
  private static final int APPEND_SESSIONS = 70;
  // 1 MiB less room for the 70 three-byte appends: the value stays within the 1 MiB size limit
  private static final int APPEND_VALUE_BYTES = (1 << 20) - 4 * APPEND_SESSIONS;

  /**
   * The outbound cap of every runtime and client ({@code -Dpbkv.bench.outboundCap=BYTES}; e.g.
   * 1099511627776 to measure without caps, as before issue 13).
   */
  private static final long CAP =
      Long.getLong("pbkv.bench.outboundCap", NetRuntime.DEFAULT_OUTBOUND_CAP_BYTES);

  private static final long CLIENT_CAP =
      Long.getLong("pbkv.bench.outboundCap", PbkvClient.Options.DEFAULT_OUTBOUND_CAP_BYTES);

  /** What the case is doing, for the watchdog's report. */
  private static volatile String phase = "starting";

  private TcpPressureBenchmark() {}

  /** Ends the JVM with a report if the case outlives {@code seconds} (e.g. out of memory). */
  private static void watchdog(String what, long seconds) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
              } catch (InterruptedException e) {
                return;
              }
              System.out.printf(
                  Locale.ROOT,
                  "%s: NOT DONE, the case hung for %d s while %s%n",
                  what,
                  seconds,
                  phase);
              Runtime.getRuntime().halt(1);
            },
            "watchdog");
    t.setDaemon(true);
    t.start();
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(
          "usage: TcpPressureBenchmark all|transfer|forwards|append [MB/s,...] [timeout s]"
              + " [load s]");
      System.exit(2);
    }
    String what = args[0];
    String rates = args.length > 1 ? args[1] : "0,20,10,5";
    long timeout = args.length > 2 ? Long.parseLong(args[2]) : 60;
    long load = args.length > 3 ? Long.parseLong(args[3]) : 10;
    if (what.equals("all")) {
      for (String c : List.of("transfer", "forwards", "append")) {
        for (String r : rates.split(",")) {
          fork(c, r, timeout, load);
        }
      }
      System.exit(0);
    }
    for (String r : rates.split(",")) {
      long bytesPerSecond = Math.round(Double.parseDouble(r) * 1_000_000);
      watchdog(what + " " + rate(bytesPerSecond), 2 * timeout + load + 60);
      switch (what) {
        case "transfer" -> transfer(bytesPerSecond, timeout);
        case "forwards" -> forwards(bytesPerSecond, timeout, load);
        case "append" -> append(bytesPerSecond, timeout);
        case "ping" -> ping(bytesPerSecond, load);
        default -> {
          System.err.println(
              "unknown case '" + what + "': all, transfer, forwards, append or ping");
          System.exit(2);
        }
      }
    }
    System.exit(0);
  }

  /** Runs one case at one rate in a JVM of its own, with this JVM's class path and heap. */
  private static void fork(String c, String rate, long timeout, long load) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(TcpPressureBenchmark.class.getName());
    cmd.add(c);
    cmd.add(rate);
    cmd.add(Long.toString(timeout));
    cmd.add(Long.toString(load));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    if (!p.waitFor(timeout * 3 + load + 120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      System.out.printf("%s %s MB/s: the JVM did not end, killed%n", c, rate);
    }
  }

  // --- the cluster ----------------------------------------------------------------------------

  /** A view service, a primary, and later a backup behind the proxy; closes them all. */
  private static final class Cluster implements AutoCloseable {
    final List<AutoCloseable> open = new ArrayList<>();
    final NetRuntime probe = NetRuntime.client();
    final Address vs;
    final NetRuntime primary;
    final ThrottlingProxy proxy;
    NetRuntime backup;
    Address backupAddress;

    Cluster(long bytesPerSecond, java.util.function.Consumer<PbServer> preload) {
      open.add(probe);
      NetRuntime vsRuntime = NetRuntime.listen(ANY_PORT, null, a -> new ViewServer(), null, CAP);
      open.add(vsRuntime);
      vs = vsRuntime.address();
      primary =
          NetRuntime.listen(
              ANY_PORT,
              null,
              a -> {
                PbServer s = new PbServer(a, vs, System.nanoTime(), ServerConfig.defaults());
                preload.accept(s);
                return s;
              },
              null,
              CAP);
      open.add(primary);
      ThrottlingProxy.Link link =
          bytesPerSecond == 0
              ? ThrottlingProxy.Link.unlimited()
              : ThrottlingProxy.Link.of(bytesPerSecond);
      proxy = ThrottlingProxy.start(null, link, ThrottlingProxy.Link.unlimited());
      open.add(proxy);
    }

    /** Starts the backup, known by the proxy's address, listening on a port of its own. */
    void startBackup() {
      backupAddress = Address.of("127.0.0.1:" + proxy.port());
      backup =
          NetRuntime.listen(
              backupAddress,
              new InetSocketAddress("127.0.0.1", 0),
              a -> new PbServer(a, vs, System.nanoTime(), ServerConfig.defaults()),
              null,
              CAP);
      open.add(backup);
      proxy.target(new InetSocketAddress("127.0.0.1", backup.port()));
    }

    Status status() {
      return ViewServiceProbe.status(probe, vs, Duration.ofSeconds(5));
    }

    /** Polls until {@code condition}; the nanoTime then, or -1 at the deadline. */
    long await(Predicate<Status> condition, long deadlineNanos) throws InterruptedException {
      while (System.nanoTime() < deadlineNanos) {
        try {
          if (condition.test(status())) {
            return System.nanoTime();
          }
        } catch (RuntimeException e) {
          // the view service did not answer in time: ask again
        }
        Thread.sleep(20);
      }
      return -1;
    }

    boolean backupAcked(Status s) {
      return s.acked() && backupAddress != null && backupAddress.equals(s.view().backup());
    }

    @Override
    public void close() {
      for (int i = open.size() - 1; i >= 0; i--) {
        try {
          open.get(i).close();
        } catch (Exception e) {
          System.err.println("closing: " + e);
        }
      }
    }
  }

  /** Samples the JVM's direct and heap memory every 10 ms; keeps the peaks. */
  private static final class MemoryPeaks implements AutoCloseable {
    final AtomicLong peakDirect = new AtomicLong();
    final AtomicLong peakHeap = new AtomicLong();
    private final Thread sampler;
    private volatile boolean stop;

    MemoryPeaks() {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      BufferPoolMXBean direct =
          ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
              .filter(b -> b.getName().equals("direct"))
              .findFirst()
              .orElseThrow();
      sampler =
          new Thread(
              () -> {
                while (!stop) {
                  long netty = Math.max(0, PlatformDependent.usedDirectMemory());
                  peakDirect.accumulateAndGet(netty + direct.getMemoryUsed(), Math::max);
                  peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(10);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "memory-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    String describe() {
      return String.format(
          Locale.ROOT,
          "peak direct %,d MiB, peak heap %,d MiB",
          peakDirect.get() >> 20,
          peakHeap.get() >> 20);
    }

    @Override
    public void close() {
      stop = true;
    }
  }

  private static String rate(long bytesPerSecond) {
    return bytesPerSecond == 0
        ? "unthrottled"
        : String.format(Locale.ROOT, "%d MB/s", bytesPerSecond / 1_000_000);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%,.1f MiB", bytes / 1048576.0);
  }

  // --- the cases ------------------------------------------------------------------------------

  private static void transfer(long bytesPerSecond, long timeoutSeconds) throws Exception {
    try (Cluster c =
            new Cluster(
                bytesPerSecond,
                s -> {
                  for (int i = 0; i < STORE_KEYS; i++) {
                    s.preload(StoreMemory.key(i), StoreMemory.value(i));
                  }
                });
        MemoryPeaks mem = new MemoryPeaks()) {
      long setupDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      if (c.await(s -> s.acked() && s.view().isPrimary(c.primary.address()), setupDeadline) < 0) {
        throw new IllegalStateException("the primary did not become primary");
      }
      long storeBytes =
          c.primary.invoke(c.primary.address(), PbServer.class, (s, fx) -> s.storeBytes()).get();
      long start = System.nanoTime();
      phase = "transferring";
      c.startBackup();
      long done = c.await(c::backupAcked, start + TimeUnit.SECONDS.toNanos(timeoutSeconds));
      phase = "closing";
      report("transfer", bytesPerSecond, storeBytes, start, done, timeoutSeconds, c, mem);
    }
  }

  private static void report(
      String name,
      long bytesPerSecond,
      long storeBytes,
      long start,
      long done,
      long timeoutSeconds,
      Cluster c,
      MemoryPeaks mem) {
    String goal =
        bytesPerSecond == 0
            ? ""
            : String.format(Locale.ROOT, ", goal %.1f s", 1.5 * storeBytes / bytesPerSecond + 1);
    String outcome =
        done < 0
            ? String.format(Locale.ROOT, "NOT DONE after %d s", timeoutSeconds)
            : String.format(Locale.ROOT, "done in %.1f s", (done - start) / 1e9);
    System.out.printf(
        Locale.ROOT,
        "%s %s: store %s, %s%s; %s crossed the link; %s; backup refused %d frames%n",
        name,
        rate(bytesPerSecond),
        mib(storeBytes),
        outcome,
        goal,
        mib(c.proxy.forwardBytes()),
        mem.describe(),
        c.backup == null ? 0 : c.backup.framesRefused());
  }

  private static void forwards(long bytesPerSecond, long timeoutSeconds, long loadSeconds)
      throws Exception {
    try (Cluster c = new Cluster(bytesPerSecond, s -> {})) {
      long setupDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      if (c.await(s -> s.acked() && s.view().isPrimary(c.primary.address()), setupDeadline) < 0) {
        throw new IllegalStateException("the primary did not become primary");
      }
      c.startBackup();
      if (c.await(c::backupAcked, setupDeadline) < 0) {
        throw new IllegalStateException("the backup did not join");
      }
      String value = "v".repeat(FORWARD_VALUE_BYTES);
      AtomicLong ok = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      long[] perSecond = new long[(int) loadSeconds];
      long crossedBefore = c.proxy.forwardBytes();
      try (MemoryPeaks mem = new MemoryPeaks();
          PbkvClient client =
              PbkvClient.connect(
                  PbkvClient.Options.of(c.vs.name())
                      .withSessions(FORWARD_SESSIONS)
                      .withOutboundCap(CLIENT_CAP))) {
        phase = "putting";
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(loadSeconds);
        AtomicLong counter = new AtomicLong();
        java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(FORWARD_SESSIONS);
        List<CompletableFuture<Void>> last = new ArrayList<>();
        while (System.nanoTime() < end) {
          if (!slots.tryAcquire(10, TimeUnit.MILLISECONDS)) {
            continue;
          }
          String key = "f-" + (counter.getAndIncrement() % FORWARD_KEYS);
          CompletableFuture<Void> f = client.putAsync(key, value);
          f.whenComplete(
              (v, e) -> {
                slots.release();
                long now = System.nanoTime();
                if (e == null) {
                  ok.incrementAndGet();
                  int second = (int) ((now - start) / 1_000_000_000L);
                  if (second < perSecond.length) {
                    synchronized (perSecond) {
                      perSecond[second]++;
                    }
                  }
                } else {
                  failed.incrementAndGet();
                }
              });
          last.add(f);
          if (last.size() > 10_000) {
            last.clear();
          }
        }
        long loadEnd = System.nanoTime();
        phase = "waiting for a put to succeed after the load";
        long okDuringLoad = ok.get();
        // the first successful put of a fresh client after the load stops
        long firstOk = -1;
        long deadline = loadEnd + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (PbkvClient fresh =
            PbkvClient.connect(
                PbkvClient.Options.of(c.vs.name())
                    .withSessions(1)
                    .withTimeout(Duration.ofSeconds(2)))) {
          while (System.nanoTime() < deadline) {
            try {
              fresh.put("after-load", "x");
              firstOk = System.nanoTime();
              break;
            } catch (RuntimeException e) {
              // indeterminate: try again
            }
          }
        } catch (RuntimeException e) {
          System.out.println("the fresh client could not connect: " + e.getMessage());
        }
        double seconds = (loadEnd - start) / 1e9;
        double putsPerSecond = okDuringLoad / seconds;
        String goodput =
            bytesPerSecond == 0
                ? String.format(
                    Locale.ROOT, "goodput %.1f MB/s", putsPerSecond * FORWARD_VALUE_BYTES / 1e6)
                : String.format(
                    Locale.ROOT,
                    "goodput %.0f %% of the link",
                    100.0 * putsPerSecond * FORWARD_VALUE_BYTES / bytesPerSecond);
        StringBuilder series = new StringBuilder();
        synchronized (perSecond) {
          for (long n : perSecond) {
            series.append(series.length() == 0 ? "" : " ").append(n);
          }
        }
        System.out.printf(
            Locale.ROOT,
            "forwards %s: %d sessions x %,d-byte puts for %.1f s: %,.0f puts/s, %s, %,d failed;"
                + " puts per second: [%s]; %s crossed the link; first put after the load: %s; %s%n",
            rate(bytesPerSecond),
            FORWARD_SESSIONS,
            FORWARD_VALUE_BYTES,
            seconds,
            putsPerSecond,
            goodput,
            failed.get(),
            series,
            mib(c.proxy.forwardBytes() - crossedBefore),
            firstOk < 0
                ? String.format(Locale.ROOT, "NONE within %d s", timeoutSeconds)
                : String.format(Locale.ROOT, "%.2f s", (firstOk - loadEnd) / 1e9),
            mem.describe());
      }
    }
  }

  /** Records the latency of the small requests it receives (their seq is their send time). */
  private static final class PingReceiver implements dev.pbkv.node.Node {
    final List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicLong bulk = new AtomicLong();

    @Override
    public void init(dev.pbkv.node.Effects fx) {}

    @Override
    public void onMessage(Address from, dev.pbkv.node.Message msg, dev.pbkv.node.Effects fx) {
      if (msg instanceof dev.pbkv.server.ClientMessage.Request r) {
        if (r.seq() >= 0) {
          latencies.add(System.nanoTime() - r.seq());
        } else {
          bulk.incrementAndGet();
        }
      }
    }

    @Override
    public void onTimer(dev.pbkv.node.Timer timer, dev.pbkv.node.Effects fx) {}
  }

  private static void ping(long bytesPerSecond, long loadSeconds) throws Exception {
    PingReceiver receiver = new PingReceiver();
    ThrottlingProxy.Link link =
        bytesPerSecond == 0
            ? ThrottlingProxy.Link.unlimited()
            : ThrottlingProxy.Link.of(bytesPerSecond);
    try (ThrottlingProxy proxy =
            ThrottlingProxy.start(null, link, ThrottlingProxy.Link.unlimited());
        MemoryPeaks mem = new MemoryPeaks()) {
      Address to = Address.of("127.0.0.1:" + proxy.port());
      try (NetRuntime rx =
              NetRuntime.listen(
                  to, new InetSocketAddress("127.0.0.1", 0), a -> receiver, null, CAP);
          NetRuntime tx = NetRuntime.listen(ANY_PORT, null, a -> new PingReceiver(), null, CAP)) {
        proxy.target(new InetSocketAddress("127.0.0.1", rx.port()));
        Address self = tx.address();
        dev.pbkv.kv.Command big = new dev.pbkv.kv.Command.Put("k", "v".repeat(200_000));
        dev.pbkv.kv.Command small = new dev.pbkv.kv.Command.Get("k");
        phase = "sending";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(loadSeconds);
        while (System.nanoTime() < end) {
          tx.invoke(
                  self,
                  PingReceiver.class,
                  (n, fx) -> {
                    // keep 1 MiB of large frames waiting: the link stays full
                    while (tx.outboundBytes() < (1 << 20)) {
                      fx.send(to, new dev.pbkv.server.ClientMessage.Request(-1, big, 1));
                      if (tx.outboundBytes() == 0) {
                        break; // not connected yet: queued
                      }
                    }
                    fx.send(
                        to, new dev.pbkv.server.ClientMessage.Request(System.nanoTime(), small, 1));
                    return null;
                  })
              .get();
          Thread.sleep(10);
        }
        Thread.sleep(200);
        List<Long> l;
        synchronized (receiver.latencies) {
          l = new ArrayList<>(receiver.latencies);
        }
        java.util.Collections.sort(l);
        System.out.printf(
            Locale.ROOT,
            "ping %s (bulk threshold %d): %d small messages, latency p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms; %,d large frames delivered, %s crossed the link, %d sends dropped"
                + " over the cap; %s%n",
            rate(bytesPerSecond),
            NetRuntime.BULK_THRESHOLD_BYTES,
            l.size(),
            l.isEmpty() ? 0 : l.get(l.size() / 2) / 1e6,
            l.isEmpty() ? 0 : l.get((int) (l.size() * 0.99)) / 1e6,
            l.isEmpty() ? 0 : l.get(l.size() - 1) / 1e6,
            receiver.bulk.get(),
            mib(proxy.forwardBytes()),
            tx.sendsDroppedFull(),
            mem.describe());
      }
    }
  }

  private static void append(long bytesPerSecond, long timeoutSeconds) throws Exception {
    try (Cluster c = new Cluster(bytesPerSecond, s -> {});
        MemoryPeaks mem = new MemoryPeaks()) {
      long setupDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      if (c.await(s -> s.acked() && s.view().isPrimary(c.primary.address()), setupDeadline) < 0) {
        throw new IllegalStateException("the primary did not become primary");
      }
      int appended = 0;
      String firstFailure = null;
      long appendStart;
      long appendNanos;
      try (PbkvClient client =
          PbkvClient.connect(
              PbkvClient.Options.of(c.vs.name())
                  .withSessions(APPEND_SESSIONS)
                  .withTimeout(Duration.ofSeconds(30))
                  .withOutboundCap(CLIENT_CAP))) {
        phase = "putting the 1 MiB value";
        client.put("big", "b".repeat(APPEND_VALUE_BYTES));
        phase = "appending (70 sessions)";
        appendStart = System.nanoTime();
        List<CompletableFuture<String>> appends = new ArrayList<>();
        for (int i = 0; i < APPEND_SESSIONS; i++) {
          appends.add(client.appendAsync("big", String.format(Locale.ROOT, "+%02d", i)));
        }
        for (CompletableFuture<String> f : appends) {
          try {
            f.get();
            appended++;
          } catch (java.util.concurrent.ExecutionException e) {
            firstFailure = firstFailure != null ? firstFailure : e.getCause().getMessage();
          }
        }
        appendNanos = System.nanoTime() - appendStart;
      }
      long storeBytes =
          c.primary.invoke(c.primary.address(), PbServer.class, (s, fx) -> s.storeBytes()).get();
      long start = System.nanoTime();
      phase = "transferring";
      c.startBackup();
      long done = c.await(c::backupAcked, start + TimeUnit.SECONDS.toNanos(timeoutSeconds));
      phase = "closing";
      System.out.printf(
          Locale.ROOT,
          "append: %d of %d appends done in %.2f s%s, the primary dropped %,d sends at its cap; ",
          appended,
          APPEND_SESSIONS,
          appendNanos / 1e9,
          firstFailure == null ? "" : " (first failure: " + firstFailure + ")",
          c.primary.sendsDroppedFull());
      report("append", bytesPerSecond, storeBytes, start, done, timeoutSeconds, c, mem);
    }
  }
}
