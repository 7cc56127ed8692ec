package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * View-service failover (docs/design.md §2.2): the leading replica and the primary die at the same
 * moment. After the leader's ZooKeeper session times out (400 ms here), the election names another
 * replica; it takes over the stored view, gives its members a full dead interval, then promotes the
 * backup, and the cluster serves again with nothing acknowledged lost.
 */
final class ViewServiceFailover implements ViewServiceScenario {
  static final long SESSION_MILLIS = 400;

  @Override
  public String name() {
    return "viewservice-failover";
  }

  @Override
  public String summary() {
    return "the leading view-service replica and the primary die at once: does the cluster"
        + " serve again?";
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
    run.cluster().election().automatic(SESSION_MILLIS);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    run.say("the leading replica vs1 and the primary A crash at the same moment");
    long killedAt = run.sim().nowMicros();
    run.sim().crash(vs1);
    run.sim().crash(a);
    OpHandle put = run.submit(c1, new Command.Put("k2", "w"));
    boolean elected =
        run.sim()
            .runUntil(
                () -> run.cluster().replica(vs2) != null && run.cluster().replica(vs2).isLeading(),
                3000);
    run.expect(
        "vs2 is elected once vs1's session timed out, and takes over",
        elected,
        "elected: " + run.cluster().election().elected());
    boolean promoted =
        run.cluster()
            .awaitView(
                v ->
                    v.viewNum() == 3
                        && b.equals(v.primary())
                        && run.cluster().viewServer() != null
                        && run.cluster().viewServer().isAcked(),
                5000);
    run.expect("vs2 promotes the backup B: view 3 acked", promoted, "view " + run.cluster().view());
    run.sim().runUntil(put::isDone, 3000);
    run.expect(
        "the write sent right after the crashes completes",
        Result.OK.equals(put.result()),
        "got " + put.result());
    run.say(
        "kill → first write completed: "
            + (run.sim().nowMicros() - killedAt) / 1000
            + " ms (virtual time; session "
            + SESSION_MILLIS
            + " ms + dead interval)");
    Result got = run.call(c1, new Command.Get("k"), 3000);
    run.expect(
        "nothing acknowledged is lost: c1 reads k=v",
        new Result.Value("v").equals(got),
        "got " + got);
  }
}
