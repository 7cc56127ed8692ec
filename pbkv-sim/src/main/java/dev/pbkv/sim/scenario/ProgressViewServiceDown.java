package dev.pbkv.sim.scenario;

import static dev.pbkv.sim.Cluster.VIEW_SERVICE;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * Progress, case 1: the view service is down. Clients that know the view keep being served while
 * nothing fails; once the primary fails too, nobody can promote the backup, and the system stays
 * stuck but safe.
 */
final class ProgressViewServiceDown implements Scenario {
  @Override
  public String name() {
    return "progress-viewservice-down";
  }

  @Override
  public String summary() {
    return "the view service is down: what still works, and what happens when the primary fails"
        + " too?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    Address c2 = run.cluster().addClient("c2");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    run.say("the view service crashes");
    run.sim().crash(VIEW_SERVICE);
    Result put = run.call(c1, new Command.Put("x", "2"), 2000);
    run.expect(
        "the primary still serves a client that knows the view",
        Result.OK.equals(put),
        "got " + put);
    OpHandle newcomer = run.submit(c2, new Command.Get("x"));
    run.sim().runFor(2000);
    run.expect(
        "a client that does not know the view gets nowhere: it cannot learn who is primary",
        !newcomer.isDone(),
        newcomer.isDone() ? "it got " + newcomer.result() : "");

    run.say("A fails as well");
    long t = run.sim().nowMicros();
    run.sim().crash(a);
    OpHandle stuck = run.submit(c1, new Command.Put("x", "3"));
    run.sim().runFor(3000);
    run.expect(
        "no request completes: nobody can promote the backup",
        !stuck.isDone(),
        stuck.isDone() ? "got " + stuck.result() : "");
    run.expect(
        "B stays backup of view 2 and answers no client",
        run.server(b).isBackup()
            && run.server(b).view().viewNum() == 2
            && run.repliesFrom(b, t).isEmpty(),
        "B knows view " + run.server(b).view());
    run.expect(
        "B still holds every acknowledged write: x=2",
        "2".equals(run.server(b).valueOf("x")),
        "B has x=" + run.server(b).valueOf("x"));
  }
}
