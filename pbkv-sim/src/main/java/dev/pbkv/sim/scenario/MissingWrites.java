package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * Missing writes: if the primary replied before its backup had the write and then crashed, the
 * promoted backup would not have it. Rule 2 (wait for the backup) prevents it.
 */
final class MissingWrites implements Scenario {
  @Override
  public String name() {
    return "missing-writes";
  }

  @Override
  public String summary() {
    return "the primary crashes right after replying: does the new primary have the write?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    Address c2 = run.cluster().addClient("c2");
    run.awaitView(2, a, b, 3000);
    run.require(
        "c1 appends \"a\" to x",
        new Result.Value("a").equals(run.call(c1, new Command.Append("x", "a"), 2000)),
        "");

    run.say("the link from A to its backup B is cut: A's forwards are lost");
    run.sim().cut(a, b);
    OpHandle put = run.submit(c1, new Command.Append("x", "b"));
    run.sim().runFor(300);
    run.expect(
        "A does not acknowledge the append while its backup does not have it",
        !put.isDone(),
        put.isDone() ? "A replied " + put.result() : "");

    run.say("A crashes");
    run.sim().crash(a);
    boolean replaced = run.cluster().awaitView(v -> v.viewNum() == 3, 5000);
    run.expect(
        "the backup B, which holds every acknowledged write, becomes primary",
        replaced && b.equals(run.cluster().view().primary()),
        "view service has " + run.cluster().view());
    run.sim().heal();
    run.sim().runUntil(put::isDone, 3000);
    run.expect(
        "c1's append completes through B, once",
        new Result.Value("ab").equals(put.result()),
        "got " + put.result());
    Result read = run.call(c2, new Command.Get("x"), 2000);
    run.expect(
        "every acknowledged write survives the crash: x=\"ab\"",
        new Result.Value("ab").equals(read),
        "got " + read);
  }
}
