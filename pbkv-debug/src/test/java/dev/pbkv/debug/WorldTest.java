package dev.pbkv.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.client.PbClient;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.trace.TraceEvent.Kind;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The debugger's steps on real nodes: what each action does to the state, and what it refuses. */
class WorldTest {
  static final Address VS = Address.of("vs");
  static final Address A = Address.of("A");
  static final Address C1 = Address.of("c1");

  static Cast cast() {
    return new Cast(
        List.of(
            new Cast.Member(
                VS, Cast.Role.VIEW_SERVICE, boot -> new ViewServer(ViewServiceConfig.defaults())),
            new Cast.Member(
                A, Cast.Role.SERVER, boot -> new PbServer(A, VS, boot, ServerConfig.defaults())),
            new Cast.Member(
                C1,
                Cast.Role.CLIENT,
                boot -> new DebugClient(new PbClient(C1, VS, ClientConfig.defaults())))));
  }

  /** vs, A and c1 started; A's first ping in flight. */
  static World started() {
    World w = World.empty(cast());
    for (Address a : List.of(VS, A, C1)) {
      w = w.apply(new Action.Start(a));
    }
    return w;
  }

  @Test
  void when_aMessageIsDelivered_then_itIsConsumedAndTheReceiverHandlesIt() {
    World w = started();
    assertThat(w.inFlight()).containsOnlyKeys(1L);
    assertThat(w.sent(1).envelope().toString()).isEqualTo("A -> vs: Ping[viewNum=0, bootId=1]");
    World next = w.apply(new Action.Deliver(1));
    assertThat(next.inFlight()).doesNotContainKey(1L).containsKey(2L); // the view reply
    assertThat(((ViewServer) next.node(VS)).view().viewNum()).isEqualTo(1);
    assertThat(((ViewServer) w.node(VS)).view().viewNum())
        .as("the earlier state is untouched")
        .isZero();
    assertThat(next.stepEvents())
        .extracting(e -> e.kind())
        .contains(Kind.RECEIVE, Kind.SEND, Kind.VIEW);
    assertThat(next.lamport(VS)).isGreaterThan(w.lamport(A));
    assertThatThrownBy(() -> next.apply(new Action.Deliver(1)))
        .hasMessageContaining("not in flight");
  }

  @Test
  void when_aMessageIsDuplicated_then_itArrivesTwiceFromOneSend() {
    World w = started().apply(new Action.Duplicate(1));
    assertThat(w.inFlight()).containsEntry(1L, 2);
    w = w.apply(new Action.Deliver(1)).apply(new Action.Deliver(1));
    assertThat(w.trace())
        .filteredOn(e -> "m1".equals(e.messageId()) && e.kind() == Kind.RECEIVE)
        .hasSize(2);
    assertThat(w.trace())
        .filteredOn(e -> "m1".equals(e.messageId()) && e.kind() == Kind.SEND)
        .hasSize(1);
  }

  @Test
  void when_aMessageIsDropped_then_itIsLostAndDrawnFromItsSend_andBothEndsHearOfTheLoss() {
    World w = started().apply(new Action.Drop(1));
    assertThat(w.inFlight()).isEmpty();
    assertThat(w.stepEvents()).hasSize(3);
    assertThat(w.stepEvents().get(0))
        .satisfies(
            e -> {
              assertThat(e.kind()).isEqualTo(Kind.DROP);
              assertThat(e.node()).isEqualTo("A");
              assertThat(e.peer()).isEqualTo("vs");
            });
    // as in the simulator: the sender first, then the receiver (Node.onConnectionReset)
    assertThat(w.stepEvents().subList(1, 3))
        .extracting(e -> e.node() + " " + e.kind() + " " + e.label())
        .containsExactly("A NOTE loss report", "vs NOTE loss report");
  }

  @Test
  void when_aMessageToAPausedNodeIsDropped_then_itHearsOfTheLossWhenItResumes() {
    World w = started().apply(new Action.Pause(VS)).apply(new Action.Drop(1));
    assertThat(w.stepEvents())
        .filteredOn(e -> e.kind() == Kind.NOTE)
        .extracting(e -> e.node())
        .containsExactly("A");
    w = w.apply(new Action.Resume(VS));
    assertThat(w.stepEvents())
        .extracting(e -> e.node() + " " + e.kind())
        .containsExactly("vs RESUME", "vs NOTE");
  }

  @Test
  void when_aMessageToACrashedNodeIsDropped_then_onlyTheSenderHearsOfTheLoss() {
    World w = started().apply(new Action.Crash(VS)).apply(new Action.Drop(1));
    assertThat(w.stepEvents())
        .extracting(e -> e.node() + " " + e.kind())
        .containsExactly("A DROP", "A NOTE");
  }

  @Test
  void when_aLinkIsCut_then_itsMessagesCanOnlyBeDroppedUntilHealed() {
    World w = started().apply(new Action.Links(Set.of(new Action.Link(A, VS))));
    assertThat(w.refusal(new Action.Deliver(1))).contains("cut");
    assertThat(w.refusal(new Action.Drop(1))).isNull();
    assertThat(w.apply(new Action.Links(Set.of())).refusal(new Action.Deliver(1))).isNull();
  }

  @Test
  void when_aNodeIsPaused_then_itHandlesNothingUntilResumed() {
    World w = started().apply(new Action.Pause(VS));
    assertThat(w.refusal(new Action.Deliver(1))).contains("paused");
    assertThat(w.refusal(new Action.Fire(VS, "CheckTick[]"))).contains("paused");
    World resumed = w.apply(new Action.Resume(VS));
    assertThat(resumed.refusal(new Action.Deliver(1))).isNull();
    assertThat(resumed.node(VS)).isEqualTo(started().node(VS)); // its state was kept
  }

  @Test
  void when_aServerCrashesAndRestarts_then_itStartsFreshWithTheNextBootId() {
    World w = started().apply(new Action.Deliver(1)).apply(new Action.Deliver(2));
    assertThat(((PbServer) w.node(A)).isPrimary()).isTrue();
    World crashed = w.apply(new Action.Crash(A));
    assertThat(crashed.node(A)).isNull();
    assertThat(crashed.timers(A)).isEmpty();
    assertThat(crashed.refusal(new Action.Fire(A, "PingTick[]"))).contains("crashed");
    World restarted = crashed.apply(new Action.Start(A));
    assertThat(restarted.bootId(A)).isEqualTo(2);
    assertThat(((PbServer) restarted.node(A)).view().viewNum()).isZero();
    assertThat(restarted.stepEvents()).extracting(e -> e.kind()).contains(Kind.RESTART);
    assertThat(restarted.refusal(new Action.Start(A))).contains("running");
  }

  @Test
  void when_aClientCrashed_then_itIsNeverRestartedAtItsAddress() {
    World w = started().apply(new Action.Crash(C1));
    assertThat(w.refusal(new Action.Start(C1))).contains("never restarts");
  }

  @Test
  void when_aClientCalls_then_theOpIsRecordedAndOneAtATime() {
    World w = started().apply(new Action.Submit(C1, new Command.Put("x", "1")));
    assertThat(w.ops())
        .singleElement()
        .satisfies(
            op -> {
              assertThat(op.command()).isEqualTo(new Command.Put("x", "1"));
              assertThat(op.result()).isNull();
            });
    assertThat(w.stepEvents()).extracting(e -> e.kind()).contains(Kind.CALL);
    assertThat(w.refusal(new Action.Submit(C1, new Command.Get("x")))).contains("still waiting");
    assertThat(w.refusal(new Action.Submit(A, new Command.Get("x")))).contains("not a client");
  }

  @Test
  void when_timersArePending_then_onlyThoseNoEarlierTimerMustPrecedeAreDue() {
    World w = started();
    assertThat(w.timers(VS)).hasSize(1);
    assertThat(w.isDue(VS, 0)).isTrue();
    World fired = w.apply(new Action.Fire(VS, "CheckTick[]"));
    assertThat(fired.timers(VS)).hasSize(1); // it set the next tick
    assertThat(fired.refusal(new Action.Fire(VS, "NoSuchTick[]"))).contains("no pending timer");
  }

  @Test
  void when_anOpCompletes_then_itsReturnIsAnnotated() {
    World w = started();
    w = w.apply(new Action.Deliver(1)).apply(new Action.Deliver(2)); // A primary of view 1
    w = w.apply(new Action.Submit(C1, new Command.Put("x", "1")));
    // c1 has no view: GetView to vs, the reply, then the request to A and A's reply
    for (int i = 0; i < 10 && w.ops().get(0).result() == null; i++) {
      w = w.apply(new Action.Deliver(w.inFlight().keySet().iterator().next())); // oldest first
    }
    assertThat(w.ops().get(0).result()).isEqualTo(new Result.Ok());
    assertThat(w.trace()).anyMatch(e -> e.kind() == Kind.RETURN && e.node().equals("c1"));
    assertThat(w.violation()).isNull();
  }
}
