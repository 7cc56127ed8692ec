package dev.pbkv.cli;

import dev.pbkv.history.AppendCheck;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import dev.pbkv.net.tls.ConnectionSecurity;
import dev.pbkv.net.tls.TlsConfig;
import dev.pbkv.net.tls.Users;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The real demo: a view service and three servers as separate processes on loopback, concurrent
 * clients appending unique tokens, the primary killed (SIGKILL), then the new primary, fresh
 * servers started; then every key read back and every acknowledged append checked.
 */
final class ProcessDemo {
  private static final int KEYS = 8;

  private final PrintWriter out;
  private final int clients;
  private final boolean keepLogs;
  private final boolean tls;
  private final long startNanos = System.nanoTime();

  ProcessDemo(PrintWriter out, int clients, boolean keepLogs, boolean tls) {
    this.out = out;
    this.clients = clients;
    this.keepLogs = keepLogs;
    this.tls = tls;
  }

  /**
   * With --tls: {@code pbkv certs} into the log folder, a users file whose user {@code demo} logs
   * in by certificate and may use every key, and the cluster started with both; the client's
   * security, or null without --tls.
   */
  private ConnectionSecurity secure(ProcessCluster cluster) {
    if (!tls) {
      return null;
    }
    Path certs = cluster.logDir().resolve("certs");
    java.io.StringWriter made = new java.io.StringWriter();
    int exit =
        new picocli.CommandLine(new CertsCommand())
            .setOut(new PrintWriter(made))
            .setErr(new PrintWriter(made))
            .execute(
                "--out",
                certs.toString(),
                "--servers",
                "127.0.0.1",
                "--viewservers",
                "127.0.0.1",
                "--clients",
                "demo");
    if (exit != 0) {
      throw new IllegalStateException("pbkv certs failed: " + made);
    }
    Path users = cluster.logDir().resolve("users.txt");
    try {
      java.nio.file.Files.writeString(
          users,
          new Users.User("demo", null, List.of("*"), List.of("*")).line() + "\n",
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    cluster.secure(certs);
    cluster.roleArgs("server", "--users", users.toString());
    say("TLS on every connection (certificates by pbkv certs in " + certs + "); users " + users);
    return ConnectionSecurity.client(
        new TlsConfig(
            certs.resolve("client-demo.crt"),
            certs.resolve("client-demo.key"),
            certs.resolve("ca.crt")));
  }

  private long micros() {
    return (System.nanoTime() - startNanos) / 1000;
  }

  private void say(String line) {
    out.printf(Locale.ROOT, "%6.1fs  %s%n", micros() / 1e6, line);
    out.flush();
  }

  /**
   * Runs the demo; returns the exit code. The process logs are deleted at the end, unless {@code
   * --keep-logs} was given or something failed: then the last line says where they are.
   */
  int run() throws InterruptedException {
    try (ProcessCluster cluster = new ProcessCluster()) {
      int result = 1;
      try {
        result = show(cluster);
        return result;
      } finally {
        if (keepLogs || result != 0) {
          cluster.keepLogs();
          out.println("process logs kept in " + cluster.logDir());
          out.flush();
        }
      }
    }
  }

  private int show(ProcessCluster cluster) throws InterruptedException {
    try {
      out.println("pbkv demo — a view service and 3 servers as separate processes on 127.0.0.1;");
      out.println(clients + " client sessions append unique tokens to " + KEYS + " keys.");
      out.println();
      ConnectionSecurity security = secure(cluster);
      Address vs = cluster.startViewService();
      List<Address> servers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        servers.add(cluster.startServer(0));
      }
      say("started view service " + vs + " and servers " + servers);
      try (PbkvClient client =
          PbkvClient.connect(
              PbkvClient.Options.of(vs.name())
                  .withSessions(clients)
                  .withTimeout(Duration.ofSeconds(20))
                  .withSecurity(security))) {
        Status first = awaitAckedViewWithBackup(client, 30_000);
        if (first == null) {
          say("FAILED: the cluster did not form a view with a primary and a backup in 30 s");
          return 1;
        }
        say("view " + describe(first.view()) + " is acked: starting the clients");
        Workload workload = new Workload(client, clients, KEYS, 0, 1);
        List<View> views = new ArrayList<>(List.of(first.view()));
        List<Address> killed = new ArrayList<>();
        List<Long> killMicros = new ArrayList<>();
        long lastCount = 0;
        for (int second = 1; second <= 18; second++) {
          Thread.sleep(1000); // the pace of the show, not a synchronisation
          Status s = tryStatus(client);
          if (s != null && !s.view().equals(views.get(views.size() - 1))) {
            views.add(s.view());
          }
          long count = workload.completed();
          say(
              String.format(
                  Locale.ROOT,
                  "view %-40s %,6d ops/s",
                  s == null ? "?" : describe(s.view()) + (s.acked() ? "" : " (not acked)"),
                  count - lastCount));
          lastCount = count;
          if ((second == 4 || second == 10) && s != null) {
            Address primary = s.view().primary();
            say("killing the primary " + primary + " (SIGKILL)");
            cluster.kill(primary); // returns once the process is gone
            // Measured from the moment the process is gone: an op sent between the signal and
            // the process's death may still be answered by the dying primary, which is not a
            // failover.
            killMicros.add(workload.micros());
            killed.add(primary);
          }
          if (second == 12) {
            for (Address a : killed) {
              cluster.startServer(
                  Integer.parseInt(a.name().substring(a.name().lastIndexOf(':') + 1)));
              say("started a fresh, empty server at " + a);
            }
          }
        }
        workload.close();
        say("clients stopped; reading every key back");
        Map<String, String> finalValues = new LinkedHashMap<>();
        for (int k = 0; k < KEYS; k++) {
          String value = client.get("k" + k);
          finalValues.put("k" + k, value == null ? "" : value);
        }
        return summarize(views, finalValues, workload, killMicros);
      }
    } catch (PbkvException e) {
      out.println("FAILED: " + e.getMessage());
      return 1;
    }
  }

  private int summarize(
      List<View> views, Map<String, String> finalValues, Workload workload, List<Long> kills) {
    List<HistoryOp> ops = workload.history();
    List<String> violations = AppendCheck.check(ops, finalValues);
    long acked = ops.stream().filter(op -> !op.isIndeterminate()).count();
    long indeterminate = ops.size() - acked;
    long lost = violations.stream().filter(v -> v.contains("present 0 times")).count();
    long failovers = 0;
    for (int i = 1; i < views.size(); i++) {
      if (!views.get(i).primary().equals(views.get(i - 1).primary())) {
        failovers++;
      }
    }
    out.println();
    out.printf(
        Locale.ROOT,
        "summary: %,d appends acknowledged (%d indeterminate), %d failovers, longest"
            + " unavailability %.0f ms, lost = %d%n",
        acked,
        indeterminate,
        failovers,
        workload.longestGapMicros() / 1000.0,
        lost);
    for (int i = 0; i < kills.size(); i++) {
      long recovery = workload.recoveryMicros(kills.get(i));
      out.printf(
          Locale.ROOT,
          "failover %d: kill -> first write completed %s%n",
          i + 1,
          recovery < 0 ? "never" : String.format(Locale.ROOT, "%.0f ms", recovery / 1000.0));
    }
    if (!violations.isEmpty()) {
      out.println("FAILED: " + violations.size() + " violations, e.g. " + violations.get(0));
      return 1;
    }
    out.println("every acknowledged write is present exactly once; the processes are stopped.");
    return 0;
  }

  private static String describe(View v) {
    return v.viewNum()
        + " (primary "
        + v.primary()
        + ", backup "
        + (v.backup() == null ? "none" : v.backup())
        + ")";
  }

  private static Status tryStatus(PbkvClient client) {
    try {
      return client.status(Duration.ofMillis(500));
    } catch (PbkvException e) {
      return null;
    }
  }

  private static Status awaitAckedViewWithBackup(PbkvClient client, long limitMillis)
      throws InterruptedException {
    long deadline = System.nanoTime() + limitMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      Status s = tryStatus(client);
      if (s != null && s.acked() && s.view().hasBackup()) {
        return s;
      }
      Thread.sleep(50); // polling an observable condition
    }
    return null;
  }
}
