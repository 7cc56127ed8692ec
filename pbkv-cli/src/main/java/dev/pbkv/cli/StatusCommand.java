package dev.pbkv.cli;

import dev.pbkv.kv.Command;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ServerHealth;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code pbkv status}: the view, who is alive, and why the cluster is stuck if it is. */
@picocli.CommandLine.Command(
    name = "status",
    header = "Show the view, who is alive, and why the cluster cannot make progress if so.",
    mixinStandardHelpOptions = true,
    description = {
      "Asks the view service for the current view, whether its primary acked it and which",
      "servers are alive, then tries a read through the primary. When the cluster cannot make",
      "progress it names the condition (docs/design.md §6). Exit code 0 if a read succeeds, 1 if not."
    })
final class StatusCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Logging.setLevel(client.logLevel);
    PbkvClient c;
    try {
      c =
          PbkvClient.connect(
              PbkvClient.Options.of(client.viewServer)
                  .withSessions(1)
                  .withTimeout(Duration.ofMillis(Math.min(client.timeoutMillis, 2000))));
    } catch (PbkvException e) {
      out.println("view service " + client.viewServer + ": DOWN or unreachable");
      out.println(
          "progress: the view service is down — no view can change; a failure now cannot"
              + " be repaired, and clients that do not know the view cannot find the primary");
      return 1;
    }
    try (c) {
      Status s = c.status(Duration.ofMillis(2000));
      View v = s.view();
      out.println("view service " + c.viewService() + ": up");
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
      for (ServerHealth h : s.servers()) {
        String role =
            v.isPrimary(h.server()) ? "primary" : v.isBackup(h.server()) ? "backup" : "idle";
        out.printf(
            "  %-22s %-8s %s%n",
            h.server(),
            role,
            h.alive()
                ? "alive" + (h.missedChecks() > 0 ? " (missed " + h.missedChecks() + " pings)" : "")
                : "DEAD (missed " + h.missedChecks() + " pings)");
      }
      boolean readable;
      String readProblem = null;
      try {
        c.execute(new Command.Get("pbkv-status-probe"));
        readable = true;
      } catch (IndeterminateException | PbkvException e) {
        readable = false;
        readProblem = e.getMessage();
      }
      if (s.problem() != null && !s.problem().startsWith("waiting")) {
        out.println("progress: STUCK — " + s.problem());
      } else if (!readable) {
        out.println(
            "progress: STUCK — the primary "
                + v.primary()
                + " pings the view service but does not"
                + " answer clients from here ("
                + readProblem
                + ")");
      } else {
        out.println(
            "progress: OK — a read through the primary succeeded"
                + (s.problem() != null ? "; " + s.problem() : ""));
      }
      return readable ? 0 : 1;
    }
  }
}
