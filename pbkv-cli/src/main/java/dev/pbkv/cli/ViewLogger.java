package dev.pbkv.cli;

import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import java.util.function.Consumer;
import org.slf4j.Logger;

/** Logs view changes, acks and role changes as a node goes through them. */
final class ViewLogger implements Consumer<Node> {
  private final Address self;
  private final Logger log;
  private View lastView = View.INITIAL;
  private String lastState = "";
  private long lastServerView = -1;
  private String lastProblem;

  ViewLogger(Address self, Logger log) {
    this.self = self;
    this.log = log;
  }

  @Override
  public void accept(Node node) {
    if (node instanceof ViewServer vs) {
      if (!vs.view().equals(lastView)) {
        lastView = vs.view();
        log.info(
            "new view {}: primary {}, backup {}",
            lastView.viewNum(),
            lastView.primary(),
            lastView.backup() == null ? "none" : lastView.backup());
      }
      String state = vs.isAcked() ? "acked" : "waiting";
      if (!state.equals(lastState)) {
        lastState = state;
        if (vs.isAcked()) {
          log.info("view {} acked by {}", lastView.viewNum(), lastView.primary());
        }
      }
      String problem = vs.isAcked() && vs.progressProblem() == null ? null : vs.progressProblem();
      if (problem != null && !problem.equals(lastProblem) && !problem.startsWith("waiting")) {
        log.warn("{}", problem);
      }
      lastProblem = problem;
    } else if (node instanceof PbServer s) {
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
        lastServerView = viewNum;
        lastState = role;
        log.info("{} in view {} {}", self, viewNum, role);
      }
    }
  }
}
