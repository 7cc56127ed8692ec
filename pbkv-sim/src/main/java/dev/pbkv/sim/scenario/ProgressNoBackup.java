package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;

/**
 * Progress, case 3: there is no backup and the primary fails. Nobody else has the state, so the
 * system is stuck; a restarted primary lost its state and must not serve either.
 */
final class ProgressNoBackup implements Scenario {
  @Override
  public String name() {
    return "progress-no-backup";
  }

  @Override
  public String summary() {
    return "the only server, a primary without backup, fails and restarts empty: may it serve?";
  }

  @Override
  public void script(ScenarioRun run) {
    Address a = run.startCluster("A").get(0);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(1, a, null, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    run.say("A crashes; there is no backup");
    run.sim().crash(a);
    OpHandle get = run.submit(c1, new Command.Get("x"));
    run.sim().runFor(3000);
    String why = run.cluster().viewServer().progressProblem();
    run.say("view service status: " + why);
    run.expect(
        "the view service stays at view 1 and says there is no backup to promote",
        run.cluster().view().viewNum() == 1 && why != null && why.contains("no backup"),
        String.valueOf(why));

    run.say("A restarts with its state lost");
    run.sim().restart(a);
    run.sim().runFor(3000);
    run.expect(
        "the restarted A is not primary: it lost the state",
        !run.server(a).isPrimary() && run.cluster().view().viewNum() == 1,
        "A knows view " + run.server(a).view() + "; view service has " + run.cluster().view());
    run.expect(
        "no request completes (nobody answers x as absent)",
        !get.isDone(),
        get.isDone() ? "got " + get.result() : "");
  }
}
