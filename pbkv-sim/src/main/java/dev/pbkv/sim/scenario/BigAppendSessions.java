package dev.pbkv.sim.scenario;

import dev.pbkv.kv.AmoEntry;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.sim.OpHandle;
import dev.pbkv.sim.SentMessage;
import dev.pbkv.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 13, the at-most-once table that made a transfer impossible, scaled down: one key of 256 KiB
 * appended once by each of 70 sessions. Every append's result is the key's whole new value; a table
 * that cached them whole held 70 values for one (17.5 MiB here, 70 MiB for the 1 MiB key)
 * and sent all of it in chunk 0 (74 MB there, over the 64 MiB frame limit). Now the table keeps a
 * digest of a large append result and streams after the data, so no chunk carries more than the
 * chunk size plus one entry, and a retry still gets the whole new value.
 */
final class BigAppendSessions implements Scenario {
  static final int SESSIONS = 70;
  static final int VALUE_BYTES = 256 * 1024;

  @Override
  public String name() {
    return "big-append-sessions";
  }

  @Override
  public String summary() {
    return "70 sessions append to one 256 KiB key: does the at-most-once table stay small, and does"
        + " the state transfer stay in chunks of its bound?";
  }

  @Override
  public String notInDebugger() {
    return "it re-delivers a client's request to another server than the one it was sent to, which"
        + " a debugger plan cannot express, and its 70 values of 256 KiB make every step slow";
  }

  @Override
  public void script(ScenarioRun run) {
    Address a = run.startCluster("A").get(0);
    run.awaitView(1, a, null, 3000);
    Address c0 = run.cluster().addClient("c0");
    Result put = run.cluster().call(c0, new Command.Put("k", "x".repeat(VALUE_BYTES)), 2000);
    run.require("c0 puts k (256 KiB)", Result.OK.equals(put), String.valueOf(put));
    List<Address> clients = new ArrayList<>();
    List<OpHandle> appends = new ArrayList<>();
    for (int i = 1; i <= SESSIONS; i++) {
      Address c = run.cluster().addClient(String.format("c%02d", i));
      clients.add(c);
      appends.add(run.cluster().submit(c, new Command.Append("k", "y")));
    }
    run.sim().runUntil(() -> appends.stream().allMatch(OpHandle::isDone), 5000);
    run.say(SESSIONS + " sessions each append one byte to k: every result is k's whole new value");
    java.util.Set<Integer> lengths = new java.util.TreeSet<>();
    for (OpHandle h : appends) {
      if (h.isDone() && h.result() instanceof Result.Value v && v.value() != null) {
        lengths.add(v.value().length());
      }
    }
    boolean whole =
        lengths.size() == SESSIONS
            && lengths.iterator().next() == VALUE_BYTES + 1
            && ((java.util.TreeSet<Integer>) lengths).last() == VALUE_BYTES + SESSIONS;
    run.expect("every append returns the new value, whole", whole);
    long tableBytes = run.server(a).amoTableBytes();
    run.say("A's at-most-once table holds " + Simulation.formatBytes(tableBytes));
    run.expect(
        "the at-most-once table holds at most 1 KiB per session, not the values",
        tableBytes <= (SESSIONS + 1) * 1024L,
        Simulation.formatBytes(tableBytes) + " for " + (SESSIONS + 1) + " sessions");

    long since = run.sim().nowMicros();
    run.say("B starts: A transfers the store and the table to it");
    Address b = run.cluster().startServer("B");
    run.awaitView(2, a, b, 10_000);
    List<SentMessage> chunks = run.sentSince(since, m -> m.message() instanceof StateTransfer);
    long largest = 0;
    long largestSessions = 0;
    for (SentMessage m : chunks) {
      largest = Math.max(largest, m.message().sizeBytes());
      largestSessions = Math.max(largestSessions, ((StateTransfer) m.message()).sessions().size());
    }
    long chunkBytes = run.cluster().server(a).config().transferChunkBytes();
    long bound = chunkBytes + VALUE_BYTES + SESSIONS + 4096; // the chunk size plus one entry
    run.say(
        "the transfer took "
            + chunks.size()
            + " chunk messages; the largest is "
            + Simulation.formatBytes(largest)
            + " and carries "
            + largestSessions
            + " sessions");
    run.expect(
        "no chunk carries more than the chunk size plus one entry ("
            + Simulation.formatBytes(bound)
            + ")",
        largest <= bound,
        Simulation.formatBytes(largest));
    Map<String, AmoEntry> table = run.server(a).stateSnapshot().sessions();
    run.expect(
        "B holds A's data and table",
        run.server(b).stateSnapshot().equals(run.server(a).stateSnapshot()),
        "B has " + run.server(b).sessionCount() + " sessions of " + table.size());

    // A dies; B, holding the table it got in chunks, answers a retry of c01's append.
    run.cluster().sim().crash(a);
    run.say("A crashes; B takes over with the table it received in chunks");
    run.cluster().awaitView(v -> b.equals(v.primary()), 10_000);
    run.sim().runUntil(() -> run.server(b).isServing(), 5000);
    long retried = run.sim().nowMicros();
    SentMessage request =
        run.sentSince(
                0,
                m ->
                    m.from().equals(clients.get(0))
                        && m.message() instanceof dev.pbkv.server.ClientMessage.Request)
            .get(0);
    run.sim()
        .replay(
            new SentMessage(
                request.id(), request.sentMicros(), request.from(), b, request.message()));
    run.sim().runFor(50);
    List<SentMessage> replies = run.repliesFrom(b, retried);
    Result again =
        replies.isEmpty()
            ? null
            : ((dev.pbkv.server.ClientMessage.Reply) replies.get(0).message()).result();
    run.expect(
        "a retry of c01's append at B is answered with its result, the value as it was after it",
        again instanceof Result.Value v
            && v.value() != null
            && v.value().equals(((Result.Value) appends.get(0).result()).value()),
        again == null ? "no reply" : ScenarioRun.shorten(String.valueOf(again)));
    String k = run.server(b).valueOf("k");
    run.expect(
        "k holds the value and one byte from each session, once",
        k != null && k.length() == VALUE_BYTES + SESSIONS && k.endsWith("y".repeat(SESSIONS)),
        k == null ? "absent" : k.length() + " bytes");
  }
}
