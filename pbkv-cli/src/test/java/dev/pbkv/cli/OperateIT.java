package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.net.PbkvClient;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operating real processes: {@code --metrics-listen} on the view service and the servers, scraped
 * over HTTP while a client writes; SIGTERM stops a process with exit code 0 and a log line.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OperateIT {
  private static final Pattern METRICS_AT = Pattern.compile("metrics at http://([^/\\s]+)/metrics");

  @TempDir Path logs;
  private final List<Process> processes = new ArrayList<>();
  private final Map<String, Path> logOf = new LinkedHashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stopAll() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process start(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    String classpath = System.getProperty("pbkv.classpath", System.getProperty("java.class.path"));
    cmd.addAll(List.of("-cp", classpath, Main.class.getName()));
    cmd.addAll(List.of(args));
    Path log = logs.resolve(name + ".log");
    logOf.put(name, log);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("PBKV_"));
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private String logTails() {
    StringBuilder sb = new StringBuilder();
    logOf.forEach(
        (name, path) -> {
          try {
            List<String> lines = Files.readAllLines(path);
            sb.append("--- ").append(name).append('\n');
            lines
                .subList(Math.max(0, lines.size() - 20), lines.size())
                .forEach(l -> sb.append(l).append('\n'));
          } catch (IOException e) {
            sb.append("(no log for ").append(name).append(")\n");
          }
        });
    return sb.toString();
  }

  /** Waits for the process's port file; returns the port it listens on. */
  private int port(String name) throws Exception {
    Path file = logs.resolve(name + ".port");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String text = Files.readString(file).strip();
        if (!text.isEmpty()) {
          return Integer.parseInt(text);
        }
      }
      Thread.sleep(20); // polling for the file the process writes once it listens
    }
    throw new AssertionError("no port file from " + name + "\n" + logTails());
  }

  /** Waits for the process's "metrics at http://HOST:PORT/metrics" line; returns HOST:PORT. */
  private String metricsAddress(String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = METRICS_AT.matcher(Files.readString(logOf.get(name)));
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(50); // polling the log for the line
    }
    throw new AssertionError("no 'metrics at' line from " + name + "\n" + logTails());
  }

  private Map<String, Double> scrape(String hostPort) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://" + hostPort + "/metrics"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String l : r.body().split("\n")) {
      if (!l.startsWith("#") && !l.isBlank()) {
        int space = l.lastIndexOf(' ');
        samples.put(l.substring(0, space), Double.parseDouble(l.substring(space + 1)));
      }
    }
    return samples;
  }

  @Test
  void when_processesServeMetrics_then_aScrapeFollowsTheLoad_andSigtermStopsWithExitZero()
      throws Exception {
    // every process binds port 0 and reports the port it got in its --port-file
    // a long dead interval (25 × 100 ms): a stalled JVM on a loaded machine must not change the
    // view between the load and the scrapes that count it
    start(
        "vs",
        "viewserver",
        "--listen",
        "127.0.0.1:0",
        "--port-file",
        logs.resolve("vs.port").toString(),
        "--metrics-listen",
        "127.0.0.1:0",
        "--dead-pings",
        "25",
        "--in-memory");
    String vs = "127.0.0.1:" + port("vs");
    Map<String, String> servers = new LinkedHashMap<>();
    for (String name : List.of("s1", "s2")) {
      start(
          name,
          "server",
          "--listen",
          "127.0.0.1:0",
          "--port-file",
          logs.resolve(name + ".port").toString(),
          "--viewserver",
          vs,
          "--metrics-listen",
          "127.0.0.1:0");
    }
    for (String name : List.of("s1", "s2")) {
      servers.put("127.0.0.1:" + port(name), name);
    }
    try (PbkvClient c =
        PbkvClient.connect(PbkvClient.Options.of(vs).withTimeout(Duration.ofSeconds(30)))) {
      Status st = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        st = c.status(Duration.ofSeconds(5));
        if (st.acked() && st.view().hasBackup()) {
          break;
        }
        Thread.sleep(50); // polling an observable condition
      }
      assertThat(st.acked() && st.view().hasBackup()).as("cluster formed\n%s", logTails()).isTrue();
      String primary = servers.get(st.view().primary().name());
      String backup = servers.get(st.view().backup().name());

      for (int i = 0; i < 100; i++) {
        c.put("key" + i, "v" + i);
      }
      Map<String, Double> p = scrape(metricsAddress(primary));
      assertThat(p.get("pbkv_ops_total{outcome=\"ok\",type=\"put\"}")).isEqualTo(100.0);
      assertThat(p.get("pbkv_store_keys")).isEqualTo(100.0);
      assertThat(p.get("pbkv_role{role=\"primary\"}")).isEqualTo(1.0);
      Map<String, Double> b = scrape(metricsAddress(backup));
      assertThat(b.get("pbkv_store_keys")).isEqualTo(100.0);
      assertThat(b.get("pbkv_role{role=\"backup\"}")).isEqualTo(1.0);
      Map<String, Double> v = scrape(metricsAddress("vs"));
      assertThat(v.get("pbkv_view_number")).isEqualTo((double) st.view().viewNum());
      assertThat(v.get("pbkv_viewservice_servers_alive")).isEqualTo(2.0);
    }

    for (int i = 0; i < processes.size(); i++) {
      Process proc = processes.get(i);
      String name = new ArrayList<>(logOf.keySet()).get(i);
      String signal = i == 0 ? "INT" : "TERM"; // the view service gets Ctrl-C's signal
      long t0 = System.nanoTime();
      Process kill = new ProcessBuilder("kill", "-" + signal, "" + proc.pid()).start();
      assertThat(kill.waitFor()).isZero();
      assertThat(proc.waitFor(30, TimeUnit.SECONDS)).as("%s stops", name).isTrue();
      long millis = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("%s: SIG%s -> exit in %d ms%n", name, signal, millis);
      assertThat(proc.exitValue()).as("%s's exit code\n%s", name, logTails()).isZero();
      assertThat(Files.readString(logOf.get(name)))
          .contains("stopping (SIG" + signal + ")")
          .contains(" stopped");
    }
  }
}
