package dev.pbkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.ClientMessage.Request;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.Op;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ReplicationMessage.Sweep;
import dev.pbkv.server.ServerTimer.SweepTick;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Session expiry across real {@link PbServer}s wired by hand: the primary decides each sweep, the
 * backup applies it at the same log index, and both drop the same sessions. Messages between
 * servers are delivered at once, in order; everything else is recorded.
 */
class SessionExpiryTest {
  private static final Address VS = Address.of("vs");
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");
  private static final Address C1 = Address.of("client1");
  private static final Address C2 = Address.of("client2");
  private static final ServerConfig CONFIG =
      ServerConfig.defaults().withSessionExpiryMillis(4_000); // a sweep every 1 s

  private record InFlight(Address from, Address to, Message msg) {}

  private final Map<Address, PbServer> servers = new LinkedHashMap<>();
  private final Map<Address, List<RecordingEffects.TimerSet>> timers = new LinkedHashMap<>();
  private final ArrayDeque<InFlight> network = new ArrayDeque<>();
  private final List<InFlight> delivered = new ArrayList<>();
  private final List<InFlight> toOthers = new ArrayList<>();

  // --- a tiny network -------------------------------------------------------------------------

  private PbServer start(Address self, ServerConfig config) {
    PbServer s = new PbServer(self, VS, 1, config);
    servers.put(self, s);
    timers.put(self, new ArrayList<>());
    on(self, s::init);
    return s;
  }

  /** Runs {@code handler} at {@code at}, then delivers everything it and its effects send. */
  private void on(Address at, Consumer<RecordingEffects> handler) {
    RecordingEffects fx = new RecordingEffects();
    handler.accept(fx);
    for (RecordingEffects.Sent s : fx.sent()) {
      network.add(new InFlight(at, s.to(), s.msg()));
    }
    timers.get(at).addAll(fx.timers());
    while (!network.isEmpty()) {
      InFlight m = network.poll();
      PbServer to = servers.get(m.to());
      if (to == null) {
        toOthers.add(m);
        continue;
      }
      delivered.add(m);
      RecordingEffects next = new RecordingEffects();
      to.onMessage(m.from(), m.msg(), next);
      for (RecordingEffects.Sent s : next.sent()) {
        network.add(new InFlight(m.to(), s.to(), s.msg()));
      }
      timers.get(m.to()).addAll(next.timers());
    }
  }

  private void learn(View view, Address... at) {
    for (Address a : at) {
      on(a, fx -> servers.get(a).onMessage(VS, new ViewReply(view), fx));
    }
  }

  private void request(Address client, long seq, Command command) {
    Address primary = primary();
    on(primary, fx -> servers.get(primary).onMessage(client, new Request(seq, command, 0), fx));
  }

  private Address primary() {
    for (PbServer s : servers.values()) {
      if (s.isServing()) {
        return s.address();
      }
    }
    throw new AssertionError("no serving primary among " + servers.values());
  }

  /** Fires the newest sweep timer {@code at} set, as if its interval had passed. */
  private void fireSweep(Address at) {
    SweepTick tick = newestSweepTick(at);
    on(at, fx -> servers.get(at).onTimer(tick, fx));
  }

  private SweepTick newestSweepTick(Address at) {
    List<RecordingEffects.TimerSet> ts = timers.get(at);
    for (int i = ts.size() - 1; i >= 0; i--) {
      if (ts.get(i).timer() instanceof SweepTick t) {
        assertThat(ts.get(i).minMillis()).isEqualTo(1_000);
        return t;
      }
    }
    throw new AssertionError(at + " has set no sweep timer");
  }

  private List<Reply> repliesTo(Address client) {
    List<Reply> out = new ArrayList<>();
    for (InFlight m : toOthers) {
      if (m.to().equals(client) && m.msg() instanceof Reply r) {
        out.add(r);
      }
    }
    return out;
  }

  private long sweepsForwarded() {
    return delivered.stream()
        .filter(m -> m.msg() instanceof Forward)
        .flatMap(m -> ((Forward) m.msg()).entries().stream())
        .filter(e -> e instanceof Sweep)
        .count();
  }

  /** View 1 = (A, B): A serving, B holding the state. */
  private void servingPair() {
    start(A, CONFIG);
    start(B, CONFIG);
    learn(new View(1, A, B), B, A);
    assertThat(servers.get(A).isServing()).isTrue();
    assertThat(servers.get(B).hasInstalledState()).isTrue();
  }

  private void assertReplicasAgree(Address primary, Address backup) {
    Snapshot p = servers.get(primary).stateSnapshot();
    assertThat(servers.get(backup).stateSnapshot()).isEqualTo(p);
  }

  // --- tests ----------------------------------------------------------------------------------

  @Test
  void when_thePrimarySweeps_then_theBackupAppliesTheSameSweep_andBothDropTheSameSessions() {
    servingPair();
    request(C1, 1, new Command.Put("k", "1"));
    fireSweep(A);
    fireSweep(A);
    request(C2, 1, new Command.Put("k", "2"));

    for (int sweep = 3; sweep <= 7; sweep++) {
      fireSweep(A);
      assertReplicasAgree(A, B);
      assertThat(servers.get(A).stateSnapshot().sweeps()).isEqualTo(sweep);
      assertThat(servers.get(A).stateSnapshot().sessions().keySet())
          .as("after sweep %d", sweep)
          .isEqualTo(
              sweep < 5
                  ? java.util.Set.of("client1", "client2")
                  : sweep < 7 ? java.util.Set.of("client2") : java.util.Set.of());
    }
    assertThat(sweepsForwarded()).isEqualTo(7);
    assertThat(servers.get(B).valueOf("k")).isEqualTo("2");
  }

  @Test
  void when_aSessionWroteWithinTheExpiry_then_aRetryIsAnsweredFromTheCache_withoutAForward() {
    servingPair();
    request(C1, 1, new Command.Append("k", "a"));
    for (int i = 0; i < 4; i++) {
      fireSweep(A);
    }
    int forwards = delivered.size();

    request(C1, 1, new Command.Append("k", "a"));

    assertThat(repliesTo(C1))
        .containsExactly(new Reply(1, new Result.Value("a")), new Reply(1, new Result.Value("a")));
    assertThat(delivered).as("answered from the cache, nothing forwarded").hasSize(forwards);

    fireSweep(A); // the fifth: the session is gone; a retry now would execute again
    assertThat(servers.get(A).sessionCount()).isZero();
    assertThat(servers.get(B).sessionCount()).isZero();
  }

  @Test
  void when_theBackupTakesOver_then_itKeepsSweeping_andTheTransferCarriesTheSweepCount() {
    servingPair();
    start(C, CONFIG);
    request(C1, 1, new Command.Put("k", "1"));
    for (int i = 0; i < 3; i++) {
      fireSweep(A);
    }
    SweepTick oldTick = newestSweepTick(A);

    servers.remove(A); // A dies; view 2 = (B, C)
    learn(new View(2, B, C), C, B);

    StateTransfer chunk0 =
        delivered.stream()
            .filter(m -> m.msg() instanceof StateTransfer t && t.viewNum() == 2)
            .map(m -> (StateTransfer) m.msg())
            .findFirst()
            .orElseThrow();
    assertThat(chunk0.sweeps()).isEqualTo(3);
    assertThat(servers.get(B).isServing()).isTrue();
    assertReplicasAgree(B, C);
    assertThat(newestSweepTick(B)).isEqualTo(new SweepTick(2));
    assertThat(oldTick).isEqualTo(new SweepTick(1));

    fireSweep(B);
    assertThat(servers.get(B).sessionCount()).isEqualTo(1);
    fireSweep(B);
    assertThat(servers.get(B).sessionCount()).as("5 sweeps since the write").isZero();
    assertReplicasAgree(B, C);
    assertThat(servers.get(C).stateSnapshot().sweeps()).isEqualTo(5);
  }

  @Test
  void when_aSweepTickIsFromAnEarlierTermAsPrimary_then_itIsIgnored() {
    servingPair();
    SweepTick tick = newestSweepTick(A);
    learn(new View(2, B, A), B, A); // A is backup now

    int before = delivered.size() + toOthers.size();
    RecordingEffects fx = new RecordingEffects();
    servers.get(A).onTimer(tick, fx);
    assertThat(fx.sent()).isEmpty();
    assertThat(fx.timers()).isEmpty();
    fx.clear();
    servers.get(B).onTimer(tick, fx); // B's term began in view 2
    assertThat(fx.sent()).isEmpty();
    assertThat(fx.timers()).isEmpty();
    assertThat(delivered.size() + toOthers.size()).isEqualTo(before);
  }

  @Test
  void when_aSweepIsDueDuringAStateTransfer_then_itWaitsInTheLog_untilTheBackupHasTheState() {
    start(A, CONFIG);
    learn(new View(1, A, B), A); // B is not up yet: the transfer stays unacknowledged

    fireSweep(A);
    fireSweep(A);

    assertThat(servers.get(A).queuedOps()).as("one sweep waits, not two").isEqualTo(1);
    assertThat(servers.get(A).stateSnapshot().sweeps()).as("rule 5: not executed").isZero();
    assertThat(toOthers).noneMatch(m -> m.msg() instanceof Forward);

    start(B, CONFIG);
    learn(new View(1, A, B), B);
    StateTransfer chunk =
        (StateTransfer)
            toOthers.stream()
                .filter(m -> m.msg() instanceof StateTransfer)
                .findFirst()
                .orElseThrow()
                .msg();
    on(B, f -> servers.get(B).onMessage(A, chunk, f));

    assertThat(servers.get(A).isServing()).isTrue();
    assertThat(sweepsForwarded()).isEqualTo(1);
    assertReplicasAgree(A, B);
    assertThat(servers.get(B).stateSnapshot().sweeps()).isEqualTo(1);
  }

  @Test
  void when_sessionsNeverExpire_then_noSweepTimerIsArmed_andTheTableKeepsEverySession() {
    start(A, ServerConfig.defaults().withSessionExpiryMillis(0));
    start(B, ServerConfig.defaults().withSessionExpiryMillis(0));
    learn(new View(1, A, B), B, A);
    request(C1, 1, new Command.Put("k", "1"));

    assertThat(timers.get(A)).noneMatch(t -> t.timer() instanceof SweepTick);
    assertThat(servers.get(A).sessionCount()).isEqualTo(1);
    assertThat(delivered)
        .filteredOn(m -> m.msg() instanceof Forward)
        .allMatch(m -> ((Forward) m.msg()).entries().stream().allMatch(e -> e instanceof Op));
  }
}
