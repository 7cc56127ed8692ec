package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * Duplicate writes: the reply to an append is lost, the system fails over twice, and the client
 * retries with the same sequence number. The at-most-once table travels with every state transfer,
 * so the retry gets the cached result instead of appending again.
 */
final class DuplicateWrites implements Scenario {
  @Override
  public String name() {
    return "duplicate-writes";
  }

  @Override
  public String summary() {
    return "a reply is lost, two failovers happen, and the client retries: is the append applied"
        + " twice?";
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

    run.say("replies from A to c1 are lost");
    run.sim().cut(a, c1);
    OpHandle append = run.submit(c1, new Command.Append("x", "a"));
    run.require(
        "A executes the append after B applied it",
        run.sim()
            .runUntil(
                () ->
                    "a".equals(run.server(a).valueOf("x"))
                        && "a".equals(run.server(b).valueOf("x")),
                2000),
        "");
    run.say("c1 is cut off while the system fails over twice");
    run.sim().isolate(c1);
    run.sim().crash(a);
    run.awaitView(3, b, c, 5000);
    run.sim().crash(b);
    run.awaitView(4, c, null, 5000);
    run.sim().heal();
    run.sim().runUntil(append::isDone, 3000);
    run.expect(
        "c1's retry gets the original result \"a\"",
        new Result.Value("a").equals(append.result()),
        "got " + append.result());
    Result read = run.call(c2, new Command.Get("x"), 2000);
    run.expect(
        "the append took effect exactly once: x=\"a\"",
        new Result.Value("a").equals(read),
        "got " + read);
  }
}
