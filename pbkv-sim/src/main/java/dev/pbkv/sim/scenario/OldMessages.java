package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.ForwardReject;
import dev.pbkv.server.ReplicationMessage.Op;
import dev.pbkv.sim.SentMessage;
import java.util.List;

/**
 * Old messages: a forward from an early view, lost long ago, arrives when the same primary and
 * backup are together again in a later view. Rule 3 (the view must match) makes the backup refuse
 * it. The lecture's views 1:A,B 2:B,C 3:C,A 4:A,B are views 2–5 here, since view 1 of a fresh
 * cluster has no backup yet.
 */
final class OldMessages implements Scenario {
  @Override
  public String name() {
    return "old-messages";
  }

  @Override
  public String summary() {
    return "views A,B → B,C → C,A → A,B and a forward from the first one arrives in the last:"
        + " does the backup apply it?";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B", "C");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c = s.get(2);
    Address c1 = run.cluster().addClient("c1");
    Address c9 = run.cluster().addClient("c9");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    run.say("A's forwards to B are lost for a moment; c9 asks for put x=stale, then c9 goes away");
    run.sim().cut(a, b);
    run.submit(c9, new Command.Put("x", "stale"));
    run.sim().runFor(20);
    List<SentMessage> lost =
        run.sim()
            .sent(
                m ->
                    m.from().equals(a)
                        && m.to().equals(b)
                        && m.message() instanceof Forward f
                        && f.viewNum() == 2
                        && f.entries().stream()
                            .anyMatch(e -> e instanceof Op op && op.client().equals(c9)));
    run.require("A sent B a forward of view 2 holding c9's put", !lost.isEmpty(), "");
    SentMessage old = lost.get(0);
    run.sim().crash(c9);
    run.sim().crash(a);
    run.awaitView(3, b, c, 5000);
    run.sim().heal();

    run.sim().restart(a);
    run.sim().runFor(300);
    run.sim().crash(b);
    run.awaitView(4, c, a, 5000);
    run.sim().restart(b);
    run.sim().runFor(300);
    run.sim().crash(c);
    run.awaitView(5, a, b, 5000);
    run.require("c1 puts x=5", Result.OK.equals(run.call(c1, new Command.Put("x", "5"), 3000)), "");

    run.say("the forward A sent in view 2, lost long ago, arrives now, in view 5");
    long replayAt = run.sim().nowMicros();
    run.sim().replay(old);
    run.sim().runFor(100);
    run.expect(
        "B refuses the forward of view 2: its view is 5",
        !run.sentSince(
                replayAt,
                m ->
                    m.from().equals(b)
                        && m.message() instanceof ForwardReject r
                        && r.viewNum() == 2)
            .isEmpty());
    String atA = run.server(a).valueOf("x");
    String atB = run.server(b).valueOf("x");
    run.expect(
        "B's copy still equals A's: x=5 on both",
        "5".equals(atA) && "5".equals(atB),
        "A has x=" + atA + ", B has x=" + atB);

    run.say("A crashes; B takes over");
    run.sim().crash(a);
    run.awaitView(6, b, null, 5000);
    Result read = run.call(c1, new Command.Get("x"), 3000);
    run.expect(
        "after the failover x is still 5", new Result.Value("5").equals(read), "got " + read);
  }
}
