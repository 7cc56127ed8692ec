package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * Missing writes, the backup's side: one forward is lost and the next one arrives. The backup
 * applies forwards strictly in index order and acknowledges only the contiguous prefix (rule 2 at
 * the backup), so the primary cannot reply to either op until the gap is filled.
 */
final class LostForward implements Scenario {
  @Override
  public String name() {
    return "lost-forward";
  }

  @Override
  public String summary() {
    return "one forward is lost and the next arrives, then the primary crashes: may the backup"
        + " acknowledge past the gap?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c = s.get(2);
    Address c1 = run.cluster().addClient("c1");
    Address c2 = run.cluster().addClient("c2");
    Address c3 = run.cluster().addClient("c3");
    run.awaitView(2, a, b, 3000);
    run.require(
        "c1 and c2 know the view",
        new Result.Value(null).equals(run.call(c1, new Command.Get("x"), 2000))
            && new Result.Value(null).equals(run.call(c2, new Command.Get("x"), 2000)),
        "");

    run.say("the forward of c1's append is lost on its way to B; the next forward arrives");
    run.sim().cut(a, b);
    long t = run.sim().nowMicros();
    OpHandle first = run.submit(c1, new Command.Append("x", "1;"));
    run.require(
        "A forwards c1's append",
        run.sim()
            .runUntil(
                () ->
                    !run.sentSince(t, m -> m.from().equals(a) && m.message() instanceof Forward)
                        .isEmpty(),
                100),
        "");
    run.sim().runFor(6); // longer than any network delay: that forward is gone
    run.sim().heal();
    OpHandle second = run.submit(c2, new Command.Append("x", "2;"));
    run.sim().runFor(15);
    run.expect(
        "A acknowledges neither append: B has not applied the first, so not the second either",
        !first.isDone() && !second.isDone(),
        (first.isDone() ? "c1 got " + first.result() + " " : "")
            + (second.isDone() ? "c2 got " + second.result() : ""));

    run.say("A crashes before it re-sends the lost forward");
    run.sim().crash(a);
    run.awaitView(3, b, c, 5000);
    run.sim().runUntil(() -> first.isDone() && second.isDone(), 3000);
    run.expect("both appends complete through B", first.isDone() && second.isDone(), "");
    Result read = run.call(c3, new Command.Get("x"), 2000);
    String value = read instanceof Result.Value v && v.value() != null ? v.value() : "";
    run.expect(
        "x holds both appends, once each",
        value.length() == 4 && value.contains("1;") && value.contains("2;"),
        "got " + read);
  }
}
