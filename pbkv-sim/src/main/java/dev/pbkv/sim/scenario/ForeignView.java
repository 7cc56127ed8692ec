package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.List;

/**
 * Only the view service hands out views (docs/design.md §1): a stranger sends both servers a view
 * 99 in which the backup is primary. The servers must ignore it (and warn once), and keep serving
 * in the view service's view.
 */
final class ForeignView implements ViewServiceScenario {
  @Override
  public String name() {
    return "foreign-view";
  }

  @Override
  public String summary() {
    return "a process that is not the view service sends the servers a view: do they take it?";
  }

  @Override
  public String notInDebugger() {
    return "it adds a stranger node, which the debugger cannot start";
  }

  @Override
  public void script(ScenarioRun run) {
    List<Address> s = run.startCluster("A", "B");
    Address a = s.get(0);
    Address b = s.get(1);
    Address c1 = run.cluster().addClient("c1");
    run.awaitView(2, a, b, 3000);
    run.require("c1 puts k=v", Result.OK.equals(run.call(c1, new Command.Put("k", "v"), 2000)), "");

    View forged = new View(99, b, null, run.server(b).bootId(), 0);
    run.say("mallory, who is not the view service, sends A and B the view " + forged);
    run.sim()
        .addNode(
            Address.of("mallory"),
            incarnation ->
                new Node() {
                  @Override
                  public void init(Effects fx) {
                    fx.send(a, new ViewReply(forged));
                    fx.send(b, new ViewReply(forged));
                  }

                  @Override
                  public void onMessage(Address from, Message msg, Effects fx) {}

                  @Override
                  public void onTimer(Timer timer, Effects fx) {}
                });
    run.sim().runFor(500);
    long vsView = run.cluster().view().viewNum();
    run.expect(
        "neither server takes the forged view",
        run.server(a).view().viewNum() <= vsView && run.server(b).view().viewNum() <= vsView,
        "A holds " + run.server(a).view() + ", B holds " + run.server(b).view());
    run.expect("B does not become primary", !run.server(b).isPrimary(), "");
    Result put = run.call(c1, new Command.Put("k", "w"), 3000);
    Result got = run.call(c1, new Command.Get("k"), 3000);
    run.expect(
        "the cluster keeps serving in the view service's view",
        Result.OK.equals(put) && new Result.Value("w").equals(got),
        "put " + put + ", get " + got);
  }
}
