package dev.pbkv.cli;

import dev.pbkv.kv.Command;
import dev.pbkv.net.Addresses;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import dev.pbkv.net.ViewServiceProbe;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ServerHealth;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv status}: the view, who is alive, and why the cluster is stuck if it is. */
@picocli.CommandLine.Command(
    name = "status",
    header = "Show the view, who is alive, and why the cluster cannot make progress if so.",
    mixinStandardHelpOptions = true,
    description = {
      "Asks the view service for the current view, whether its primary acked it and which",
      "servers are alive (with the role a dead server had and when it was last seen), then",
      "tries a read through the primary. It warns when the view has no backup, and names the",
      "condition when the cluster cannot make progress (docs/design.md §6).",
      "Exit code 0 if the read succeeds, 1 if the cluster is stuck, 2 if the view service",
      "cannot be reached."
    },
    footer = {"", "Example:  pbkv status --viewserver 127.0.0.1:7000"})
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--ping-interval",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      defaultValue = "${env:PBKV_PING_INTERVAL:-100ms}",
      description =
          "the cluster's ping interval, to turn missed pings into time (default:"
              + " ${DEFAULT-VALUE}) [PBKV_PING_INTERVAL]")
  long pingMillis;

  @Option(
      names = "--forget-after",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      defaultValue = "${env:PBKV_FORGET_AFTER:-10m}",
      description =
          "leave out servers outside the view that have been dead this long (default:"
              + " ${DEFAULT-VALUE}) [PBKV_FORGET_AFTER]")
  long forgetAfterMillis;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Logging.setLevel(client.logLevel);
    Duration timeout = Duration.ofMillis(client.timeoutMillis);
    var security = client.security(); // bad TLS flags fail first, before any connection
    PbkvClient c;
    try {
      ViewServiceProbe.requireReachable(Addresses.of(client.viewServer), timeout);
      c =
          PbkvClient.connect(
              PbkvClient.Options.of(client.viewServer)
                  .withSessions(1)
                  .withTimeout(timeout)
                  .withSecurity(security));
    } catch (PbkvException e) {
      out.println("view service " + client.viewServer + ": " + unreachable(e.getMessage()));
      out.println(
          "progress: unknown — if the view service is down, no view can change: a failure now"
              + " cannot be repaired, and clients that do not know the view cannot find the primary");
      return 2;
    }
    try (c) {
      Status s;
      try {
        s = c.status(timeout);
      } catch (PbkvException e) {
        out.println("view service " + c.viewService() + ": " + unreachable(e.getMessage()));
        return 2;
      }
      View v = s.view();
      out.println("view service " + c.viewService() + ": up");
      out.println(
          c.secured()
              ? "security: TLS — the view service proved its certificate (signed by --tls-ca);"
                  + " servers and view service accept members only by certificate"
              : "security: NONE — plain TCP: clear text, and anyone who reaches a port can act as"
                  + " a member or a client (see 'pbkv certs' and README: Securing a cluster)");
      if (!s.store().isEmpty()) {
        out.println("view service state: " + s.store());
      }
      if (s.volatileStore()) {
        out.println(
            "WARNING: the view service keeps its state in memory (--in-memory): if it restarts,"
                + " the cluster is lost");
      }
      out.println(
          "view "
              + v.viewNum()
              + ": primary "
              + (v.primary() == null ? "none" : v.primary())
              + ", backup "
              + (v.backup() == null ? "none" : v.backup())
              + " — "
              + (s.acked() ? "acked" : "NOT acked yet"));
      out.println("servers:");
      int forgotten = 0;
      boolean liveIdle = false;
      for (ServerHealth h : s.servers()) {
        boolean inView = v.isPrimary(h.server()) || v.isBackup(h.server());
        long silentMillis = (long) h.missedChecks() * pingMillis;
        if (!h.alive() && !inView && silentMillis > forgetAfterMillis) {
          forgotten++;
          continue;
        }
        liveIdle |= h.alive() && !inView;
        String role =
            v.isPrimary(h.server()) ? "primary" : v.isBackup(h.server()) ? "backup" : "idle";
        String was = h.formerRole() == null || inView ? "" : ", was " + h.formerRole();
        String health =
            h.alive()
                ? "alive"
                    + (h.missedChecks() > 0 ? " (missed " + h.missedChecks() + " pings)" : "")
                    + was
                : "DEAD"
                    + was
                    + ", last seen "
                    + ago(silentMillis)
                    + " (missed "
                    + h.missedChecks()
                    + " pings)";
        out.printf("  %-22s %-8s %s%n", h.server(), h.alive() || inView ? role : "-", health);
      }
      if (forgotten > 0) {
        out.println(
            "  ("
                + forgotten
                + (forgotten == 1 ? " server" : " servers")
                + " dead for over "
                + ago(forgetAfterMillis).replace(" ago", "")
                + " not shown; see --forget-after)");
      }
      if (v.primary() != null && v.backup() == null) {
        out.println(
            "warning: no redundancy: view "
                + v.viewNum()
                + " has no backup, so the next failure of "
                + v.primary()
                + " loses every acknowledged write"
                + (liveIdle ? "" : " (and no idle server is alive to become backup)"));
      }
      String readProblem = null;
      try {
        c.execute(new Command.Get("pbkv-status-probe"));
      } catch (IndeterminateException | PbkvException e) {
        readProblem = e.getMessage();
        if (readProblem != null
            && (readProblem.startsWith("not authorised")
                || readProblem.startsWith("not authenticated"))) {
          out.println(
              "note: the probe read was refused (" + readProblem + "), so the primary answers");
          readProblem = null;
        }
      }
      if (s.problem() != null && !s.problem().startsWith("waiting")) {
        out.println("progress: STUCK — " + s.problem());
        return 1;
      }
      if (readProblem != null) {
        out.println(
            "progress: STUCK — the primary "
                + v.primary()
                + " pings the view service but does not answer clients from here ("
                + readProblem
                + ")");
        return 1;
      }
      out.println(
          "progress: OK — a read through the primary succeeded"
              + (s.problem() != null ? "; " + s.problem() : ""));
      return 0;
    }
  }

  /** "did not answer within N ms", "refused the connection (…)": the probe's words, shortened. */
  private static String unreachable(String message) {
    int at = message.indexOf(" did not answer");
    if (at < 0) {
      at = message.indexOf(" refused");
    }
    return at < 0 ? message : message.substring(at + 1);
  }

  /** "0.4 s ago", "52 s ago", "17 min ago". */
  static String ago(long millis) {
    if (millis < 10_000) {
      return String.format(Locale.ROOT, "%.1f s ago", millis / 1000.0);
    }
    if (millis < 120_000) {
      return millis / 1000 + " s ago";
    }
    return millis / 60_000 + " min ago";
  }
}
