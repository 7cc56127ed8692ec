package dev.pbkv.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.net.NetRuntime;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A live cluster over TCP on loopback (a view service and two servers, each with its own runtime,
 * registry and HTTP endpoint), scraped over HTTP as Prometheus would: the values must move with the
 * load, by exactly the ops sent where the count is exact.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveMetricsTest {
  private final List<AutoCloseable> open = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A metered server with its endpoint; returns the endpoint's port. */
  private record Served(Address address, int metricsPort) {}

  private Served startServer(Address vs) throws IOException {
    Address self = Address.of("127.0.0.1:" + freePort());
    ProcessMetrics metrics = new ProcessMetrics("server", "test");
    MeteredServer[] node = new MeteredServer[1];
    NetRuntime rt =
        NetRuntime.listen(
            self,
            null,
            a ->
                node[0] =
                    new MeteredServer(
                        new PbServer(a, vs, System.nanoTime(), ServerConfig.defaults()),
                        metrics.registry()));
    return new Served(self, serve(rt, metrics, () -> node[0].sample()));
  }

  private Served startViewService() throws IOException {
    Address vs = Address.of("127.0.0.1:" + freePort());
    ProcessMetrics metrics = new ProcessMetrics("viewservice", "test");
    MeteredViewService[] node = new MeteredViewService[1];
    NetRuntime rt =
        NetRuntime.listen(
            vs,
            null,
            // a long dead interval (25 × 100 ms): a stalled JVM on a loaded machine must not
            // change the view between the load and the scrapes that count it
            a ->
                node[0] =
                    new MeteredViewService(
                        new ViewServer(new ViewServiceConfig(100, 25, java.util.Set.of())),
                        metrics.registry()));
    return new Served(vs, serve(rt, metrics, () -> node[0].sample()));
  }

  /**
   * Serves {@code metrics} on a free loopback port, sampling the node on {@code rt}'s event loop
   * before each scrape, as {@code pbkv server --metrics-listen} does; returns the port.
   */
  private int serve(NetRuntime rt, ProcessMetrics metrics, Runnable sample) {
    metrics.watch(rt);
    MetricsEndpoint endpoint =
        MetricsEndpoint.start(
            new InetSocketAddress("127.0.0.1", 0),
            metrics::scrape,
            () ->
                rt.call(
                        () -> {
                          sample.run();
                          return null;
                        })
                    .join());
    open.add(rt);
    open.add(endpoint);
    open.add(metrics);
    return endpoint.port();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Every sample of the scrape, by its name with labels as written, e.g. {@code a{b="c"}}. */
  private Map<String, Double> scrape(int port) throws Exception {
    HttpResponse<String> r = get(port, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
    Map<String, Double> samples = new HashMap<>();
    Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");
    for (String l : r.body().split("\n")) {
      if (l.startsWith("#") || l.isBlank()) {
        continue;
      }
      Matcher m = line.matcher(l);
      assertThat(m.matches()).as("a line of the text format: %s", l).isTrue();
      samples.put(m.group(1), Double.parseDouble(m.group(3)));
    }
    return samples;
  }

  private static double value(Map<String, Double> samples, String name) {
    Double v = samples.get(name);
    assertThat(v).as("%s in the scrape", name).isNotNull();
    return v;
  }

  private static Status await(PbkvClient c, Predicate<Status> condition) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Status s = null;
    while (System.nanoTime() < deadline) {
      s = c.status(Duration.ofSeconds(5));
      if (condition.test(s)) {
        return s;
      }
      Thread.sleep(20); // polling an observable condition
    }
    throw new AssertionError("not reached in 60 s; last status " + s);
  }

  @Test
  void when_aLiveClusterServesOps_then_itsScrapesMoveWithTheLoad() throws Exception {
    Served vs = startViewService();
    Served s1 = startServer(vs.address());
    Served s2 = startServer(vs.address());
    PbkvClient c =
        PbkvClient.connect(
            PbkvClient.Options.of(vs.address().name()).withTimeout(Duration.ofSeconds(30)));
    open.add(c);
    Status st = await(c, s -> s.acked() && s.view().hasBackup());
    Served primary = st.view().primary().equals(s1.address()) ? s1 : s2;
    Served backup = primary == s1 ? s2 : s1;

    Map<String, Double> before = scrape(primary.metricsPort());
    double putsBefore = before.getOrDefault("pbkv_ops_total{outcome=\"ok\",type=\"put\"}", 0.0);
    int puts = 200;
    for (int i = 0; i < puts; i++) {
      c.put("k" + i, "value-" + i);
    }
    assertThat(c.append("k0", "+")).isEqualTo("value-0+");
    assertThat(c.compareAndSet("k1", "nope", "x")).isFalse();

    Map<String, Double> after = scrape(primary.metricsPort());
    assertThat(value(after, "pbkv_ops_total{outcome=\"ok\",type=\"put\"}") - putsBefore)
        .isEqualTo(puts);
    assertThat(value(after, "pbkv_ops_total{outcome=\"ok\",type=\"append\"}")).isEqualTo(1);
    assertThat(value(after, "pbkv_ops_total{outcome=\"cas_failed\",type=\"cas\"}")).isEqualTo(1);
    assertThat(value(after, "pbkv_op_latency_seconds_count{type=\"put\"}"))
        .isGreaterThanOrEqualTo(puts);
    assertThat(value(after, "pbkv_store_keys")).isEqualTo(puts);
    assertThat(value(after, "pbkv_store_bytes")).isGreaterThan(puts * 8);
    assertThat(value(after, "pbkv_role{role=\"primary\"}")).isEqualTo(1);
    assertThat(value(after, "pbkv_serving")).isEqualTo(1);
    assertThat(value(after, "pbkv_view_number")).isEqualTo(st.view().viewNum());
    assertThat(value(after, "pbkv_amo_sessions")).isGreaterThanOrEqualTo(1);
    assertThat(value(after, "pbkv_amo_table_bytes")).isGreaterThan(24);
    assertThat(value(after, "pbkv_forwards_sent_total")).isGreaterThanOrEqualTo(1);
    assertThat(value(after, "pbkv_forward_batch_ops_sum")).isGreaterThanOrEqualTo(puts + 2);
    assertThat(value(after, "pbkv_backup_ack_seconds_count")).isGreaterThanOrEqualTo(1);
    assertThat(value(after, "pbkv_connections")).isGreaterThanOrEqualTo(2);
    assertThat(value(after, "pbkv_frames_refused_total")).isZero();
    assertThat(value(after, "pbkv_sends_dropped_full_total")).isZero(); // no peer fell behind
    assertThat(value(after, "pbkv_outbound_cap_bytes"))
        .isEqualTo(dev.pbkv.net.NetRuntime.DEFAULT_OUTBOUND_CAP_BYTES);
    assertThat(value(after, "pbkv_outbound_bytes"))
        .isBetween(0.0, (double) dev.pbkv.net.NetRuntime.DEFAULT_OUTBOUND_CAP_BYTES * 4);
    assertThat(after.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));
    assertThat(after.keySet()).anyMatch(k -> k.startsWith("jvm_gc_"));

    Map<String, Double> onBackup = scrape(backup.metricsPort());
    assertThat(value(onBackup, "pbkv_role{role=\"backup\"}")).isEqualTo(1);
    assertThat(value(onBackup, "pbkv_serving")).isZero();
    assertThat(value(onBackup, "pbkv_store_keys")).isEqualTo(puts);
    assertThat(onBackup.getOrDefault("pbkv_ops_total{outcome=\"ok\",type=\"put\"}", 0.0)).isZero();

    Map<String, Double> onVs = scrape(vs.metricsPort());
    assertThat(value(onVs, "pbkv_view_number")).isEqualTo(st.view().viewNum());
    assertThat(value(onVs, "pbkv_view_acked")).isEqualTo(1);
    assertThat(value(onVs, "pbkv_viewservice_servers_alive")).isEqualTo(2);
    assertThat(value(onVs, "pbkv_viewservice_pings_total")).isGreaterThan(2);
    assertThat(value(onVs, "pbkv_viewservice_view_changes_total")).isEqualTo(st.view().viewNum());

    // every pbkv series the dashboard in docs/ plots is one these processes serve
    String dashboard = Files.readString(Path.of("..", "docs", "grafana-dashboard.json"));
    java.util.Set<String> served = new java.util.TreeSet<>();
    for (Map<String, Double> s : List.of(after, onBackup, onVs)) {
      s.keySet().forEach(k -> served.add(k.replaceFirst("\\{.*", "")));
    }
    Matcher m = Pattern.compile("pbkv_[a-z_]+").matcher(dashboard);
    int plotted = 0;
    while (m.find()) {
      assertThat(served).as("the dashboard's %s is served", m.group()).contains(m.group());
      plotted++;
    }
    assertThat(plotted).isGreaterThan(15);
  }

  @Test
  void when_anotherPathOrMethodIsAsked_then_itIsRefusedPlainly() throws Exception {
    ProcessMetrics metrics = new ProcessMetrics("server", "test");
    open.add(metrics);
    MetricsEndpoint endpoint =
        MetricsEndpoint.start(new InetSocketAddress("127.0.0.1", 0), metrics::scrape, () -> {});
    open.add(endpoint);
    assertThat(get(endpoint.port(), "/").statusCode()).isEqualTo(404);
    assertThat(get(endpoint.port(), "/metrics/x").statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(get(endpoint.port(), "/metrics").body())
        .contains("pbkv_build_info{process=\"server\",version=\"test\"} 1");
  }

  @Test
  void when_thePortIsTaken_then_oneLineNamesIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  MetricsEndpoint.start(
                      new InetSocketAddress("127.0.0.1", taken.getLocalPort()), () -> "", () -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageNotContaining("\n");
    }
  }
}
