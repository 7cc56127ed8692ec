package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's report, end to end over real processes: "one 10 MB value through the shell made a live
 * cluster change views 4 times in 5 s and a small get time out". A view service and two servers,
 * each its own JVM on loopback; the value goes through {@code pbkv put --value-file} and {@code
 * pbkv shell}, as a user sends it.
 *
 * <ul>
 *   <li>With the default limits (1 MiB values) the client refuses it before sending: exit code 2,
 *       one line naming the limit and its flag; the primary receives no request (its {@code
 *       pbkv_requests_total}), the view and the key are unchanged.
 *   <li>With {@code --max-value-bytes 16MiB} on the servers and the client, three 10 MiB puts
 *       through {@code pbkv put} and one through {@code pbkv shell} succeed while a loop of small
 *       puts and gets runs beside them: every small op succeeds within the CLI's 5 s timeout, the
 *       view never changes (nobody is declared dead), {@code get --raw} returns exactly the last
 *       value's bytes (compared by SHA-256), and so does the backup once it is promoted.
 * </ul>
 *
 * No latency is asserted (the machine is a loaded 2-core VM; {@code bench/large-value.sh} gives the
 * figures). Planted failures (docs/design.md §9): {@code PBKV_MAX_VALUE_BYTES=16MiB} in the
 * environment of the test (the client commands inherit it; the servers do not) turns the client's
 * check off: the first test fails, the request reaches the primary. {@code
 * -Dpbkv.it.largeValue.viewserverArgs="--dead-pings 1"} (a server is dead after one missed 100 ms
 * ping) and {@code -Dpbkv.it.largeValue.jvmArgs=...} (e.g. {@code -Xmx40m}, a heap too small for
 * the value's copies) give the processes other settings, to show what the second test catches.
 * Every run prints its seed ({@code -Dpbkv.it.largeValue.seed}).
 */
@Timeout(value = 420, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LargeValueIT {
  private static final int VALUE_BYTES = 10 << 20; // 10 MiB: over 1 MiB, under 16 MiB
  private static final long LIMIT_MILLIS = 60_000;
  private static final Pattern METRICS_AT = Pattern.compile("metrics at http://([^/\\s]+)/metrics");

  private final long seed =
      Long.getLong("pbkv.it.largeValue.seed", System.nanoTime() & 0xffff_ffffL);
  private final HttpClient http = HttpClient.newHttpClient();
  private ProcessCluster cluster;
  private Address vs;

  @TempDir Path dir;

  @RegisterExtension final LogTailsOnFailure tails = new LogTailsOnFailure(() -> cluster);

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * A view service and two servers with {@code serverArgs}; returns the formed cluster's status.
   */
  private Status startCluster(String... serverArgs) {
    System.out.println("LargeValueIT seed " + seed);
    cluster = new ProcessCluster();
    // GC pauses are the first suspect when a server misses pings: on a failure their logs are
    // printed with the processes' (LogTailsOnFailure)
    cluster.jvmArgs("-Xlog:gc:file=" + cluster.logDir().resolve("gc-pid%p.log"));
    String jvmArgs = System.getProperty("pbkv.it.largeValue.jvmArgs", "").strip();
    if (!jvmArgs.isEmpty()) {
      System.out.println("LargeValueIT: every process gets " + jvmArgs);
      cluster.jvmArgs(jvmArgs.split("\\s+"));
    }
    // A server is dead after 10 missed 100 ms pings here, not the default 5: on this 2-core VM the
    // small-op loop, three server JVMs and each `pbkv put`'s JVM start share the cores, and one run
    // under a load of 5 (three builds beside it) saw the primary miss 5 pings in a row. The test is
    // about the large value, which must not stall a server for a second; the plant "--dead-pings 1"
    // still fails it.
    String vsArgs =
        System.getProperty("pbkv.it.largeValue.viewserverArgs", "--dead-pings 10").strip();
    if (!vsArgs.isEmpty()) {
      System.out.println("LargeValueIT: the view service gets " + vsArgs);
      cluster.roleArgs("viewserver", vsArgs.split("\\s+"));
    }
    List<String> args = new ArrayList<>(List.of(serverArgs));
    args.addAll(List.of("--metrics-listen", "127.0.0.1:0"));
    cluster.roleArgs("server", args.toArray(String[]::new));
    vs = cluster.startViewService();
    cluster.startServer(0);
    cluster.startServer(0);
    return awaitStatus(s -> s.acked() && s.view().hasBackup());
  }

  private PbkvClient client() {
    return PbkvClient.connect(PbkvClient.Options.of(vs.name()).withTimeout(Duration.ofSeconds(5)));
  }

  private Status status() {
    try (PbkvClient c = client()) {
      return c.status(Duration.ofSeconds(10));
    }
  }

  private Status awaitStatus(Predicate<Status> condition) {
    long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
    Status last = null;
    try (PbkvClient c = client()) {
      while (System.nanoTime() < deadline) {
        try {
          last = c.status(Duration.ofSeconds(2));
          if (condition.test(last)) {
            return last;
          }
        } catch (RuntimeException e) {
          // not answered in time on a loaded machine: ask again
        }
        Thread.sleep(50); // polling an observable condition
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new AssertionError("not reached in " + LIMIT_MILLIS + " ms; last status " + last);
  }

  /** A file of {@code VALUE_BYTES} random bytes drawn from the seed and {@code n}. */
  private Path valueFile(int n) throws IOException {
    byte[] bytes = new byte[VALUE_BYTES];
    new Random(seed * 31 + n).nextBytes(bytes);
    Path f = dir.resolve("value-" + n + ".bin");
    Files.write(f, bytes);
    return f;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private PbkvProcess.Result pbkv(String args) {
    return PbkvProcess.run(args + " --viewserver " + vs.name());
  }

  private PbkvProcess.Result shell(String args, byte[] script) {
    return PbkvProcess.run("shell " + args + " --viewserver " + vs.name(), script);
  }

  /** The metrics address the server at {@code server} logged ("metrics at http://…/metrics"). */
  private String metricsOf(Address server) throws IOException {
    try (var logs = Files.list(cluster.logDir())) {
      for (Path log : logs.filter(f -> f.toString().endsWith(".log")).toList()) {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = METRICS_AT.matcher(text);
        if (text.contains("server " + server.name() + " listening") && m.find()) {
          return m.group(1);
        }
      }
    }
    throw new AssertionError("no 'metrics at' line in the log of " + server);
  }

  /** One sample of the server's Prometheus text (0 if absent). */
  private double metric(String metricsAddress, String sample) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + metricsAddress + "/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    for (String l : r.body().split("\n")) {
      if (l.startsWith(sample + " ")) {
        return Double.parseDouble(l.substring(sample.length() + 1).strip());
      }
    }
    return 0;
  }

  @Test
  void when_a10MiBValueMeetsTheDefaultLimits_then_putAndTheShellRefuseIt_andNothingIsSent()
      throws Exception {
    View before = startCluster().view();
    String primaryMetrics = metricsOf(before.primary());
    double requestsBefore = metric(primaryMetrics, "pbkv_requests_total");
    Path big = valueFile(0);
    String refused =
        "pbkv put: value of 10,485,760 bytes is over the limit of 1,048,576 bytes"
            + " (--max-value-bytes)\n";

    PbkvProcess.Result put = pbkv("put big --value-file " + big);
    assertThat(put.err()).isEqualTo(refused);
    assertThat(put.exit()).isEqualTo(2);
    assertThat(put.out()).isEmpty();

    // the shell: from a file, and as a 10 MiB argument (a shell line has no ARG_MAX)
    byte[] script =
        ("put big --value-file " + big + "\nput big2 " + "x".repeat(VALUE_BYTES) + "\n")
            .getBytes(StandardCharsets.UTF_8);
    PbkvProcess.Result sh = shell("", script);
    assertThat(sh.err()).isEqualTo(refused + refused);
    assertThat(sh.exit()).isEqualTo(2);
    assertThat(sh.out()).isEmpty();

    assertThat(metric(primaryMetrics, "pbkv_requests_total"))
        .as("client requests the primary received: nothing was sent")
        .isEqualTo(requestsBefore);
    Status after = status();
    assertThat(after.view()).as("the view").isEqualTo(before);
    assertThat(after.servers()).allMatch(h -> h.alive());
    for (String key : List.of("big", "big2")) {
      PbkvProcess.Result get = pbkv("get " + key);
      assertThat(get.exit()).as("get %s: %s", key, get.err()).isEqualTo(1);
      assertThat(get.err()).isEqualTo("pbkv get: key '" + key + "' has no value\n");
    }
  }

  @Test
  void when_limitsAre16MiB_then_10MiBValuesRoundTrip_whileSmallOpsSucceed_andNoViewChanges()
      throws Exception {
    View before = startCluster("--max-value-bytes", "16MiB").view();
    String limit = "--max-value-bytes 16MiB";
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      files.add(valueFile(i));
    }

    try (SmallOps small = new SmallOps(client());
        MissedPings missed = new MissedPings(client())) {
      small.awaitOps(20);
      List<Long> opsDuringPuts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long n0 = small.ops.get();
        PbkvProcess.Result put = pbkv("put big --value-file " + files.get(i) + " " + limit);
        opsDuringPuts.add(small.ops.get() - n0);
        assertThat(put.err()).as("put %d's errors", i).isEmpty();
        assertThat(put.out()).isEqualTo("OK\n");
        assertThat(put.exit()).isZero();
      }
      PbkvProcess.Result get = pbkv("get big --raw");
      assertThat(get.exit()).as(get.err()).isZero();
      assertThat(get.stdout().length).isEqualTo(VALUE_BYTES);
      assertThat(sha256(get.stdout()))
          .as("the bytes get returns")
          .isEqualTo(sha256(Files.readAllBytes(files.get(2))));

      // through the shell: the session's limit holds for its lines
      long n0 = small.ops.get();
      PbkvProcess.Result sh =
          shell(
              limit,
              ("put big --value-file " + files.get(3) + "\nget big --raw\n")
                  .getBytes(StandardCharsets.UTF_8));
      opsDuringPuts.add(small.ops.get() - n0);
      assertThat(sh.err()).as("the shell's errors").isEmpty();
      assertThat(sh.exit()).isZero();
      byte[] out = sh.stdout();
      assertThat(new String(out, 0, Math.min(3, out.length), StandardCharsets.UTF_8))
          .isEqualTo("OK\n");
      assertThat(out.length).isEqualTo(3 + VALUE_BYTES);
      assertThat(sha256(java.util.Arrays.copyOfRange(out, 3, out.length)))
          .as("the bytes the shell's get returns")
          .isEqualTo(sha256(Files.readAllBytes(files.get(3))));
      small.awaitOps(small.ops.get() + 20); // and after them
      small.stop();
      missed.stop();
      System.out.printf(
          "LargeValueIT: %d small ops, %s during the 4 large puts' processes, %d failed;"
              + " the most pings a server missed in a row: %s%n",
          small.ops.get(), opsDuringPuts, small.failures.size(), missed.most);
      Status after = status();
      assertThat(after.view())
          .as("the view: nobody was declared dead (most pings missed in a row %s)", missed.most)
          .isEqualTo(before);
      assertThat(after.acked()).isTrue();
      assertThat(after.servers()).allMatch(h -> h.alive());
      assertThat(small.failures).as("small ops that failed").isEmpty();
      assertThat(opsDuringPuts).as("small ops done while each large put ran").allMatch(n -> n > 0);
    }
    System.out.printf(
        "LargeValueIT: view %d throughout; the primary dropped %.0f sends at its outbound cap%n",
        before.viewNum(), metric(metricsOf(before.primary()), "pbkv_sends_dropped_full_total"));

    // the backup holds the same bytes: it serves them once the primary is gone
    cluster.kill(before.primary());
    awaitStatus(s -> s.acked() && before.backup().equals(s.view().primary()));
    PbkvProcess.Result fromBackup = pbkv("get big --raw --timeout 30s");
    assertThat(fromBackup.exit()).as(fromBackup.err()).isZero();
    assertThat(sha256(fromBackup.stdout()))
        .as("the bytes the promoted backup returns")
        .isEqualTo(sha256(Files.readAllBytes(files.get(3))));
  }

  /** The most pings each server missed in a row, from the view service's status every 100 ms. */
  private static final class MissedPings implements AutoCloseable {
    final java.util.Map<Address, Integer> most = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final PbkvClient client;
    private final Thread thread;

    MissedPings(PbkvClient client) {
      this.client = client;
      thread = new Thread(this::loop, "missed-pings");
      thread.setDaemon(true);
      thread.start();
    }

    private void loop() {
      while (!stopping.get()) {
        try {
          for (var h : client.status(Duration.ofSeconds(2)).servers()) {
            most.merge(h.server(), h.missedChecks(), Math::max);
          }
          Thread.sleep(100); // the view service's check interval
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // not answered in time: ask again
        }
      }
    }

    void stop() throws InterruptedException {
      stopping.set(true);
      thread.join(10_000);
    }

    @Override
    public void close() {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        client.close();
      }
    }
  }

  /**
   * A loop of small puts and gets on one key per session, each get checked against the session's
   * last put; records every failure (an exception, such as a timeout, or a wrong value).
   */
  private static final class SmallOps implements AutoCloseable {
    final AtomicLong ops = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final PbkvClient client;
    private final List<Thread> threads = new ArrayList<>();

    SmallOps(PbkvClient client) {
      this.client = client;
      for (int s = 0; s < 2; s++) {
        String key = "small-" + s;
        Thread t = new Thread(() -> loop(key), "small-ops-" + s);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void loop(String key) {
      long i = 0;
      while (!stopping.get()) {
        String value = "v" + i;
        try {
          client.put(key, value);
          ops.incrementAndGet();
          String got = client.get(key);
          ops.incrementAndGet();
          if (!value.equals(got)) {
            failures.add("get " + key + " returned " + got + ", expected " + value);
          }
        } catch (RuntimeException e) {
          failures.add(key + " op " + i + ": " + e);
        }
        i++;
      }
    }

    void awaitOps(long n) throws InterruptedException {
      long deadline = System.nanoTime() + LIMIT_MILLIS * 1_000_000;
      while (ops.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(20); // polling the counter
      }
      assertThat(ops.get()).as("small ops done (failures: %s)", failures).isGreaterThanOrEqualTo(n);
    }

    void stop() throws InterruptedException {
      stopping.set(true);
      for (Thread t : threads) {
        t.join(30_000);
      }
    }

    @Override
    public void close() {
      try {
        stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        client.close();
      }
    }
  }
}
