package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * The view service's store cannot be written (docs/design.md §2.1) when the primary dies. No view
 * may change, since a view that is not durable may not be announced: the cluster is stuck, safely,
 * and the view service says why. Once the store works again, the backup takes over.
 */
final class ViewServiceStoreUnavailable implements ViewServiceScenario {
  @Override
  public String name() {
    return "viewservice-store-unavailable";
  }

  @Override
  public String summary() {
    return "the view service cannot write its store when the primary dies: does it announce a"
        + " view anyway?";
  }

  @Override
  public String notInDebugger() {
    return "its view service's store fails, which the debugger does not model";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    run.say("the view service's store becomes unavailable; A crashes");
    run.cluster().viewStore().setAvailable(false);
    run.sim().crash(a);
    OpHandle get = run.submit(c1, new Command.Get("k"));
    run.sim().runFor(3000);
    String why = run.cluster().viewServer().progressProblem();
    run.say("view service status: " + why);
    run.expect(
        "the view service announces no new view",
        run.cluster().view().viewNum() == 2 && !run.server(b).isPrimary(),
        "view service has " + run.cluster().view() + ", B holds " + run.server(b).view());
    run.expect(
        "it says why no view can change",
        why != null && why.contains("unavailable") && why.contains("no view can change"),
        String.valueOf(why));
    run.expect(
        "no request completes meanwhile", !get.isDone(), get.isDone() ? "" + get.result() : "");

    run.say("the store works again");
    run.cluster().viewStore().setAvailable(true);
    run.sim().runUntil(get::isDone, 5000);
    run.expect(
        "B takes over and c1 reads k=v",
        new Result.Value("v").equals(get.result()) && b.equals(run.cluster().view().primary()),
        "got " + get.result() + "; view service has " + run.cluster().view());
  }
}
