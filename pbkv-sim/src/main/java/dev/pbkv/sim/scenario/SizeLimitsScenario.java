package dev.pbkv.sim.scenario;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.SizeLimits;
import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.sim.Simulation;

/**
 * Size limits (issue 13 item 5, docs/design.md §10): the primary refuses a key or value over the
 * limit, and an append whose result would be, with an error: never executed, never forwarded. The
 * simulated client sends them anyway (the client library's own check is skipped here), as a client
 * that does not check would.
 */
final class SizeLimitsScenario implements Scenario {
  static final int MAX_VALUE = SizeLimits.DEFAULT_MAX_VALUE_BYTES;
  static final int MAX_KEY = SizeLimits.DEFAULT_MAX_KEY_BYTES;

  @Override
  public String name() {
    return "size-limits";
  }

  @Override
  public String summary() {
    return "a value, a key and an append over the size limits reach the primary: are they refused"
        + " before anything runs?";
  }

  @Override
  public void script(ScenarioRun run) {
    Address a = run.startCluster("A", "B").get(0);
    Address b = Address.of("B");
    run.awaitView(2, a, b, 3000);
    Address c1 = run.cluster().addClient("c1");
    long since = run.sim().nowMicros();

    Result big = run.cluster().call(c1, new Command.Put("big", "v".repeat(MAX_VALUE + 1)), 2000);
    run.say("A answers the put of " + Simulation.formatBytes(MAX_VALUE + 1) + ": " + big);
    run.expect(
        "A refuses the value over the limit with an error naming it",
        big instanceof Result.Error e
            && e.message() != null
            && e.message().contains("over the limit of " + SizeLimits.grouped(MAX_VALUE)),
        String.valueOf(big));

    Result key = run.cluster().call(c1, new Command.Put("k".repeat(MAX_KEY + 1), "v"), 2000);
    run.expect(
        "A refuses the key over the limit with an error naming it",
        key instanceof Result.Error e
            && e.message() != null
            && e.message().contains("key of " + SizeLimits.grouped(MAX_KEY + 1)),
        String.valueOf(key));

    Result fill = run.cluster().call(c1, new Command.Put("x", "a".repeat(MAX_VALUE - 10)), 2000);
    run.require(
        "c1 puts x, 10 bytes under the limit", Result.OK.equals(fill), String.valueOf(fill));
    Result grow = run.cluster().call(c1, new Command.Append("x", "b".repeat(11)), 2000);
    run.expect(
        "A refuses an append whose result would be over the limit",
        grow instanceof Result.Error e
            && e.message() != null
            && e.message().contains("would hold " + SizeLimits.grouped(MAX_VALUE + 1)),
        ScenarioRun.shorten(String.valueOf(grow)));
    Result fits = run.cluster().call(c1, new Command.Append("x", "b".repeat(10)), 2000);
    run.expect(
        "an append up to the limit is executed",
        fits instanceof Result.Value v && v.value() != null && v.value().length() == MAX_VALUE,
        fits == null ? "no answer" : fits.getClass().getSimpleName());

    long forwardedOver =
        run.sentSince(
                since,
                m ->
                    m.message() instanceof Forward f
                        && f.entries().stream()
                            .anyMatch(
                                e ->
                                    e instanceof dev.pbkv.server.ReplicationMessage.Op op
                                        && SizeLimits.DEFAULTS.check(op.command()) != null))
            .size();
    run.expect(
        "nothing over a limit was forwarded to B", forwardedOver == 0, forwardedOver + " forwards");
    run.expect(
        "no replica holds a value over the limit",
        run.server(a).valueOf("big") == null
            && run.server(b).valueOf("big") == null
            && run.server(a).valueOf("x").length() <= MAX_VALUE
            && run.server(b).valueOf("x").length() <= MAX_VALUE,
        "A's big = "
            + (run.server(a).valueOf("big") == null ? "absent" : "present")
            + ", x is "
            + run.server(a).valueOf("x").length()
            + " bytes");
  }
}
