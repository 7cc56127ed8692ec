package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.sim.OpHandle;

/**
 * State transfer interleaving with an op: a client write arrives while the primary is sending its
 * state to a new backup. Rule 5 (every op is before or after the transfer) holds the write until
 * the backup has the state, then forwards it.
 */
final class TransferInterleaving implements Scenario {
  @Override
  public String name() {
    return "transfer-interleaving";
  }

  @Override
  public String summary() {
    return "a write arrives while the primary transfers its state to a new backup:"
        + " is it in the backup's state?";
  }

  @Override
  public void script(ScenarioRun run) {
    Address a = run.startCluster("A").get(0);
    Address c1 = run.cluster().addClient("c1");
    Address c2 = run.cluster().addClient("c2");
    run.awaitView(1, a, null, 3000);
    run.require("c1 puts x=1", Result.OK.equals(run.call(c1, new Command.Put("x", "1"), 2000)), "");

    Address b = Address.of("B");
    run.say("B starts; the link A→B is slow, so A's state transfer to B takes a while");
    run.sim().cut(a, b);
    run.cluster().startServer("B");
    run.require(
        "view 2 (A, B) is formed",
        run.cluster().awaitView(v -> v.viewNum() == 2 && b.equals(v.backup()), 3000),
        "view service has " + run.cluster().view());
    run.require(
        "A has learned view 2 and is transferring its state to B",
        run.sim()
            .runUntil(
                () -> run.server(a).view().viewNum() == 2 && !run.server(a).isServing(), 1000),
        "A knows view " + run.server(a).view());
    OpHandle put = run.submit(c1, new Command.Put("x", "2"));
    run.sim().runFor(200);
    run.expect(
        "A does not execute the put while its state transfer is outstanding",
        !put.isDone() && "1".equals(run.server(a).valueOf("x")),
        "A has x="
            + run.server(a).valueOf("x")
            + (put.isDone() ? ", replied " + put.result() : ""));

    run.sim().heal();
    run.require(
        "A finishes the state transfer and serves view 2",
        run.sim().runUntil(() -> run.server(a).isServing(), 2000),
        "");
    run.sim().runUntil(put::isDone, 2000);
    run.expect(
        "after the transfer the put completes",
        Result.OK.equals(put.result()),
        "got " + put.result());
    run.expect(
        "B has the put too",
        "2".equals(run.server(b).valueOf("x")),
        "B has x=" + run.server(b).valueOf("x"));

    run.say("A crashes; B takes over");
    run.sim().crash(a);
    run.awaitView(3, b, null, 5000);
    Result read = run.call(c2, new Command.Get("x"), 2000);
    run.expect("the new primary B has x=2", new Result.Value("2").equals(read), "got " + read);
  }
}
