package dev.pbkv.sim.scenario;

import static dev.pbkv.sim.Cluster.VIEW_SERVICE;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.ClientMessage.WrongServer;
import dev.pbkv.sim.OpHandle;
import java.util.List;

/**
 * The lecture's "one more corner case": the view service stops hearing from A while A, B and the
 * clients still talk. A client in view 2 writes to A; a client in view 3 writes to B before B has
 * heard of view 3. B, still A's backup in its own view, rejects the client (rule 4) and accepts A's
 * forward (rule 3) — which is safe, because B only serves as primary after it moved on.
 */
final class OneMoreCornerCase implements Scenario {
  @Override
  public String name() {
    return "one-more-corner-case";
  }

  @Override
  public String summary() {
    return "the view service stops hearing from A; a client in the old view writes to A, a client"
        + " in the new view writes to B before B has heard of it";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    Address c2 = run.cluster().addClient("c2");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    run.say("the view service stops hearing A's pings, and its replies to B are delayed");
    run.sim().cut(a, VIEW_SERVICE);
    run.sim().cut(VIEW_SERVICE, b);
    run.require(
        "the view service moves to view 3 (primary B)",
        run.cluster().awaitView(v -> v.viewNum() == 3 && b.equals(v.primary()), 5000),
        "view service has " + run.cluster().view());
    run.expect(
        "B has not heard of view 3 yet",
        run.server(b).view().viewNum() == 2,
        "B knows view " + run.server(b).view());

    long t = run.sim().nowMicros();
    OpHandle putY = run.submit(c2, new Command.Put("y", "2"));
    run.sim().runFor(150);
    run.expect(
        "B rejects c2's request: in its view 2 it is only the backup",
        !putY.isDone()
            && !run.sentSince(
                    t,
                    m ->
                        m.from().equals(b)
                            && m.to().equals(c2)
                            && m.message() instanceof WrongServer)
                .isEmpty(),
        putY.isDone() ? "B answered " + putY.result() : "");
    Result putX = run.call(c1, new Command.Put("x", "11"), 1000);
    run.expect(
        "c1's write in view 2 succeeds through A: B is still A's backup in view 2",
        Result.OK.equals(putX),
        "got " + putX);

    run.say("B hears of view 3");
    run.sim().heal();
    run.sim().runUntil(putY::isDone, 3000);
    run.expect(
        "c2's write completes once B is primary of view 3",
        Result.OK.equals(putY.result()),
        "got " + putY.result());
    long t2 = run.sim().nowMicros();
    Result putX2 = run.call(c1, new Command.Put("x", "12"), 3000);
    run.expect(
        "A acknowledges nothing once B has moved to view 3",
        run.repliesFrom(a, t2).isEmpty(),
        run.repliesFrom(a, t2).size() + " replies from A");
    run.expect("c1's next write completes through B", Result.OK.equals(putX2), "got " + putX2);
    Result x = run.call(c2, new Command.Get("x"), 2000);
    Result y = run.call(c2, new Command.Get("y"), 2000);
    run.expect(
        "no acknowledged write is lost: x=12 and y=2",
        new Result.Value("12").equals(x) && new Result.Value("2").equals(y),
        "got x=" + x + ", y=" + y);
  }
}
