package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.ClientMessage.WrongServer;
import java.util.List;

/**
 * Inconsistencies from an outdated client: a client still in an old view sends to a server that is
 * now the backup. Rule 4 (a non-primary rejects clients) makes it retry at the primary.
 */
final class OutdatedClient implements Scenario {
  @Override
  public String name() {
    return "outdated-client";
  }

  @Override
  public String summary() {
    return "a client with an old view writes to a server that is now backup: does it execute?";
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

    run.say("A crashes and comes back; then C crashes, so A becomes B's backup");
    run.sim().crash(a);
    run.awaitView(3, b, c, 5000);
    run.sim().restart(a);
    run.sim().runFor(200);
    run.sim().crash(c);
    run.awaitView(4, b, a, 5000);

    run.say("c1 still believes view 2, in which A was primary");
    long t = run.sim().nowMicros();
    Result put = run.call(c1, new Command.Put("x", "2"), 3000);
    run.expect(
        "A, now backup, rejects c1 with WRONG_SERVER",
        !run.sentSince(t, m -> m.from().equals(a) && m.message() instanceof WrongServer).isEmpty());
    run.expect(
        "A executes nothing for c1",
        run.repliesFrom(a, t).isEmpty(),
        run.repliesFrom(a, t).size() + " replies from A");
    run.expect("c1's put completes through B", Result.OK.equals(put), "got " + put);
    Result read = run.call(c2, new Command.Get("x"), 2000);
    run.expect("a read afterwards sees x=2", new Result.Value("2").equals(read), "got " + read);
  }
}
