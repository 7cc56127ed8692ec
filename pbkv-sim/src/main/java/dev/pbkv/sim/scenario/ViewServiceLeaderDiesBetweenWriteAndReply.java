package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import java.util.List;

/**
 * The replicated variant of {@code viewservice-dies-between-write-and-reply} (docs/design.md §2.2):
 * the leading replica vs1 writes view 3 to the shared store and dies before its reply gets out. The
 * replica elected next must take over view 3 (the followers may already hand it out), not make a
 * different view 3 of its own.
 */
final class ViewServiceLeaderDiesBetweenWriteAndReply implements ViewServiceScenario {
  @Override
  public String name() {
    return "viewservice-leader-dies-between-write-and-reply";
  }

  @Override
  public String summary() {
    return "the leading view-service replica writes a view and dies before it replies:"
        + " what does the next leader take over?";
  }

  @Override
  public String notInDebugger() {
    return "it runs three view-service replicas and a leader election, which the debugger does"
        + " not model (it runs one view service)";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startReplicatedCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address vs1 = run.cluster().viewServices().get(0);
    Address vs2 = run.cluster().viewServices().get(1);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    run.say("vs1's replies are lost from now on; A crashes");
    for (Address x : List.of(a, b, s.get(2), c1)) {
      run.sim().cut(vs1, x);
    }
    run.sim().crash(a);
    run.require(
        "vs1 makes view 3",
        run.sim().runUntil(() -> run.cluster().replica(vs1).view().viewNum() == 3, 3000),
        "vs1 has " + run.cluster().replica(vs1).view());
    View made = run.cluster().replica(vs1).view();
    run.say("vs1 dies before any reply about view 3 gets out; vs2 is elected");
    run.sim().crash(vs1);
    run.sim().heal();
    run.cluster().election().elect(vs2);
    run.expect(
        "vs2 takes over view 3, which vs1 wrote before it died",
        run.cluster().replica(vs2).isLeading() && run.cluster().view().equals(made),
        "vs2 holds " + run.cluster().replica(vs2).view() + "; vs1 had made " + made);
    boolean acked =
        run.cluster()
            .awaitView(
                v ->
                    v.viewNum() >= 3
                        && b.equals(v.primary())
                        && run.cluster().viewServer() != null
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
