package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.Cluster;
import dev.pbkv.view.View;
import java.util.List;

/**
 * The view service restarts in the middle of a view change (docs/design.md §2): it has just made
 * view 3 (the backup B promoted, C the new backup), and while it is down C dies too. The restarted
 * view service must resume view 3 from its store, give B a full dead interval, and then replace C
 * (the ack rule's exception), never hand out a second, different view 3.
 */
final class ViewServiceRestartMidViewChange implements ViewServiceScenario {
  @Override
  public String name() {
    return "viewservice-restart-mid-view-change";
  }

  @Override
  public String summary() {
    return "the view service restarts right after making a view, and its new backup dies:"
        + " does it resume the view it announced?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C", "D");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c = s.get(2);
    Address d = s.get(3);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    run.say("A crashes; the view service will promote B and pick C as the new backup");
    run.sim().crash(a);
    run.require(
        "the view service makes view 3 (primary B, backup C)",
        run.cluster().awaitView(v -> v.viewNum() == 3, 3000),
        "view service has " + run.cluster().view());
    View announced = run.cluster().view();
    run.say("the view service crashes right after announcing view 3; C crashes too");
    run.sim().crash(Cluster.VIEW_SERVICE);
    run.sim().crash(c);
    run.sim().runFor(200);
    run.sim().restart(Cluster.VIEW_SERVICE);
    run.expect(
        "the restarted view service resumes view 3 from its store",
        run.cluster().view().equals(announced),
        "it holds " + run.cluster().view() + ", announced was " + announced);

    boolean replaced =
        run.cluster()
            .awaitView(
                v ->
                    v.viewNum() >= 4
                        && d.equals(v.backup())
                        && run.cluster().viewServer().isAcked(),
                5000);
    run.expect(
        "the dead C is replaced by D, B stays primary, and the view is acked",
        replaced && b.equals(run.cluster().view().primary()),
        "view service has "
            + run.cluster().view()
            + (run.cluster().viewServer().isAcked() ? " (acked)" : " (not acked)"));
    Result put = run.call(c1, new Command.Put("k2", "w"), 3000);
    run.expect("the cluster serves again: c1 puts k2=w", Result.OK.equals(put), "got " + put);
    Result got = run.call(c1, new Command.Get("k"), 3000);
    run.expect(
        "nothing acknowledged is lost: c1 reads k=v",
        new Result.Value("v").equals(got),
        "got " + got);
  }
}
