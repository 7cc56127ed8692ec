package dev.pbkv.sim.scenario;

import static dev.pbkv.sim.Cluster.VIEW_SERVICE;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import java.util.List;

/**
 * Stale reads: an old primary, cut off from the view service, is asked to read after the new
 * primary accepted a write. Reads go through the backup too (rule 2), so it cannot answer.
 */
final class StaleReads implements Scenario {
  @Override
  public String name() {
    return "stale-reads";
  }

  @Override
  public String summary() {
    return "a replaced primary that has not heard of the new view is asked to read:"
        + " can it return stale data?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c = s.get(2);
    Address c1 = run.cluster().addClient("c1");
    Address c2 = run.cluster().addClient("c2");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    run.say("A is cut off from the view service");
    run.sim().disconnect(a, VIEW_SERVICE);
    long cutAt = run.sim().nowMicros();
    run.awaitView(3, b, c, 5000);
    run.require(
        "c2 puts x=2 through the new primary B",
        Result.OK.equals(run.call(c2, new Command.Put("x", "2"), 2000)),
        "");
    run.expect(
        "A still believes it is primary of view 2",
        run.server(a).isPrimary() && run.server(a).view().viewNum() == 2,
        "A knows view " + run.server(a).view());

    Result read = run.call(c1, new Command.Get("x"), 3000);
    run.expect(
        "A serves no read once it has been replaced",
        run.repliesFrom(a, cutAt).isEmpty(),
        run.repliesFrom(a, cutAt).size() + " replies from A");
    run.expect("c1 reads x=2, not the stale 1", new Result.Value("2").equals(read), "got " + read);
  }
}
