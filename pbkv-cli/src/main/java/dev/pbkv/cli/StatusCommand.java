package dev.pbkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pbkv.kv.Command;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Role;
import dev.pbkv.view.ViewServiceMessage.ServerHealth;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  @Option(names = "--json", description = "print one JSON object (docs/json.md)")
  boolean json;

  /**
   * The JSON object of {@code --json}, filled in as the text would be printed. Made in {@link
   * #call}, not when the command is: picocli makes every command at start, and a field initializer
   * here made every process, servers too, load Jackson (about 490 classes) that it never used.
   */
  private ObjectNode j;

  @Override
  public Integer call() {
    j = Json.object();
    int exit = report(json ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getOut());
    if (json) {
      j.put("exit", exit);
      Json.print(j, spec.commandLine().getOut());
    }
    return exit;
  }

  private int report(PrintWriter out) {
    Logging.setLevel(client.logLevel);
    Duration timeout = Duration.ofMillis(client.timeoutMillis);
    var security = client.security(); // bad TLS flags fail first, before any connection
    PbkvClient.Options options = client.options(1, security); // and bad values
    PbkvClient c;
    try {
      ClientOptions.requireOneReachable(client.viewServer, timeout);
      c = PbkvClient.connect(options);
    } catch (PbkvException e) {
      j.put("view_service", client.viewServer);
      j.put("reachable", false);
      j.put("error", unreachable(e.getMessage()));
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
        j.put("view_service", c.viewService().name());
        j.put("reachable", false);
        j.put("error", unreachable(e.getMessage()));
        out.println("view service " + c.viewService() + ": " + unreachable(e.getMessage()));
        return 2;
      }
      View v = s.view();
      j.put("view_service", c.viewService().name());
      j.put("reachable", true);
      j.put("store", s.store());
      j.put("volatile_store", s.volatileStore());
      ObjectNode jv = j.putObject("view");
      jv.put("num", v.viewNum());
      jv.put("primary", v.primary() == null ? null : v.primary().name());
      jv.put("backup", v.backup() == null ? null : v.backup().name());
      jv.put("acked", s.acked());
      ArrayNode js = j.putArray("servers");
      String noLeader = null;
      if (c.viewServices().size() == 1) {
        out.println("view service " + c.viewService() + ": up");
      } else {
        noLeader = printReplicas(out, c, timeout);
      }
      j.put("secured", c.secured());
      out.println(
          c.secured()
              ? "security: TLS — the view service proved its certificate (signed by --tls-ca);"
                  + " servers and view service accept members only by certificate"
              : "security: NONE — plain TCP: clear text, and anyone who reaches a port can act as"
                  + " a member or a client (see 'pbkv certs' and README: Securing a cluster)");
      if (!s.store().isEmpty()) {
        boolean unreachable = s.problem() != null && s.problem().contains("unavailable");
        out.println(
            "view service state: "
                + s.store()
                + (s.role() == Role.STANDALONE
                    ? ""
                    : unreachable ? " (UNREACHABLE)" : " (reachable)"));
      }
      if (noLeader != null) {
        out.println(
            "view "
                + v.viewNum()
                + " (newest stored): primary "
                + (v.primary() == null ? "none" : v.primary())
                + ", backup "
                + (v.backup() == null ? "none" : v.backup()));
        j.put("progress", "stuck");
        j.put("problem", noLeader);
        out.println("progress: STUCK — " + noLeader);
        return 1;
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
        String role = role(v, h);
        String was;
        if (role.equals("restarted")) {
          was = ", not the incarnation view " + v.viewNum() + " names (it lost its state)";
        } else {
          was = h.formerRole() == null || inView ? "" : ", was " + h.formerRole();
        }
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
        ObjectNode jh = js.addObject();
        jh.put("address", h.server().name());
        jh.put("role", role);
        jh.put("alive", h.alive());
        jh.put("missed_pings", h.missedChecks());
        jh.put("former_role", h.formerRole());
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
      j.put("hidden_servers", forgotten);
      j.put("problem", s.problem());
      if (s.problem() != null && !s.problem().startsWith("waiting")) {
        j.put("progress", "stuck");
        out.println("progress: STUCK — " + s.problem());
        return 1;
      }
      j.put("read_error", readProblem);
      if (readProblem != null) {
        j.put("progress", "stuck");
        out.println(
            "progress: STUCK — the primary "
                + v.primary()
                + " pings the view service but does not answer clients from here ("
                + readProblem
                + ")");
        return 1;
      }
      j.put("progress", "ok");
      out.println(
          "progress: OK — a read through the primary succeeded"
              + (s.problem() != null ? "; " + s.problem() : ""));
      return 0;
    }
  }

  /**
   * The server's role in {@code v}: "primary" or "backup" only for the incarnation the view names
   * (address and boot id); "restarted" for a later incarnation at that address; else "idle".
   */
  static String role(View v, ServerHealth h) {
    if (v.isPrimary(h.server(), h.bootId())) {
      return "primary";
    } else if (v.isBackup(h.server(), h.bootId())) {
      return "backup";
    } else if (v.isPrimary(h.server()) || v.isBackup(h.server())) {
      return "restarted";
    }
    return "idle";
  }

  /**
   * One line per view-service replica: leader, follower or unreachable. Returns why no view can
   * change when no replica leads, else null.
   */
  private static String printReplicas(PrintWriter out, PbkvClient c, Duration timeout) {
    List<String> leaders = new ArrayList<>();
    String storeProblem = null;
    Duration each = timeout.dividedBy(c.viewServices().size());
    for (Address a : c.viewServices()) {
      try {
        Status r = c.status(a, each);
        if (r.role() == Role.LEADER) {
          leaders.add(a.name());
        }
        if (r.problem() != null && r.problem().contains("unavailable")) {
          storeProblem = r.problem();
        }
        out.println(
            "view service "
                + a
                + ": up, "
                + (r.role() == Role.LEADER
                    ? "LEADER"
                    : r.role() == Role.FOLLOWER ? "follower" : "standalone")
                + " (view "
                + r.view().viewNum()
                + ")");
      } catch (PbkvException e) {
        out.println("view service " + a + ": " + unreachable(e.getMessage()));
      }
    }
    if (leaders.size() > 1) {
      out.println(
          "note: "
              + leaders
              + " each believe they lead (a deposed leader that has not heard yet); only one can"
              + " write a view (docs/design.md §2.2)");
    }
    if (!leaders.isEmpty()) {
      return null;
    }
    return storeProblem != null
        ? "no view-service replica leads and " + storeProblem
        : "no view-service replica leads (the ZooKeeper election has no leader among the"
            + " reachable replicas): no view can change";
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
