package dev.pbkv.sim.scenario;

import static dev.pbkv.sim.Cluster.VIEW_SERVICE;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.ForwardReject;
import java.util.List;

/**
 * Split brain: A is cut off from the view service, which makes B primary; A still believes it is
 * primary, but B refuses its forwards (rule 3), so A can complete nothing.
 */
final class SplitBrain implements Scenario {
  @Override
  public String name() {
    return "split-brain";
  }

  @Override
  public String summary() {
    return "A is cut from the view service, which makes B primary and C backup, while A still"
        + " thinks it is primary: can A and B both serve?";
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

    run.say("A is cut off from the view service; A, B and the clients still talk to each other");
    run.sim().disconnect(a, VIEW_SERVICE);
    long cutAt = run.sim().nowMicros();
    run.awaitView(3, b, c, 5000);
    run.expect(
        "A still believes it is primary of view 2",
        run.server(a).view().viewNum() == 2 && run.server(a).isPrimary(),
        "A knows view " + run.server(a).view());

    Result put = run.call(c1, new Command.Put("x", "2"), 3000);
    run.expect(
        "A answers no client once it has been replaced",
        run.repliesFrom(a, cutAt).isEmpty(),
        run.repliesFrom(a, cutAt).size() + " replies from A");
    run.expect(
        "B refuses A's forwards of view 2",
        !run.sentSince(
                cutAt,
                m -> m.from().equals(b) && m.to().equals(a) && m.message() instanceof ForwardReject)
            .isEmpty());
    run.expect("c1's put completes through the new primary B", Result.OK.equals(put), "got " + put);
    Result read = run.call(c2, new Command.Get("x"), 2000);
    run.expect("a read afterwards sees x=2", new Result.Value("2").equals(read), "got " + read);
  }
}
