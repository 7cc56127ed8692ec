package dev.pbkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.ClientMessage.Request;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ServerTimer.PingTick;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Restart safety, end to end on a tiny hand-driven network (view service + servers, FIFO delivery,
 * timers fired by hand): a primary restarts while the view service is stuck on it (docs/design.md
 * §2: no backup, or the view not acked yet). The view service keeps reporting the view as stuck,
 * and the restarted server must not take the view for its own: it may not send its empty store to
 * the backup as the view's state, and it may not serve clients from it (a write acknowledged before
 * the restart would be lost). Views name server incarnations (boot ids) for exactly this.
 *
 * <p>Both tests failed on the address-only views of an earlier version of pbkv-core (the restarted
 * server believed it was primary, transferred an empty snapshot and answered {@code get k} with
 * "absent" after {@code put k v} had been acknowledged).
 */
class RestartedPrimarySafetyTest {
  private static final Address VS = Address.of("vs");
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address WRITER = Address.of("writer");
  private static final Address READER = Address.of("reader");

  private record Envelope(Address from, Address to, Message msg) {}

  private final TreeMap<Address, Node> nodes = new TreeMap<>();
  private final ArrayDeque<Envelope> network = new ArrayDeque<>();
  private final List<Envelope> toClients = new ArrayList<>();
  private final ViewServer viewService = new ViewServer(new ViewServiceConfig(100, 5, Set.of()));

  private Effects effectsOf(Address self) {
    return new Effects() {
      @Override
      public void send(Address to, Message msg) {
        network.add(new Envelope(self, to, msg));
      }

      @Override
      public void setTimer(Timer timer, long minMillis, long maxMillis) {
        // timers are fired by hand
      }
    };
  }

  private PbServer boot(Address self, long bootId) {
    PbServer s = new PbServer(self, VS, bootId, ServerConfig.defaults());
    nodes.put(self, s);
    s.init(effectsOf(self));
    return s;
  }

  private void fire(Address self, Timer timer) {
    nodes.get(self).onTimer(timer, effectsOf(self));
  }

  private void send(Address from, Address to, Message msg) {
    network.add(new Envelope(from, to, msg));
  }

  /** Delivers everything in FIFO order, dropping what {@code lost} matches, until quiet. */
  private void run(Predicate<Envelope> lost) {
    int steps = 0;
    while (!network.isEmpty()) {
      assertThat(++steps).as("the network must go quiet").isLessThan(10_000);
      Envelope e = network.poll();
      if (lost.test(e)) {
        continue;
      }
      Node target = nodes.get(e.to());
      if (target == null) {
        toClients.add(e);
      } else {
        target.onMessage(e.from(), e.msg(), effectsOf(e.to()));
      }
    }
  }

  private void run() {
    run(e -> false);
  }

  private List<Result> resultsFor(Address client) {
    List<Result> out = new ArrayList<>();
    for (Envelope e : toClients) {
      if (e.to().equals(client) && e.msg() instanceof Reply reply) {
        out.add(reply.result());
      }
    }
    return out;
  }

  @Test
  void when_primaryWithoutBackupRestarts_then_itDoesNotServeItsEmptyStore() {
    nodes.put(VS, viewService);
    boot(A, 1);
    run();
    assertThat(viewService.view()).isEqualTo(new View(1, A, null));
    assertThat(viewService.isAcked()).isTrue();
    send(WRITER, A, new Request(1, new Command.Put("k", "v"), 1));
    run();
    assertThat(resultsFor(WRITER)).containsExactly(Result.OK);

    PbServer restarted = boot(A, 2); // crash + restart: the store is gone
    run();

    assertThat(viewService.progressProblem())
        .as("the view service knows the cluster is stuck")
        .contains("restarted and lost its state")
        .contains("no backup to promote");

    send(READER, A, new Request(1, new Command.Get("k"), 1));
    run();

    assertThat(resultsFor(READER))
        .as("a read after an acknowledged put must see it, or get no answer (stuck)")
        .allSatisfy(r -> assertThat(r).isEqualTo(new Result.Value("v")));
    assertThat(restarted.isServing()).isFalse();
  }

  @Test
  void when_primaryOfAnUnackedViewRestarts_then_itDoesNotInstallItsEmptyStateOnTheBackup() {
    nodes.put(VS, viewService);
    boot(A, 1);
    run();
    send(WRITER, A, new Request(1, new Command.Put("k", "v"), 1));
    run();
    assertThat(resultsFor(WRITER)).containsExactly(Result.OK);

    PbServer b = boot(B, 1);
    run();
    assertThat(viewService.view()).isEqualTo(new View(2, A, B));
    fire(A, new PingTick()); // A learns view 2 and starts the transfer to B...
    run(e -> e.msg() instanceof StateTransfer); // ...which is lost

    PbServer restarted = boot(A, 2); // A crashes and restarts before any retry
    run();

    assertThat(viewService.view()).as("stuck, as designed").isEqualTo(new View(2, A, B));
    assertThat(viewService.isAcked()).isFalse();
    assertThat(b.hasInstalledState())
        .as("the backup must not have been given an empty store as view 2's state")
        .isFalse();

    send(READER, A, new Request(1, new Command.Get("k"), 2));
    run();

    assertThat(resultsFor(READER))
        .as("a read after an acknowledged put must see it, or get no answer (stuck)")
        .allSatisfy(r -> assertThat(r).isEqualTo(new Result.Value("v")));
    assertThat(restarted.isServing()).isFalse();
  }
}
