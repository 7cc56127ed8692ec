package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import java.util.List;

/**
 * Incarnations (docs/design.md §1): the primary restarts at once, empty. Its new boot id must
 * differ from the old one, or the view service takes the empty server for the primary it knew. Over
 * TCP boot ids are random; a clock-based id repeats when a process restarts within the same tick
 * ({@code Cluster.reuseBootIds} plants that bug).
 */
final class RestartSameBootId implements ViewServiceScenario {
  @Override
  public String name() {
    return "restart-same-boot-id";
  }

  @Override
  public String summary() {
    return "the primary restarts empty at once: is it told apart from the primary it was?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    long before = run.server(a).bootId();
    run.say("A crashes and restarts at once, its store empty");
    run.sim().restart(a);
    long after = run.server(a).bootId();
    run.say("A's boot id was " + before + ", is now " + after);
    run.sim().runFor(2000);
    run.expect(
        "the restarted A is not primary",
        !run.server(a).isPrimary(),
        "A is primary of view " + run.server(a).view());
    Result got = run.call(c1, new Command.Get("k"), 3000);
    run.expect(
        "c1 reads k=v after the acknowledged put", new Result.Value("v").equals(got), "got " + got);
  }
}
