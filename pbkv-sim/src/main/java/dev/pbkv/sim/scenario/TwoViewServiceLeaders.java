package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.SentMessage;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.List;

/**
 * Two view-service replicas lead at once (docs/design.md §2.2): vs1's ZooKeeper session is gone and
 * vs2 was elected, but vs1 has not heard yet. Each sees the servers differently: vs2 stops hearing
 * the backup B and makes view 3 = (A, C), whose announcement is delayed (the replies of vs2 and vs3
 * are lost for a while, so no server learns view 3 and no ping tells vs1 of it); vs1, which still
 * holds view 2 and answers pings with it, stops hearing the primary A and would make its own view 3
 * = (B, C). Its write is conditional on the version it read, so it fails, and vs1 steps down: one
 * view per number, nothing acknowledged lost.
 */
final class TwoViewServiceLeaders implements ViewServiceScenario {
  @Override
  public String name() {
    return "two-viewservice-leaders";
  }

  @Override
  public String summary() {
    return "a deposed view-service leader that has not heard yet and the new leader both decide:"
        + " can they make two different views?";
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
    Address c = s.get(2);
    List<Address> vs = run.cluster().viewServices();
    Address vs1 = vs.get(0);
    Address vs2 = vs.get(1);
    Address vs3 = vs.get(2);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    run.say(
        "vs1's ZooKeeper session expires unnoticed: vs2 is elected; vs1 still believes it leads");
    run.cluster().election().elect(vs2);
    run.sim().runFor(50);
    run.say(
        "vs2 stops hearing B, and the replies of vs2 and vs3 are lost for a while: vs2 will"
            + " replace B, and nobody hears of it yet");
    run.sim().cut(b, vs2);
    for (Address x : List.of(a, b, c, c1)) {
      run.sim().cut(vs2, x);
      run.sim().cut(vs3, x);
    }
    run.require(
        "vs2 makes view 3 = (A, C)",
        run.sim()
            .runUntil(
                () -> {
                  View v = run.cluster().replica(vs2).view();
                  return v.viewNum() == 3 && a.equals(v.primary()) && c.equals(v.backup());
                },
                3000),
        "vs2 has " + run.cluster().replica(vs2).view());
    long view3At = run.sim().nowMicros();

    run.say("vs1 stops hearing A: it judges A dead and tries to make a view 3 of its own");
    run.sim().cut(a, vs1);
    boolean steppedDown = run.sim().runUntil(() -> !run.cluster().replica(vs1).isLeading(), 3000);
    List<SentMessage> stale =
        run.sentSince(
            view3At,
            m ->
                m.from().equals(vs1)
                    && m.message() instanceof ViewReply r
                    && r.view().viewNum() == 2);
    run.expect(
        "the old leader vs1 still answered pings with its view 2 after view 3 was written",
        !stale.isEmpty(),
        stale.size() + " replies");
    run.expect(
        "vs1's write fails on the version check and it steps down",
        steppedDown,
        "vs1: " + run.cluster().replica(vs1));
    run.cluster().election().depose(vs1);
    run.sim().heal();
    View stored = run.cluster().viewStore().read().state().view();
    run.expect(
        "the store holds vs2's view 3 = (A, C), or a view after it",
        stored.viewNum() > 3 || a.equals(stored.primary()) && c.equals(stored.backup()),
        "the store holds " + stored);
    boolean acked =
        run.cluster()
            .awaitView(
                v ->
                    v.viewNum() >= 3
                        && run.cluster().viewServer() != null
                        && run.cluster().viewServer().isAcked(),
                5000);
    run.expect("view 3 (or later) is acked", acked, "view " + run.cluster().view());
    Result put = run.call(c1, new Command.Put("k2", "w"), 3000);
    run.expect("the cluster serves: c1 puts k2=w", Result.OK.equals(put), "got " + put);
    Result got = run.call(c1, new Command.Get("k"), 3000);
    run.expect(
        "nothing acknowledged is lost: c1 reads k=v",
        new Result.Value("v").equals(got),
        "got " + got);
  }
}
