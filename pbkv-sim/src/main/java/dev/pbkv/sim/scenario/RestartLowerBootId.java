package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import java.util.List;

/**
 * Incarnations (docs/design.md §1): the backup restarts with a boot id lower than its old one (a
 * random id, or a clock that stepped back). The view service must recognise a new incarnation
 * without comparing ids, and take the server back as backup.
 */
final class RestartLowerBootId implements ViewServiceScenario {
  @Override
  public String name() {
    return "restart-lower-boot-id";
  }

  @Override
  public String summary() {
    return "the backup restarts with a lower boot id: is it ignored for ever?";
  }

  @Override
  public String notInDebugger() {
    return "it chooses boot ids, and the debugger numbers starts 1, 2, 3";
  }

  @Override
  public void script(ScenarioRun run) {
    run.cluster().setNextBootId(Address.of("B"), 1_000);
    List<Address> s = run.startCluster("A", "B");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    run.say("B crashes and restarts with boot id 7 (it was 1000)");
    run.cluster().setNextBootId(b, 7);
    run.sim().restart(b);
    boolean back =
        run.cluster()
            .awaitView(
                v ->
                    v.isBackup(b, 7)
                        && run.cluster().viewServer().isAcked()
                        && run.server(b).hasInstalledState(),
                5000);
    run.expect(
        "B, restarted with a lower boot id, is backup again and holds the state",
        back,
        "view service has "
            + run.cluster().view()
            + ", status "
            + run.cluster().viewServer().status());

    run.say("A crashes: B must take over with k=v");
    run.sim().crash(a);
    Result got = run.call(c1, new Command.Get("k"), 5000);
    run.expect("c1 reads k=v from B", new Result.Value("v").equals(got), "got " + got);
  }
}
