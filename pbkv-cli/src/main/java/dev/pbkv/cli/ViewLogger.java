package dev.pbkv.cli;

import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs what an operator needs, once: each view change at INFO with its reason, each ack, a server's
 * role changes (and why it left a view), and a stuck view service when the condition starts, every
 * minute while it lasts, and when it ends — never once per tick.
 */
final class ViewLogger implements Consumer<Node> {
  /** How often a condition that lasts is logged again. */
  static final long REPEAT_NANOS = 60_000_000_000L;

  private final Address self;
  private final Logger log;
  private final LongSupplier nanoTime;
  private View lastView = View.INITIAL;
  private String lastState = "";
  private long lastServerView = -1;
  private String stuckKind; // the condition without its counts, while stuck
  private long stuckSinceNanos;
  private long stuckLoggedNanos;

  ViewLogger(Address self, Logger log) {
    this(self, log, System::nanoTime);
  }

  ViewLogger(Address self, Logger log, LongSupplier nanoTime) {
    this.self = self;
    this.log = log;
    this.nanoTime = nanoTime;
  }

  @Override
  public void accept(Node node) {
    if (node instanceof ViewServer vs) {
      viewService(vs);
    } else if (node instanceof PbServer s) {
      server(s);
    }
  }

  private void viewService(ViewServer vs) {
    View v = vs.view();
    if (!v.equals(lastView)) {
      log.info(
          "new view {}: primary {}, backup {} — {}",
          v.viewNum(),
          v.primary(),
          v.backup() == null ? "none" : v.backup(),
          reason(lastView, v, vs));
      lastView = v;
      lastState = "";
    }
    String state = vs.isAcked() ? "acked" : "waiting";
    if (!state.equals(lastState)) {
      lastState = state;
      if (vs.isAcked() && v.viewNum() > 0) {
        log.info("view {} acked by {}", v.viewNum(), v.primary());
      }
    }
    String problem = vs.progressProblem();
    boolean stuck = problem != null && !problem.startsWith("waiting") && v.viewNum() > 0;
    long now = nanoTime.getAsLong();
    if (stuck) {
      String kind = problem.replaceAll("\\d+ pings", "N pings");
      if (!kind.equals(stuckKind)) {
        stuckKind = kind;
        stuckSinceNanos = now;
        stuckLoggedNanos = now;
        log.warn("stuck: {}", problem);
      } else if (now - stuckLoggedNanos >= REPEAT_NANOS) {
        stuckLoggedNanos = now;
        log.warn(
            "still stuck after {} min: {}", (now - stuckSinceNanos) / 60_000_000_000L, problem);
      }
    } else if (stuckKind != null) {
      log.info(
          "no longer stuck after {} s: view {} (primary {}, backup {})",
          (now - stuckSinceNanos) / 1_000_000_000L,
          v.viewNum(),
          v.primary(),
          v.backup() == null ? "none" : v.backup());
      stuckKind = null;
    }
  }

  /** Why the view service went from {@code old} to {@code next}, in words. */
  static String reason(View old, View next, ViewServer vs) {
    if (old.viewNum() == 0) {
      return "the first server to ping becomes primary";
    }
    Address p = old.primary();
    Address b = old.backup();
    if (!next.primary().equals(p)) {
      return "primary "
          + p
          + " "
          + lost(p, vs)
          + "; backup "
          + next.primary()
          + " takes over"
          + (next.backup() == null ? "" : ", idle server " + next.backup() + " becomes backup");
    }
    if (b != null && !b.equals(next.backup())) {
      return "backup "
          + b
          + " "
          + lost(b, vs)
          + (next.backup() == null
              ? "; no idle server is alive to replace it"
              : "; idle server " + next.backup() + " becomes backup");
    }
    if (b == null && next.backup() != null) {
      return "idle server " + next.backup() + " becomes backup";
    }
    return "view service's choice";
  }

  private static String lost(Address a, ViewServer vs) {
    return vs.isAlive(a)
        ? "restarted (a new incarnation that lost its state)"
        : "missed " + vs.missedChecks(a) + " pings";
  }

  private void server(PbServer s) {
    String role =
        s.isServing()
            ? "primary, serving"
            : s.isPrimary()
                ? "primary, transferring state"
                : s.hasInstalledState()
                    ? "backup"
                    : s.isBackup() ? "backup, awaiting state" : "idle";
    long viewNum = s.view().viewNum();
    if (viewNum != lastServerView || !role.equals(lastState)) { // no string built per event
      if (role.equals("idle") && !lastState.isEmpty() && !lastState.equals("idle")) {
        View v = s.view();
        log.info(
            "{} in view {} idle: the view service left it out (primary {}, backup {}); it was {}",
            self,
            viewNum,
            v.primary(),
            v.backup() == null ? "none" : v.backup(),
            lastState.replace(", serving", ""));
      } else {
        log.info("{} in view {} {}", self, viewNum, role);
      }
      lastServerView = viewNum;
      lastState = role;
    }
  }
}
