package dev.pbkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.AmoEntry;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.node.Timer;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.ClientMessage.Request;
import dev.pbkv.server.ClientMessage.WrongServer;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.ForwardAck;
import dev.pbkv.server.ReplicationMessage.ForwardProbe;
import dev.pbkv.server.ReplicationMessage.ForwardReject;
import dev.pbkv.server.ReplicationMessage.Op;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ReplicationMessage.StateTransferAck;
import dev.pbkv.server.ReplicationMessage.TransferProbe;
import dev.pbkv.server.ServerTimer.ForwardRetry;
import dev.pbkv.server.ServerTimer.PingTick;
import dev.pbkv.server.ServerTimer.SweepTick;
import dev.pbkv.server.ServerTimer.TransferRetry;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One {@link PbServer} at a time, driven to a role by {@code ViewReply}s from the view service and
 * fed single messages; the {@link RecordingEffects} show what it sends. Rules refer to
 * docs/design.md §3.
 */
class PbServerTest {
  private static final Address VS = Address.of("vs");
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");
  private static final Address CLIENT = Address.of("client1");
  private static final Address CLIENT2 = Address.of("client2");
  private static final Address CLIENT3 = Address.of("client3");
  private static final Address CLIENT4 = Address.of("client4");

  private static final View V1_A_B = new View(1, A, B);
  private static final View V2_A_B = new View(2, A, B);

  private final RecordingEffects fx = new RecordingEffects();

  // --- helpers ------------------------------------------------------------------------------

  private PbServer start(Address self) {
    return start(self, ServerConfig.defaults(), 1);
  }

  private PbServer start(Address self, ServerConfig config, long bootId) {
    PbServer s = new PbServer(self, VS, bootId, config);
    s.init(fx);
    fx.clear();
    return s;
  }

  private void deliver(PbServer s, Address from, Message msg) {
    fx.clear();
    s.onMessage(from, msg, fx);
  }

  private void learn(PbServer s, View view) {
    deliver(s, VS, new ViewReply(view));
  }

  private void fire(PbServer s, Timer timer) {
    fx.clear();
    s.onTimer(timer, fx);
  }

  private static Request request(long seq, Command command) {
    return new Request(seq, command, 1);
  }

  /** A, primary of view 1 = (A, B), with the state transfer acknowledged: serving. */
  private PbServer servingPrimary(ServerConfig config) {
    PbServer a = start(A, config, 1);
    learn(a, V1_A_B);
    deliver(a, B, new StateTransferAck(1, 0));
    assertThat(a.isServing()).isTrue();
    fx.clear();
    return a;
  }

  private PbServer servingPrimary() {
    return servingPrimary(ServerConfig.defaults());
  }

  /** B, backup of view 2 = (A, B), holding {@code snapshot}. */
  private PbServer installedBackup(Snapshot snapshot) {
    PbServer b = start(B);
    learn(b, V2_A_B);
    deliver(b, A, StateTransfer.whole(2, snapshot));
    assertThat(b.hasInstalledState()).isTrue();
    assertThat(fx.sentTo(A)).containsExactly(new StateTransferAck(2, 0));
    fx.clear();
    return b;
  }

  private static ServerConfig withForwardLimits(int maxForwardsInFlight, int maxBatchOps) {
    return ServerConfig.defaults().withForwardLimits(maxForwardsInFlight, maxBatchOps);
  }

  private static Op append(Address client, long seq, String value) {
    return new Op(client, seq, new Command.Append("k", value));
  }

  // --- only the view service hands out views (docs/design.md §1) --------------------------

  @Test
  void when_aViewComesFromAnAddressThatIsNotTheViewService_then_itIsIgnoredWithOneWarning() {
    PbServer a = start(A);
    Address stranger = Address.of("mallory");

    deliver(a, stranger, new ViewReply(V1_A_B));
    assertThat(a.view()).as("a view from a stranger is not adopted").isEqualTo(View.INITIAL);
    assertThat(a.isPrimary()).isFalse();
    assertThat(fx.sent()).isEmpty();
    assertThat(fx.warnings())
        .singleElement()
        .asString()
        .contains("mallory", "not the view service");

    deliver(a, stranger, new ViewReply(V2_A_B));
    assertThat(a.view()).isEqualTo(View.INITIAL);
    assertThat(fx.warnings()).as("one warning per sender").isEmpty();

    deliver(a, B, new ViewReply(V2_A_B));
    assertThat(fx.warnings()).as("another sender gets its own warning").hasSize(1);

    learn(a, V1_A_B);
    assertThat(a.isPrimary()).as("the view service's view is taken").isTrue();
    assertThat(fx.warnings()).isEmpty();
  }

  @Test
  void when_theViewServiceIsReachedThroughAProxy_then_viewsAreTakenFromItsOwnAddressOnly() {
    Address proxy = Address.of("proxy");
    PbServer a = new PbServer(A, proxy, java.util.Set.of(VS), 1, ServerConfig.defaults());
    a.init(fx);
    assertThat(fx.sentTo(proxy)).containsExactly(new Ping(0, 1));

    deliver(a, proxy, new ViewReply(V1_A_B));
    assertThat(a.view()).isEqualTo(View.INITIAL);
    deliver(a, VS, new ViewReply(V1_A_B));
    assertThat(a.isPrimary()).isTrue();
  }

  // --- start-up -----------------------------------------------------------------------------

  @Test
  void when_started_then_itPings0AndArmsThePingTimer() {
    PbServer s = new PbServer(A, VS, 3, ServerConfig.defaults());
    s.init(fx);

    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(VS, new Ping(0, 3)));
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new PingTick(), 100, 100));

    fire(s, new PingTick());
    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(VS, new Ping(0, 3)));
    assertThat(fx.timers(PingTick.class)).hasSize(1);
  }

  @Test
  void when_olderViewArrivesAfterANewerOne_then_itIsIgnored() {
    PbServer b = start(B);
    learn(b, new View(3, A, B));

    learn(b, new View(2, B, C));

    assertThat(b.view()).isEqualTo(new View(3, A, B));
    assertThat(b.isPrimary()).isFalse();
    assertThat(fx.nothingSent()).isTrue();
  }

  // --- rule 4: non-primaries reject clients ------------------------------------------------

  @Test
  void when_serverWithoutAViewGetsARequest_then_itAnswersWrongServerWithView0() {
    PbServer a = start(A);

    deliver(a, CLIENT, new Request(1, new Command.Put("k", "v"), 0));

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(CLIENT, new WrongServer(1, View.INITIAL)));
    assertThat(a.valueOf("k")).isNull();
  }

  @Test
  void when_backupGetsARequest_then_itAnswersWrongServerWithItsView_andExecutesNothing() {
    PbServer b = installedBackup(Snapshot.EMPTY);

    deliver(b, CLIENT, new Request(5, new Command.Put("k", "v"), 2));

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(CLIENT, new WrongServer(5, V2_A_B)));
    assertThat(fx.messages(Reply.class)).isEmpty();
    assertThat(b.valueOf("k")).isNull();
  }

  @Test
  void when_idleServerGetsARequest_then_itAnswersWrongServer() {
    PbServer c = start(C);
    learn(c, V2_A_B);

    deliver(c, CLIENT, new Request(1, new Command.Get("k"), 2));

    assertThat(fx.single(CLIENT, WrongServer.class)).isEqualTo(new WrongServer(1, V2_A_B));
    assertThat(fx.messages(Reply.class)).isEmpty();
  }

  @Test
  void when_requestNamesANewerView_then_nonPrimaryAlsoAsksTheViewService() {
    PbServer c = start(C);
    learn(c, V2_A_B);

    deliver(c, CLIENT, new Request(1, new Command.Get("k"), 7));

    assertThat(fx.messagesTo(VS, GetView.class)).hasSize(1);
    assertThat(fx.single(CLIENT, WrongServer.class).view()).isEqualTo(V2_A_B);
  }

  @Test
  void when_primaryLearnsItLostItsRole_then_itRejectsClients() {
    PbServer a = start(A);
    learn(a, new View(1, A, null));
    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));
    assertThat(fx.single(CLIENT, Reply.class)).isEqualTo(new Reply(1, Result.OK));

    learn(a, new View(2, B, C));
    deliver(a, CLIENT, request(2, new Command.Get("k")));

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(CLIENT, new WrongServer(2, new View(2, B, C))));
  }

  // --- primary without backup ---------------------------------------------------------------

  @Test
  void when_primaryHasNoBackup_then_itAcksTheViewAtOnce_andExecutesRequestsDirectly() {
    PbServer a = start(A);

    learn(a, new View(1, A, null));

    assertThat(fx.sentTo(VS)).containsExactly(new Ping(1, 1));
    assertThat(a.acceptedViewNum()).isEqualTo(1);
    assertThat(a.isServing()).isTrue();

    deliver(a, CLIENT, request(1, new Command.Append("k", "x")));

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(CLIENT, new Reply(1, new Result.Value("x"))));
    assertThat(a.valueOf("k")).isEqualTo("x");
  }

  // --- rule 2: wait for the backup ----------------------------------------------------------

  @Test
  void when_primaryWithBackupGetsAWrite_then_itForwards_andRepliesOnlyAfterTheForwardAck() {
    PbServer a = servingPrimary();
    Command put = new Command.Put("k", "v");

    deliver(a, CLIENT, request(1, put));

    assertThat(fx.sent())
        .containsExactly(
            new RecordingEffects.Sent(B, new Forward(1, 1, List.of(new Op(CLIENT, 1, put)))));
    assertThat(a.valueOf("k")).as("not executed before the backup has it").isNull();
    assertThat(a.queuedOps()).isEqualTo(1);

    deliver(a, B, new ForwardAck(1, 1));

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(CLIENT, new Reply(1, Result.OK)));
    assertThat(a.valueOf("k")).isEqualTo("v");
    assertThat(a.queuedOps()).isZero();
  }

  @Test
  void when_primaryGetsARead_then_theReadIsForwardedToo_andAnsweredAfterTheAck() {
    PbServer a = servingPrimary();
    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));
    deliver(a, B, new ForwardAck(1, 1));

    Command get = new Command.Get("k");
    deliver(a, CLIENT, request(2, get));

    assertThat(fx.sent())
        .containsExactly(
            new RecordingEffects.Sent(B, new Forward(1, 2, List.of(new Op(CLIENT, 2, get)))));

    deliver(a, B, new ForwardAck(1, 2));

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(CLIENT, new Reply(2, new Result.Value("v"))));
  }

  @Test
  void when_forwardAckComesFromAnotherServerOrView_then_primaryKeepsWaiting() {
    PbServer a = servingPrimary();
    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));

    deliver(a, C, new ForwardAck(1, 1));
    assertThat(fx.nothingSent()).isTrue();

    deliver(a, B, new ForwardAck(0, 1));
    assertThat(fx.nothingSent()).isTrue();

    deliver(a, B, new ForwardAck(2, 1));
    assertThat(fx.messages(Reply.class)).isEmpty();
    assertThat(fx.sentTo(VS)).as("a newer view was mentioned").containsExactly(new GetView());

    assertThat(a.valueOf("k")).isNull();
    deliver(a, B, new ForwardAck(1, 1));
    assertThat(fx.single(CLIENT, Reply.class)).isEqualTo(new Reply(1, Result.OK));
  }

  @Test
  void
      when_clientRetriesAQueuedRequest_then_itIsNotForwardedAgain_andALaterRetryIsAnsweredFromTheCache() {
    PbServer a = servingPrimary();
    Request append = request(1, new Command.Append("k", "x"));
    deliver(a, CLIENT, append);
    assertThat(fx.messages(Forward.class)).hasSize(1);

    deliver(a, CLIENT, append);
    assertThat(fx.nothingSent()).as("already queued").isTrue();

    deliver(a, B, new ForwardAck(1, 1));
    assertThat(fx.single(CLIENT, Reply.class)).isEqualTo(new Reply(1, new Result.Value("x")));

    deliver(a, CLIENT, append);

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(CLIENT, new Reply(1, new Result.Value("x"))));
    assertThat(a.valueOf("k")).isEqualTo("x");
  }

  @Test
  void when_requestIsOlderThanTheClientsLastWrite_then_itIsDropped() {
    PbServer a = servingPrimary();
    deliver(a, CLIENT, request(1, new Command.Append("k", "1")));
    deliver(a, B, new ForwardAck(1, 1));
    deliver(a, CLIENT, request(2, new Command.Append("k", "2")));
    deliver(a, B, new ForwardAck(1, 2));

    deliver(a, CLIENT, request(1, new Command.Append("k", "1")));

    assertThat(fx.nothingSent()).isTrue();
    assertThat(a.valueOf("k")).isEqualTo("12");
  }

  @Test
  void when_forwardsAreUnacked_then_theRetryBacksOff_andSendsNothingWithoutALossReport() {
    PbServer a = servingPrimary();
    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));
    fx.single(B, Forward.class);
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new ForwardRetry(1, 0, 50), 50, 62));

    long interval = 50;
    for (long expected : new long[] {100, 200, 400, 800, 1000, 1000}) {
      fire(a, new ForwardRetry(1, 0, interval));
      assertThat(fx.nothingSent()).as("the forward may still be on a slow link").isTrue();
      assertThat(fx.timers())
          .containsExactly(
              new RecordingEffects.TimerSet(
                  new ForwardRetry(1, 0, expected), expected, expected + expected / 4));
      interval = expected;
    }
  }

  @Test
  void when_aLossIsReported_then_theRetryProbes_andOnlyTheGapIsResent() {
    PbServer a = servingPrimary();
    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));
    Forward first = fx.single(B, Forward.class);
    deliver(a, CLIENT2, request(1, new Command.Put("j", "w")));
    Forward second = fx.single(B, Forward.class);

    a.onConnectionReset(B, fx);
    fire(a, new ForwardRetry(1, 0, 50));
    assertThat(fx.sentTo(B))
        .as("a probe behind everything sent, not the forwards")
        .containsExactly(new ForwardProbe(1, 2));
    assertThat(fx.timers(ForwardRetry.class)).containsExactly(new ForwardRetry(1, 0, 100));

    deliver(a, B, new ForwardAck(1, 1, 2));
    assertThat(fx.single(CLIENT, Reply.class)).isEqualTo(new Reply(1, Result.OK));
    assertThat(fx.sentTo(B)).as("only the gap goes again").containsExactly(second);
    assertThat(second).isNotEqualTo(first);

    fire(a, new ForwardRetry(1, 0, 100));
    assertThat(fx.nothingSent()).as("progress: no probe").isTrue();
    assertThat(fx.timers(ForwardRetry.class))
        .as("progress resets the back-off")
        .containsExactly(new ForwardRetry(1, 1, 50));

    deliver(a, B, new ForwardAck(1, 2));
    fire(a, new ForwardRetry(1, 1, 50));
    assertThat(fx.nothingSent()).as("nothing left to resend").isTrue();
  }

  @Test
  void when_aProbeArrivesAtTheBackup_then_itAcks_reportingTheFirstGapBelowTheBound() {
    PbServer b = start(B);
    learn(b, V1_A_B);
    deliver(b, A, StateTransfer.whole(1, Snapshot.EMPTY));
    Op op1 = new Op(CLIENT, 1, new Command.Put("k", "v"));
    Op op3 = new Op(CLIENT, 3, new Command.Put("k", "x"));
    deliver(b, A, new Forward(1, 1, List.of(op1)));
    deliver(b, A, new Forward(1, 3, List.of(op3)));
    deliver(b, A, new ForwardProbe(1, 4));
    assertThat(fx.sentTo(A))
        .as("index 2 is missing; 3 is held; 4 never arrived: the first gap is 2")
        .containsExactly(new ForwardAck(1, 1, 2));
    deliver(b, A, new ForwardProbe(1, 1));
    assertThat(fx.sentTo(A))
        .as("no gap below the bound: a plain ack")
        .containsExactly(new ForwardAck(1, 1));
    deliver(b, A, new ForwardProbe(2, 1));
    assertThat(fx.messagesTo(A, ForwardReject.class))
        .as("another view: rejected as a forward")
        .hasSize(1);
  }

  @Test
  void when_retriesResendEverything_then_theOldGoBackNResendsAtAFixedInterval() {
    PbServer a =
        servingPrimary(
            ServerConfig.defaults().withRules(Set.of(RuleSwitch.RETRY_RESENDS_EVERYTHING)));
    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));
    Forward forward = fx.single(B, Forward.class);
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new ForwardRetry(1, 0, 50), 50, 50));
    fire(a, new ForwardRetry(1, 0, 50));
    assertThat(fx.sentTo(B)).containsExactly(forward);
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new ForwardRetry(1, 0, 50), 50, 50));
  }

  @Test
  void when_replyBeforeBackupAckSwitchIsOn_then_primaryRepliesBeforeTheAck() {
    PbServer a =
        servingPrimary(
            ServerConfig.defaults().withRules(Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK)));

    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));

    assertThat(fx.single(CLIENT, Reply.class)).isEqualTo(new Reply(1, Result.OK));
    assertThat(fx.messagesTo(B, Forward.class)).hasSize(1);
  }

  // --- rule 5: nothing during the state transfer -------------------------------------------

  @Test
  void when_primaryLearnsAViewWithBackup_then_itSendsTheStateTransfer_andDoesNotAckTheViewYet() {
    PbServer a = start(A);

    learn(a, V1_A_B);

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(B, StateTransfer.whole(1, Snapshot.EMPTY)));
    assertThat(fx.timers())
        .containsExactly(
            new RecordingEffects.TimerSet(new SweepTick(1), 150_000, 150_000),
            new RecordingEffects.TimerSet(new TransferRetry(1, 0, 100), 100, 125));
    assertThat(a.acceptedViewNum()).isZero();
    assertThat(a.isPrimary()).isTrue();
    assertThat(a.isServing()).isFalse();

    fire(a, new PingTick());
    assertThat(fx.sentTo(VS)).as("still pings the old view").containsExactly(new Ping(0, 1));
  }

  @Test
  void when_requestsArriveDuringTheStateTransfer_then_nothingIsForwardedOrExecutedUntilTheAck() {
    PbServer a = start(A);
    learn(a, V1_A_B);

    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));
    assertThat(fx.nothingSent()).isTrue();
    deliver(a, CLIENT2, request(1, new Command.Append("k", "w")));
    assertThat(fx.nothingSent()).isTrue();
    assertThat(a.queuedOps()).isEqualTo(2);
    assertThat(a.valueOf("k")).isNull();

    deliver(a, B, new StateTransferAck(1, 0));

    assertThat(fx.sentTo(VS)).as("the view is acked now").containsExactly(new Ping(1, 1));
    assertThat(a.acceptedViewNum()).isEqualTo(1);
    assertThat(fx.sentTo(B))
        .as("the held requests go out together, numbered from 1")
        .containsExactly(
            new Forward(
                1,
                1,
                List.of(
                    new Op(CLIENT, 1, new Command.Put("k", "v")),
                    new Op(CLIENT2, 1, new Command.Append("k", "w")))));
    assertThat(fx.messages(Reply.class)).isEmpty();

    deliver(a, B, new ForwardAck(1, 2));

    assertThat(fx.sent())
        .containsExactly(
            new RecordingEffects.Sent(CLIENT, new Reply(1, Result.OK)),
            new RecordingEffects.Sent(CLIENT2, new Reply(1, new Result.Value("vw"))));
  }

  @Test
  void when_stateTransferAckIsForAnotherViewOrFromAnotherServer_then_itIsIgnored() {
    PbServer a = start(A);
    learn(a, V1_A_B);

    deliver(a, B, new StateTransferAck(0, 0));
    deliver(a, C, new StateTransferAck(1, 0));
    deliver(a, B, new StateTransferAck(2, 0));

    assertThat(a.isServing()).isFalse();
    assertThat(a.acceptedViewNum()).isZero();
    assertThat(fx.messages(Ping.class)).isEmpty();
  }

  @Test
  void when_stateTransferIsUnacknowledged_then_aReportedLossIsRepaired_untilTheAck() {
    PbServer a = start(A);
    learn(a, V1_A_B);

    fire(a, new TransferRetry(1, 0, 100));
    assertThat(fx.nothingSent()).as("no loss reported: nothing re-sent").isTrue();
    a.onConnectionReset(B, fx);
    fire(a, new TransferRetry(1, 0, 200));
    assertThat(fx.sentTo(B)).containsExactly(new TransferProbe(1, 0));
    deliver(a, B, new StateTransferAck(1, -1, 0));
    assertThat(fx.sentTo(B)).containsExactly(StateTransfer.whole(1, Snapshot.EMPTY));

    deliver(a, B, new StateTransferAck(1, 0));
    fire(a, new TransferRetry(1, 0, 400));

    assertThat(fx.nothingSent()).isTrue();
    assertThat(fx.timers()).isEmpty();
  }

  @Test
  void when_primaryWithDataGetsABackup_then_theTransferCarriesDataAndTheAtMostOnceTable() {
    PbServer a = start(A);
    learn(a, new View(1, A, null));
    deliver(a, CLIENT, request(1, new Command.Append("k", "a")));

    learn(a, V2_A_B);

    StateTransfer transfer = fx.single(B, StateTransfer.class);
    assertThat(transfer.viewNum()).isEqualTo(2);
    assertThat(transfer.data().toMap()).containsExactly(Map.entry("k", "a"));
    assertThat(transfer.sessions())
        .containsExactly(Map.entry("client1", new AmoEntry(1, new Result.Value("a"))));
  }

  @Test
  void when_transferWithoutAmoSwitchIsOn_then_theTransferLacksTheTable() {
    PbServer a =
        start(A, ServerConfig.defaults().withRules(Set.of(RuleSwitch.TRANSFER_WITHOUT_AMO)), 1);
    learn(a, new View(1, A, null));
    deliver(a, CLIENT, request(1, new Command.Append("k", "a")));

    learn(a, V2_A_B);

    StateTransfer transfer = fx.single(B, StateTransfer.class);
    assertThat(transfer.data().toMap()).containsExactly(Map.entry("k", "a"));
    assertThat(transfer.sessions()).isEmpty();
  }

  @Test
  void when_primaryGetsANewBackup_then_unackedOpsAreResentAfterTheNewTransfer() {
    PbServer a = servingPrimary();
    Op op = new Op(CLIENT, 1, new Command.Put("k", "v"));
    deliver(a, CLIENT, request(1, op.command()));

    learn(a, new View(2, A, C)); // B died before acking

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(C, StateTransfer.whole(2, Snapshot.EMPTY)));
    deliver(a, C, new StateTransferAck(2, 0));
    assertThat(fx.sentTo(C)).containsExactly(new Forward(2, 1, List.of(op)));
    deliver(a, B, new ForwardAck(1, 1));
    assertThat(fx.messages(Reply.class)).as("the old backup's ack is void").isEmpty();
    deliver(a, C, new ForwardAck(2, 1));
    assertThat(fx.single(CLIENT, Reply.class)).isEqualTo(new Reply(1, Result.OK));
  }

  // --- rule 3: the backup accepts forwards of its own view only ----------------------------

  @Test
  void when_backupLearnsItsView_then_itAcceptsTheViewAtOnce() {
    PbServer b = start(B);

    learn(b, V2_A_B);

    assertThat(fx.sentTo(VS)).containsExactly(new Ping(2, 1));
    assertThat(b.acceptedViewNum()).isEqualTo(2);
    assertThat(b.hasInstalledState()).isFalse();
  }

  @Test
  void when_forwardArrivesBeforeTheStateTransfer_then_backupRejectsIt() {
    PbServer b = start(B);
    learn(b, V2_A_B);

    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 1, "x"))));

    ForwardReject reject = fx.single(A, ForwardReject.class);
    assertThat(reject.viewNum()).isEqualTo(2);
    assertThat(reject.backupView()).isEqualTo(V2_A_B);
    assertThat(reject.reason()).contains("not installed");
    assertThat(fx.messages(ForwardAck.class)).isEmpty();
    assertThat(b.valueOf("k")).isNull();
  }

  @Test
  void when_forwardIsOfAnotherView_then_backupRejectsIt() {
    PbServer b = installedBackup(Snapshot.EMPTY);

    deliver(b, A, new Forward(1, 1, List.of(append(CLIENT, 1, "old"))));

    ForwardReject reject = fx.single(A, ForwardReject.class);
    assertThat(reject.viewNum()).isEqualTo(1);
    assertThat(reject.backupView()).isEqualTo(V2_A_B);
    assertThat(reject.reason()).contains("forward of view 1").contains("view 2");
    assertThat(fx.messages(ForwardAck.class)).isEmpty();

    deliver(b, A, new Forward(3, 1, List.of(append(CLIENT, 1, "new"))));

    assertThat(fx.single(A, ForwardReject.class).viewNum()).isEqualTo(3);
    assertThat(fx.sentTo(VS)).as("a newer view was mentioned").containsExactly(new GetView());
    assertThat(b.valueOf("k")).isNull();
  }

  @Test
  void when_forwardComesFromANonPrimary_then_backupRejectsIt() {
    PbServer b = installedBackup(Snapshot.EMPTY);

    deliver(b, C, new Forward(2, 1, List.of(append(CLIENT, 1, "x"))));

    ForwardReject reject = fx.single(C, ForwardReject.class);
    assertThat(reject.reason()).contains("c is not the primary of view 2");
    assertThat(fx.sentTo(A)).isEmpty();
    assertThat(b.valueOf("k")).isNull();
  }

  @Test
  void when_serverIsNotTheBackup_then_itRejectsForwards() {
    PbServer b = start(B);
    learn(b, new View(2, A, C));

    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 1, "x"))));

    assertThat(fx.single(A, ForwardReject.class).reason()).contains("b is not the backup");
    assertThat(b.valueOf("k")).isNull();
  }

  @Test
  void when_stateTransferComesFromANonPrimaryOrAnotherView_then_itIsNotInstalled() {
    PbServer b = start(B);
    learn(b, V2_A_B);
    Snapshot snapshot = new Snapshot(Map.of("k", "forged"), Map.of());

    deliver(b, C, StateTransfer.whole(2, snapshot));
    assertThat(fx.nothingSent()).isTrue();
    deliver(b, A, StateTransfer.whole(1, snapshot));
    assertThat(fx.nothingSent()).isTrue();

    assertThat(b.hasInstalledState()).isFalse();
    assertThat(b.valueOf("k")).isNull();
  }

  @Test
  void when_backupHoldsTheState_then_itAppliesAForwardAndAcksIt() {
    PbServer b = installedBackup(new Snapshot(Map.of("k", "0"), Map.of()));

    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 1, "a"), append(CLIENT2, 1, "b"))));

    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(A, new ForwardAck(2, 2)));
    assertThat(b.valueOf("k")).isEqualTo("0ab");
  }

  @Test
  void when_installedSnapshotCarriesTheAtMostOnceTable_then_backupSkipsADuplicateOp() {
    Snapshot snapshot =
        new Snapshot(Map.of("k", "1"), Map.of("client1", new AmoEntry(3, new Result.Value("1"))));
    PbServer b = installedBackup(snapshot);

    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 3, "z"))));

    assertThat(fx.single(A, ForwardAck.class)).isEqualTo(new ForwardAck(2, 1));
    assertThat(b.valueOf("k")).isEqualTo("1");
  }

  @Test
  void when_stateTransferIsDuplicatedForAnInstalledView_then_itIsAckedAndIgnored() {
    Snapshot snapshot = new Snapshot(Map.of("k", "1"), Map.of());
    PbServer b = installedBackup(snapshot);
    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 1, "a"))));
    assertThat(b.valueOf("k")).isEqualTo("1a");

    deliver(b, A, StateTransfer.whole(2, snapshot));

    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(A, new StateTransferAck(2, 0)));
    assertThat(b.valueOf("k")).as("applied ops survive").isEqualTo("1a");

    deliver(b, A, new Forward(2, 2, List.of(append(CLIENT, 2, "b"))));
    assertThat(fx.single(A, ForwardAck.class)).isEqualTo(new ForwardAck(2, 2));
    assertThat(b.valueOf("k")).isEqualTo("1ab");
  }

  @Test
  void when_forwardsArriveOutOfOrder_then_backupBuffersThem_andAcksOnlyTheContiguousPrefix() {
    PbServer b = installedBackup(Snapshot.EMPTY);

    deliver(b, A, new Forward(2, 3, List.of(append(CLIENT, 3, "c"))));
    assertThat(fx.single(A, ForwardAck.class)).isEqualTo(new ForwardAck(2, 0));
    deliver(b, A, new Forward(2, 2, List.of(append(CLIENT, 2, "b"))));
    assertThat(fx.single(A, ForwardAck.class)).isEqualTo(new ForwardAck(2, 0));
    assertThat(b.valueOf("k")).isNull();

    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 1, "a"))));

    assertThat(fx.single(A, ForwardAck.class)).isEqualTo(new ForwardAck(2, 3));
    assertThat(b.valueOf("k")).isEqualTo("abc");

    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 1, "a"))));
    assertThat(fx.single(A, ForwardAck.class)).isEqualTo(new ForwardAck(2, 3));
    assertThat(b.valueOf("k")).as("a duplicate forward is not applied twice").isEqualTo("abc");

    deliver(b, A, new Forward(2, 3, List.of(append(CLIENT, 3, "c"), append(CLIENT, 4, "d"))));
    assertThat(fx.single(A, ForwardAck.class)).isEqualTo(new ForwardAck(2, 4));
    assertThat(b.valueOf("k")).isEqualTo("abcd");
  }

  @Test
  void when_backupAcceptsAnyViewSwitchIsOn_then_aForwardOfAnotherViewIsApplied() {
    PbServer b =
        start(B, ServerConfig.defaults().withRules(Set.of(RuleSwitch.BACKUP_ACCEPTS_ANY_VIEW)), 1);
    learn(b, V2_A_B);

    deliver(b, C, new Forward(1, 1, List.of(append(CLIENT, 1, "x"))));

    assertThat(fx.single(C, ForwardAck.class)).isEqualTo(new ForwardAck(1, 1));
    assertThat(b.valueOf("k")).isEqualTo("x");
  }

  // --- pipelining and batching --------------------------------------------------------------

  @Test
  void when_maxForwardsInFlightIsReached_then_queuedRequestsGoOutAsOneForward() {
    PbServer a = servingPrimary(withForwardLimits(1, 512));

    deliver(a, CLIENT, request(1, new Command.Append("k", "1")));
    assertThat(fx.single(B, Forward.class).entries()).hasSize(1);
    for (Address client : List.of(CLIENT2, CLIENT3, CLIENT4)) {
      deliver(a, client, request(1, new Command.Append("k", client.name().substring(6))));
      assertThat(fx.nothingSent()).as("one forward in flight already").isTrue();
    }
    assertThat(a.queuedOps()).isEqualTo(4);

    deliver(a, B, new ForwardAck(1, 1));

    assertThat(fx.single(CLIENT, Reply.class)).isEqualTo(new Reply(1, new Result.Value("1")));
    Forward batch = fx.single(B, Forward.class);
    assertThat(batch.firstIndex()).isEqualTo(2);
    assertThat(batch.lastIndex()).isEqualTo(4);
    assertThat(batch.entries())
        .extracting(e -> ((Op) e).client())
        .containsExactly(CLIENT2, CLIENT3, CLIENT4);

    deliver(a, B, new ForwardAck(1, 4));

    assertThat(fx.messages(Reply.class))
        .containsExactly(
            new Reply(1, new Result.Value("12")),
            new Reply(1, new Result.Value("123")),
            new Reply(1, new Result.Value("1234")));
    assertThat(fx.sentTo(CLIENT2)).hasSize(1);
    assertThat(fx.sentTo(CLIENT4)).hasSize(1);
    assertThat(a.queuedOps()).isZero();
  }

  @Test
  void when_forwardsArePipelined_then_upToMaxInFlightGoOut_eachWithAtMostMaxBatchOps() {
    PbServer a = start(A, withForwardLimits(2, 2), 1);
    learn(a, V1_A_B);
    for (int i = 1; i <= 5; i++) {
      deliver(a, Address.of("c" + i), request(1, new Command.Append("k", String.valueOf(i))));
    }

    deliver(a, B, new StateTransferAck(1, 0));

    List<Forward> forwards = fx.messagesTo(B, Forward.class);
    assertThat(forwards).extracting(Forward::firstIndex).containsExactly(1L, 3L);
    assertThat(forwards).extracting(Forward::lastIndex).containsExactly(2L, 4L);

    deliver(a, B, new ForwardAck(1, 2));

    assertThat(fx.messages(Reply.class)).hasSize(2);
    assertThat(fx.single(B, Forward.class))
        .isEqualTo(
            new Forward(1, 5, List.of(new Op(Address.of("c5"), 1, new Command.Append("k", "5")))));
  }

  // --- copies -------------------------------------------------------------------------------

  @Test
  void when_copied_then_copyEqualsOriginal_andIsIndependent() {
    PbServer a = servingPrimary();
    deliver(a, CLIENT, request(1, new Command.Put("k", "v")));

    PbServer copy = a.copy();
    assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);

    copy.onMessage(B, new ForwardAck(1, 1), fx);

    assertThat(copy.valueOf("k")).isEqualTo("v");
    assertThat(a.valueOf("k")).isNull();
    assertThat(a.queuedOps()).isEqualTo(1);
    assertThat(copy).isNotEqualTo(a);
  }

  // --- incarnations: a restarted server never takes a role of its earlier incarnation --------

  /**
   * A restarted server (new boot id, empty store) that learns a view naming its address as primary
   * - but for its earlier incarnation - must not pass its empty store off as the view's state, nor
   * serve. (With address-only views it sent {@code StateTransfer(3, EMPTY)} and served after the
   * ack; see {@code RestartedPrimarySafetyTest} for the lost write this caused.)
   */
  @Test
  void
      when_restartedServerLearnsAViewNamingItsEarlierIncarnationAsPrimary_then_itNeitherTransfersNorServes() {
    PbServer a = start(A, ServerConfig.defaults(), 2); // restarted: bootId 2, empty state

    learn(a, new View(3, A, B, 1, 1));
    assertThat(fx.messages(StateTransfer.class)).as("it has no state to transfer").isEmpty();
    assertThat(a.isPrimary()).isFalse();

    deliver(a, B, new StateTransferAck(3, 0));
    assertThat(a.isServing()).as("it must not serve from an empty store").isFalse();

    deliver(a, CLIENT, new Request(1, new Command.Get("k"), 3));
    assertThat(fx.sent())
        .containsExactly(
            new RecordingEffects.Sent(CLIENT, new WrongServer(1, new View(3, A, B, 1, 1))));
  }

  @Test
  void when_restartedServerLearnsAViewNamingItsCurrentIncarnationAsPrimary_then_itServes() {
    PbServer a = start(A, ServerConfig.defaults(), 2);

    learn(a, new View(3, A, null, 2, 0));

    assertThat(a.isServing()).isTrue();
    assertThat(fx.sentTo(VS)).containsExactly(new Ping(3, 2));
  }

  @Test
  void
      when_restartedServerLearnsAViewNamingItsEarlierIncarnationAsBackup_then_itAcceptsNothingForIt() {
    PbServer b = start(B, ServerConfig.defaults(), 2);
    learn(b, new View(2, A, B, 1, 1));
    assertThat(b.isBackup()).isFalse();

    deliver(b, A, StateTransfer.whole(2, new Snapshot(Map.of("k", "v"), Map.of())));
    assertThat(fx.messages(StateTransferAck.class)).isEmpty();
    assertThat(b.hasInstalledState()).isFalse();

    deliver(b, A, new Forward(2, 1, List.of(append(CLIENT, 1, "x"))));
    assertThat(fx.single(A, ForwardReject.class).reason()).contains("b is not the backup");
    assertThat(fx.messages(ForwardAck.class)).isEmpty();
    assertThat(b.valueOf("k")).isNull();
  }

  // --- size limits and byte-bounded forwards (docs/design.md §10) ------------------------------

  private static final ServerConfig SMALL_LIMITS =
      ServerConfig.defaults().withSizeLimits(new dev.pbkv.kv.SizeLimits(8, 16));

  @Test
  void when_aRequestIsOverTheSizeLimits_then_thePrimaryRefusesIt_neverForwardedNorExecuted() {
    PbServer a = servingPrimary(SMALL_LIMITS);

    deliver(a, CLIENT, request(1, new Command.Put("k", "v".repeat(17))));
    assertThat(fx.single(CLIENT, Reply.class).result())
        .isEqualTo(new Result.Error("value of 17 bytes is over the limit of 16 bytes"));
    assertThat(fx.messagesTo(B, Forward.class)).as("never forwarded").isEmpty();

    deliver(a, CLIENT, request(2, new Command.Get("k".repeat(9))));
    assertThat(fx.single(CLIENT, Reply.class).result())
        .isEqualTo(new Result.Error("key of 9 bytes is over the limit of 8 bytes"));
    assertThat(a.valueOf("k")).isNull();
    assertThat(a.sessionCount()).as("no at-most-once entry: never executed").isZero();
  }

  @Test
  void when_anAppendWouldGrowTheValuePastTheLimit_countingQueuedWrites_then_itIsRefused() {
    PbServer a = servingPrimary(SMALL_LIMITS);
    deliver(a, CLIENT, request(1, new Command.Put("k", "0123456789")));
    assertThat(fx.messagesTo(B, Forward.class)).hasSize(1);
    // the put waits for the backup: the next append counts its 10 bytes
    deliver(a, CLIENT2, request(1, new Command.Append("k", "abcdefg")));
    assertThat(fx.single(CLIENT2, Reply.class).result())
        .isEqualTo(
            new Result.Error("the appended value would hold 17 bytes, over the limit of 16 bytes"));
    deliver(a, CLIENT3, request(1, new Command.Append("k", "abcdef")));
    assertThat(fx.messagesTo(CLIENT3, Reply.class)).as("16 bytes fit: queued").isEmpty();
  }

  @Test
  void when_anotherKeysQueuedWritesPassTheLimit_then_anAppendCountsOnlyItsOwnKeysQueuedWrites() {
    PbServer a = servingPrimary(SMALL_LIMITS);
    deliver(a, CLIENT, request(1, new Command.Put("j", "0123456789")));
    assertThat(fx.messagesTo(B, Forward.class)).hasSize(1);
    // 10 queued bytes of j and these 7 would pass 16 together; k itself has none queued
    deliver(a, CLIENT2, request(1, new Command.Append("k", "abcdefg")));
    assertThat(fx.messagesTo(CLIENT2, Reply.class)).as("7 bytes fit: queued").isEmpty();
    // and k's own queued append now counts: 7 + 10 = 17
    deliver(a, CLIENT3, request(1, new Command.Append("k", "0123456789")));
    assertThat(fx.single(CLIENT3, Reply.class).result())
        .isEqualTo(
            new Result.Error("the appended value would hold 17 bytes, over the limit of 16 bytes"));
  }

  @Test
  void when_sizeLimitsAreIgnored_then_theOverLimitValueIsForwarded() {
    PbServer a = servingPrimary(SMALL_LIMITS.withRules(Set.of(RuleSwitch.IGNORE_SIZE_LIMITS)));
    deliver(a, CLIENT, request(1, new Command.Put("k", "v".repeat(17))));
    assertThat(fx.messagesTo(CLIENT, Reply.class)).isEmpty();
    assertThat(fx.messagesTo(B, Forward.class)).hasSize(1);
  }

  @Test
  void when_opsAreLarge_then_aForwardHoldsAtMostMaxBatchBytes_butAlwaysOneOp() {
    PbServer a =
        servingPrimary(ServerConfig.defaults().withForwardLimits(1, 512).withMaxBatchBytes(250));
    deliver(a, CLIENT, request(1, new Command.Put("k1", "x".repeat(300))));
    assertThat(fx.single(B, Forward.class).entries()).as("one op over the bound").hasSize(1);
    for (int i = 0; i < 5; i++) {
      deliver(a, Address.of("c" + i), request(1, new Command.Put("k" + i, "y".repeat(100))));
    }
    deliver(a, B, new ForwardAck(1, 1));
    Forward next = fx.single(B, Forward.class);
    assertThat(next.entries()).as("two ops of ~120 bytes in 250").hasSize(2);
  }
}
