package dev.pbkv.cli;

import dev.pbkv.net.DirectClient;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import redis.clients.jedis.Jedis;

/**
 * {@code pbkv bench}: a closed-loop load generator for a pbkv cluster, or — with {@code --target
 * redis://HOST:PORT} — for Redis with the same sessions, keys and values ({@code SET} followed by
 * {@code WAIT n 0}, and {@code GET}), so that the two can be compared side by side.
 */
@Command(
    name = "bench",
    header = "Load a cluster (or Redis) in a closed loop; print throughput and latency.",
    mixinStandardHelpOptions = true,
    description = {
      "Each session (a thread) sends one operation, waits for the answer, sends the next.",
      "Prints the throughput, latency percentiles (HdrHistogram), errors (and the first one),",
      "and the CPU time per op of this process, with a progress line each second;",
      "--cpu-pids adds the CPU per op of other processes, e.g. the servers. With --target",
      "redis://HOST:PORT the same load goes to Redis, one connection per session: SET then",
      "WAIT (--redis-wait replicas, no timeout) for a put, GET for a get."
    },
    footer = {
      "",
      "Example:  pbkv bench --viewserver 127.0.0.1:7000 --sessions 8 --duration 30s",
      "          pbkv bench --target redis://127.0.0.1:6379 --sessions 8 --duration 30s"
    })
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:PBKV_CONFIG}",
      description =
          "defaults from FILE: KEY = VALUE lines, a key being a long option without its dashes"
              + " (or bench.OPTION); flags and environment variables win [PBKV_CONFIG]")
  java.nio.file.Path config;

  @Option(
      names = "--viewserver",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:PBKV_VIEWSERVER:-127.0.0.1:7000}",
      description = "the pbkv cluster's view service (default: ${DEFAULT-VALUE}) [PBKV_VIEWSERVER]")
  String viewServer;

  @Option(
      names = "--target",
      paramLabel = "redis://HOST:PORT",
      description = "load Redis instead (rediss://HOST:PORT: over TLS, with the --tls-* files)")
  String target;

  @picocli.CommandLine.Mixin TlsOptions tls;

  @Option(
      names = "--redis-wait",
      description = "replicas a Redis SET waits for (default: ${DEFAULT-VALUE})")
  int redisWait = 1;

  @Option(names = "--sessions", description = "concurrent sessions (default: ${DEFAULT-VALUE})")
  int sessions = 8;

  @Option(
      names = "--duration",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "measured time (default: 30s)")
  long durationMillis = 30_000;

  @Option(
      names = "--warmup",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      description = "unmeasured time first (default: 2s)")
  long warmupMillis = 2_000;

  @Option(
      names = "--mix",
      description = "op mix, e.g. put:50,get:50 or put:100 (default: ${DEFAULT-VALUE})")
  String mix = "put:50,get:50";

  @Option(names = "--keys", description = "distinct keys (default: ${DEFAULT-VALUE})")
  int keys = 100_000;

  @Option(names = "--value-size", description = "bytes per value (default: ${DEFAULT-VALUE})")
  int valueSize = 16;

  @Option(
      names = "--cpu-pids",
      split = ",",
      paramLabel = "PID",
      description =
          "Linux: also report the CPU time these processes (e.g. the servers) used per op during"
              + " the measurement")
  List<Long> cpuPids = List.of();

  /** How pbkv sessions reach the cluster. */
  enum ClientKind {
    /** one PbkvClient multiplexing every session over one connection per server */
    pooled,
    /** each session its own connection, driven on its own thread (as a blocking Redis client) */
    direct
  }

  @Option(
      names = "--client",
      description =
          "pbkv client: pooled (PbkvClient: every session over one multiplexed connection) or"
              + " direct (DirectClient: each session its own connection, on its thread); default:"
              + " ${DEFAULT-VALUE}")
  ClientKind client = ClientKind.pooled;

  @Option(
      names = "--json",
      description =
          "print one JSON object at the end instead (docs/json.md); the progress lines go to"
              + " standard error")
  boolean json;

  /** One session's connection: pbkv or Redis. */
  private record Session(
      java.util.function.BiConsumer<String, String> putter,
      java.util.function.Consumer<String> getter,
      Runnable closer) {
    void put(String key, String value) {
      putter.accept(key, value);
    }

    void get(String key) {
      getter.accept(key);
    }

    void close() {
      closer.run();
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    if (sessions < 1 || keys < 1 || valueSize < 1) {
      throw new UserError("--sessions, --keys and --value-size must be at least 1");
    }
    int putPercent = parseMix(mix);
    ProcCpu.nanos(cpuPids); // an unreadable PID fails here, before any load
    PrintWriter out = json ? Json.discard() : spec.commandLine().getOut();
    String value = "v".repeat(valueSize);
    List<Session> open = new ArrayList<>();
    PbkvClient pbkv = null;
    try {
      dev.pbkv.net.tls.TlsConfig tlsConfig = tls.config();
      if (target == null && client == ClientKind.direct) {
        for (int i = 0; i < sessions; i++) {
          DirectClient c;
          try {
            c = DirectClient.connect(viewServer, Duration.ofSeconds(10), tlsConfig);
          } catch (PbkvException e) {
            throw new UserError(e.getMessage());
          }
          open.add(new Session(c::put, c::get, c::close));
        }
      } else if (target == null) {
        pbkv =
            PbkvClient.connect(
                PbkvClient.Options.of(viewServer)
                    .withSessions(sessions)
                    .withTimeout(Duration.ofSeconds(10))
                    .withSecurity(
                        tlsConfig == null
                            ? null
                            : dev.pbkv.net.tls.ConnectionSecurity.client(tlsConfig)));
        PbkvClient c = pbkv;
        for (int i = 0; i < sessions; i++) {
          open.add(new Session(c::put, c::get, () -> {})); // the client is closed once, below
        }
      } else {
        URI uri = parseRedis(target);
        redis.clients.jedis.JedisClientConfig redisConfig = redisConfig(uri, tlsConfig);
        redis.clients.jedis.HostAndPort hp =
            new redis.clients.jedis.HostAndPort(uri.getHost(), uri.getPort());
        try (Jedis probe = new Jedis(hp, redisConfig)) {
          probe.ping(); // fail fast: a refused or silent Redis is not a run of 0 ops/s
        } catch (redis.clients.jedis.exceptions.JedisException e) {
          Throwable cause = e;
          while (cause.getCause() != null) {
            cause = cause.getCause();
          }
          if (cause.getSuppressed().length > 0) {
            cause = cause.getSuppressed()[0];
          }
          throw new UserError(
              "cannot reach Redis at "
                  + uri.getHost()
                  + ":"
                  + uri.getPort()
                  + ": "
                  + (cause instanceof java.net.ConnectException
                      ? "connection refused (is redis-server running?)"
                      : cause instanceof java.net.UnknownHostException
                          ? "unknown host '" + uri.getHost() + "'"
                          : String.valueOf(cause.getMessage())));
        }
        for (int i = 0; i < sessions; i++) {
          Jedis jedis = new Jedis(hp, redisConfig);
          open.add(
              new Session(
                  (key, v) -> {
                    jedis.set(key, v);
                    if (redisWait > 0) {
                      jedis.waitReplicas(redisWait, 0);
                    }
                  },
                  jedis::get,
                  jedis::close));
        }
      }
      return run(open, putPercent, value, out);
    } finally {
      for (Session s : open) {
        s.close();
      }
      if (pbkv != null) {
        pbkv.close();
      }
    }
  }

  private int run(List<Session> open, int putPercent, String value, PrintWriter out)
      throws InterruptedException {
    String what =
        target == null
            ? "pbkv at " + viewServer + " (" + client + " client)"
            : target + (redisWait > 0 ? " (SET + WAIT " + redisWait + " 0)" : "");
    out.printf(
        Locale.ROOT,
        "bench %s: %d sessions, %s, %,d keys, %d-byte values, %.0f s%n",
        what,
        sessions,
        mix,
        keys,
        valueSize,
        durationMillis / 1000.0);
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong done = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<String> firstError =
        new java.util.concurrent.atomic.AtomicReference<>();
    List<Histogram> histograms = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < open.size(); i++) {
      Session s = open.get(i);
      Histogram h = new Histogram(60_000_000_000L, 3);
      histograms.add(h);
      SplittableRandom r = new SplittableRandom(i * 7919L + 1);
      Thread t =
          new Thread(
              () -> {
                while (!stop.get()) {
                  String key = "key:" + r.nextInt(keys);
                  boolean put = r.nextInt(100) < putPercent;
                  long t0 = System.nanoTime();
                  try {
                    if (put) {
                      s.put(key, value);
                    } else {
                      s.get(key);
                    }
                    if (measuring.get()) {
                      h.recordValue(System.nanoTime() - t0);
                      done.incrementAndGet();
                    }
                  } catch (IndeterminateException
                      | PbkvException
                      | redis.clients.jedis.exceptions.JedisException e) {
                    if (measuring.get()) {
                      errors.incrementAndGet();
                    }
                    firstError.compareAndSet(null, e.toString());
                    pauseAfterError(); // a failing target must not turn the loop into a spin
                  }
                }
              },
              "bench-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    Thread.sleep(warmupMillis);
    measuring.set(true);
    long start = System.nanoTime();
    long cpuStart = processCpuNanos();
    long serverCpuStart = ProcCpu.nanos(cpuPids);
    long last = 0;
    for (long elapsed = 0; elapsed < durationMillis; elapsed += 1000) {
      Thread.sleep(Math.min(1000, durationMillis - elapsed));
      long n = done.get();
      PrintWriter progress = json ? spec.commandLine().getErr() : out;
      progress.printf(Locale.ROOT, "  %5.1f s  %,10d ops/s%n", (elapsed + 1000) / 1000.0, n - last);
      progress.flush();
      last = n;
    }
    measuring.set(false);
    double seconds = (System.nanoTime() - start) / 1e9;
    long cpu = processCpuNanos() - cpuStart;
    long serverCpu = ProcCpu.nanos(cpuPids) - serverCpuStart;
    stop.set(true);
    for (Thread t : threads) {
      t.join(15_000);
    }
    Histogram all = new Histogram(60_000_000_000L, 3);
    histograms.forEach(all::add);
    out.printf(
        Locale.ROOT,
        "RESULT target=%s sessions=%d throughput=%.0f ops/s p50=%.3f ms p90=%.3f ms p99=%.3f ms"
            + " p99.9=%.3f ms max=%.3f ms errors=%d client_cpu=%.1f us/op%n",
        target == null ? "pbkv" : "redis",
        sessions,
        done.get() / seconds,
        ms(all.getValueAtPercentile(50)),
        ms(all.getValueAtPercentile(90)),
        ms(all.getValueAtPercentile(99)),
        ms(all.getValueAtPercentile(99.9)),
        ms(all.getMaxValue()),
        errors.get(),
        done.get() == 0 ? 0.0 : cpu / 1e3 / done.get());
    if (!cpuPids.isEmpty()) {
      out.printf(
          Locale.ROOT,
          "CPU target=%s sessions=%d client=%.1f us/op processes %s=%.1f us/op%n",
          target == null ? "pbkv" : "redis",
          sessions,
          done.get() == 0 ? 0.0 : cpu / 1e3 / done.get(),
          cpuPids,
          done.get() == 0 ? 0.0 : serverCpu / 1e3 / done.get());
    }
    if (firstError.get() != null) {
      out.println("first error: " + firstError.get());
    }
    if (done.get() == 0) {
      out.println("no operation completed in the measured time");
    }
    int exit = done.get() == 0 ? 1 : 0;
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o = Json.object();
      o.put("target", target == null ? "pbkv" : "redis");
      o.put("address", target == null ? viewServer : target);
      o.put("client", target == null ? client.name() : "jedis");
      o.put("sessions", sessions);
      o.put("mix", mix);
      o.put("keys", keys);
      o.put("value_size", valueSize);
      o.put("warmup_seconds", warmupMillis / 1000.0);
      o.put("measured_seconds", seconds);
      o.put("ops", done.get());
      o.put("throughput_ops_per_second", done.get() / seconds);
      com.fasterxml.jackson.databind.node.ObjectNode latency = o.putObject("latency_ms");
      latency.put("p50", ms(all.getValueAtPercentile(50)));
      latency.put("p90", ms(all.getValueAtPercentile(90)));
      latency.put("p99", ms(all.getValueAtPercentile(99)));
      latency.put("p99_9", ms(all.getValueAtPercentile(99.9)));
      latency.put("max", ms(all.getMaxValue()));
      o.put("errors", errors.get());
      o.put("first_error", firstError.get());
      o.put("client_cpu_us_per_op", done.get() == 0 ? 0.0 : cpu / 1e3 / done.get());
      if (cpuPids.isEmpty()) {
        o.putNull("processes_cpu_us_per_op");
      } else {
        o.put("processes_cpu_us_per_op", done.get() == 0 ? 0.0 : serverCpu / 1e3 / done.get());
      }
      o.put("exit", exit);
      Json.print(o, spec.commandLine().getOut());
    }
    return exit;
  }

  private static void pauseAfterError() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** CPU time this process has used, or 0 where the JVM cannot tell. */
  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  /** The put percentage of a mix like {@code put:50,get:50}. */
  static int parseMix(String mix) {
    int put = 0;
    int get = 0;
    for (String part : mix.split(",")) {
      String[] kv = part.trim().split(":");
      if (kv.length != 2) {
        throw new UserError("--mix '" + mix + "': expected OP:WEIGHT pairs, e.g. put:50,get:50");
      }
      int w;
      try {
        w = Integer.parseInt(kv[1].trim());
      } catch (NumberFormatException e) {
        throw new UserError("--mix '" + mix + "': '" + kv[1] + "' is not a whole number");
      }
      switch (kv[0].trim()) {
        case "put" -> put += w;
        case "get" -> get += w;
        default ->
            throw new UserError("--mix '" + mix + "': unknown op '" + kv[0] + "' (put, get)");
      }
    }
    if (put < 0 || get < 0 || put + get == 0) {
      throw new UserError("--mix '" + mix + "': weights must be >= 0 and not all 0");
    }
    return Math.round(100f * put / (put + get));
  }

  private static URI parseRedis(String target) {
    try {
      URI uri = URI.create(target);
      if (("redis".equals(uri.getScheme()) || "rediss".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getPort() > 0) {
        return uri;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw new UserError("--target '" + target + "' is not redis://HOST:PORT");
  }

  /** Jedis settings: plain, or TLS (rediss://) with the --tls-* certificate and CA. */
  private static redis.clients.jedis.JedisClientConfig redisConfig(
      URI uri, dev.pbkv.net.tls.TlsConfig tls) {
    var b = redis.clients.jedis.DefaultJedisClientConfig.builder().timeoutMillis(2000);
    if (!"rediss".equals(uri.getScheme())) {
      return b.build();
    }
    if (tls == null) {
      throw new UserError("--target rediss://… needs --tls-ca (and --tls-cert, --tls-key)");
    }
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", CertIssuer.readCert(tls.ca()));
      var tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.KeyManager[] kms = null;
      if (tls.cert() != null) {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        char[] pw = "x".toCharArray();
        keys.setKeyEntry(
            "me",
            CertIssuer.readKey(tls.key()),
            pw,
            new java.security.cert.Certificate[] {CertIssuer.readCert(tls.cert())});
        var kmf =
            javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, pw);
        kms = kmf.getKeyManagers();
      }
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(kms, tmf.getTrustManagers(), null);
      return b.ssl(true).sslSocketFactory(ctx.getSocketFactory()).build();
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new UserError("cannot use the TLS files for Redis: " + e.getMessage());
    }
  }
}
