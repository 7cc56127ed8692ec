package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.Cluster;
import dev.pbkv.view.View;
import java.util.List;

/**
 * The view service dies between the durable write of a view and its reply (docs/design.md §2): its
 * replies are cut, it makes view 3 and crashes. Nobody has seen view 3, but it is durable: the
 * restarted view service must resume it (a view, once written, may have been seen), and the cluster
 * carries on from it.
 */
final class ViewServiceDiesBetweenWriteAndReply implements ViewServiceScenario {
  @Override
  public String name() {
    return "viewservice-dies-between-write-and-reply";
  }

  @Override
  public String summary() {
    return "the view service writes a new view and dies before anyone hears of it:"
        + " what does it resume?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    run.say("the view service's replies are lost from now on; A crashes");
    for (Address x : List.of(a, b, s.get(2), c1)) {
      run.sim().cut(Cluster.VIEW_SERVICE, x);
    }
    run.sim().crash(a);
    run.require(
        "the view service makes view 3",
        run.cluster().awaitView(v -> v.viewNum() == 3, 3000),
        "view service has " + run.cluster().view());
    View made = run.cluster().view();
    run.say("the view service dies before any reply about view 3 gets out");
    run.sim().crash(Cluster.VIEW_SERVICE);
    run.sim().heal();
    run.sim().runFor(100);
    run.sim().restart(Cluster.VIEW_SERVICE);
    run.expect(
        "the restarted view service resumes view 3, which it wrote before it died",
        run.cluster().view().equals(made),
        "it holds " + run.cluster().view() + "; it had made " + made);

    boolean acked =
        run.cluster()
            .awaitView(
                v ->
                    v.viewNum() >= 3
                        && b.equals(v.primary())
                        && run.cluster().viewServer().isAcked(),
                5000);
    run.expect("B is primary of an acked view", acked, "view service has " + run.cluster().view());
    Result got = run.call(c1, new Command.Get("k"), 3000);
    run.expect(
        "nothing acknowledged is lost: c1 reads k=v",
        new Result.Value("v").equals(got),
        "got " + got);
  }
}
