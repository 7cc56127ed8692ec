package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * Progress, case 4: the clients cannot reach the primary, but the primary still pings the view
 * service, so nothing changes: clients wait, the backup does not take over, nothing is unsafe.
 */
final class ProgressClientsCutFromPrimary implements Scenario {
  @Override
  public String name() {
    return "progress-clients-cut-from-primary";
  }

  @Override
  public String summary() {
    return "clients cannot reach the primary, which still pings the view service: does the backup"
        + " take over?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    run.say("c1 is cut off from A; A still pings the view service");
    run.sim().disconnect(c1, a);
    long t = run.sim().nowMicros();
    OpHandle put = run.submit(c1, new Command.Put("x", "2"));
    run.sim().runFor(5000);
    run.expect(
        "the view stays 2 (A, B): A is alive, so there is no reason to change",
        run.cluster().view().viewNum() == 2 && a.equals(run.cluster().view().primary()),
        "view service has " + run.cluster().view());
    run.expect(
        "c1's put does not complete", !put.isDone(), put.isDone() ? "got " + put.result() : "");
    run.expect(
        "B does not take over and answers no client",
        run.server(b).isBackup() && run.repliesFrom(b, t).isEmpty());

    run.say("the link between c1 and A heals");
    run.sim().heal();
    run.sim().runUntil(put::isDone, 2000);
    run.expect(
        "c1's put completes as soon as it can reach A",
        Result.OK.equals(put.result()),
        "got " + put.result());
  }
}
