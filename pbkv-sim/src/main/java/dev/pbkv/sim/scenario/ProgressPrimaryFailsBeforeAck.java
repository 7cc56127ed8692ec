package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;
import dev.pbkv.view.View;
import java.util.List;

/**
 * Progress, case 2: the primary fails before acking a new view. The new backup may not have the
 * state yet, so the view service must not promote it: the system is stuck, safely, and says why.
 */
final class ProgressPrimaryFailsBeforeAck implements Scenario {
  @Override
  public String name() {
    return "progress-primary-fails-before-ack";
  }

  @Override
  public String summary() {
    return "the primary fails before acking a view whose backup is still getting the state:"
        + " may the view service promote that backup?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c = s.get(2);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    run.say("A's state transfers to C will not arrive; then B crashes");
    run.sim().cut(a, c);
    run.sim().crash(b);
    run.require(
        "the view service moves to view 3 (primary A, backup C)",
        run.cluster().awaitView(v -> v.viewNum() == 3 && c.equals(v.backup()), 5000),
        "view service has " + run.cluster().view());
    run.require(
        "A has learned view 3 and is transferring its state to C",
        run.sim().runUntil(() -> run.server(a).view().viewNum() == 3, 1000),
        "A knows view " + run.server(a).view());
    run.say("A crashes before C has the state, so before it acks view 3");
    run.sim().crash(a);
    OpHandle get = run.submit(c1, new Command.Get("x"));
    run.sim().runFor(5000);
    View v = run.cluster().view();
    run.expect(
        "the view service stays at view 3: it may not promote C, which lacks the state",
        v.viewNum() == 3 && a.equals(v.primary()) && !run.cluster().viewServer().isAcked(),
        "view service has " + v);
    run.expect(
        "C never becomes primary and answers no client",
        !run.server(c).isPrimary() && run.repliesFrom(c, 0).isEmpty(),
        "C knows view " + run.server(c).view());
    run.expect("no request completes", !get.isDone(), get.isDone() ? "got " + get.result() : "");
    String why = run.cluster().viewServer().progressProblem();
    run.say("view service status: " + why);
    run.expect(
        "the view service says why it is stuck",
        why != null && why.contains("not acked by its primary A"),
        String.valueOf(why));
  }
}
