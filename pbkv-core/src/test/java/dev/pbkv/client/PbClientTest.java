package dev.pbkv.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.client.ClientTimer.RetryTick;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.ClientMessage.Request;
import dev.pbkv.server.ClientMessage.WrongServer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One {@link PbClient} session driven by hand: what it sends on a submit, a retry tick, a reply, a
 * {@code WrongServer} and a view reply. The at-most-once half of the protocol lives here: a retry
 * must carry the same sequence number (docs/design.md §5).
 */
class PbClientTest {
  private static final Address VS = Address.of("vs");
  private static final Address SELF = Address.of("c1");
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");
  private static final View V1_A_B = new View(1, A, B);
  private static final View V2_B_C = new View(2, B, C);
  private static final Command PUT = new Command.Put("k", "v");

  private final RecordingEffects fx = new RecordingEffects();

  private PbClient client(ClientConfig config) {
    PbClient c = new PbClient(SELF, VS, config);
    c.init(fx);
    return c;
  }

  /** A client that knows view 1 and has {@link #PUT} outstanding as request 1. */
  private PbClient waitingInView1(ClientConfig config) {
    PbClient c = client(config);
    c.onMessage(VS, new ViewReply(V1_A_B), fx);
    c.submit(PUT, fx);
    fx.clear();
    return c;
  }

  @Test
  void when_noViewIsKnown_then_aSubmitAsksTheViewService_andTheViewReplySendsTheRequest() {
    PbClient c = client(ClientConfig.defaults());
    c.submit(PUT, fx);
    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(VS, new GetView()));
    assertThat(fx.timers(RetryTick.class)).containsExactly(new RetryTick(1, 100));
    assertThat(fx.timers().get(0).minMillis()).isEqualTo(ClientConfig.DEFAULT_RETRY_MILLIS);
    assertThat(fx.timers().get(0).maxMillis()).as("jitter").isEqualTo(125);

    fx.clear();
    c.onMessage(VS, new ViewReply(V1_A_B), fx);
    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(A, new Request(1, PUT, 1)));
  }

  @Test
  void when_theRetryTickFires_then_theSameSequenceNumberGoesToThePrimaryAgain() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    long interval = 100;
    for (long next : new long[] {200, 400, 800, 1000, 1000}) {
      fx.clear();
      c.onTimer(new RetryTick(1, interval), fx);
      assertThat(fx.messagesTo(A, Request.class))
          .as("retry after %d ms", interval)
          .containsExactly(new Request(1, PUT, 1));
      assertThat(fx.messagesTo(VS, GetView.class)).hasSize(1);
      assertThat(fx.timers())
          .as("backs off, capped at 1 s, with a quarter of jitter")
          .containsExactly(
              new RecordingEffects.TimerSet(new RetryTick(1, next), next, next + next / 4));
      interval = next;
    }
    assertThat(c.seq()).isEqualTo(1);

    c.onMessage(A, new Reply(1, Result.OK), fx);
    fx.clear();
    c.submit(new Command.Get("k"), fx);
    assertThat(fx.timers(RetryTick.class))
        .as("a new request starts from the base again")
        .containsExactly(new RetryTick(2, 100));
  }

  @Test
  void when_theCapIsTheBase_then_retriesKeepAFixedIntervalWithoutJitter() {
    PbClient c = waitingInView1(ClientConfig.defaults().withRetryCapMillis(100));
    fx.clear();
    c.onTimer(new RetryTick(1, 100), fx);
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new RetryTick(1, 100), 100, 100));
  }

  @Test
  void when_theRuleIsBroken_then_aRetryGetsANewSequenceNumber() {
    PbClient c =
        waitingInView1(
            ClientConfig.defaults().withRules(Set.of(RuleSwitch.CLIENT_RETRIES_WITH_NEW_SEQ)));
    c.onTimer(new RetryTick(1), fx);
    assertThat(fx.messagesTo(A, Request.class)).containsExactly(new Request(2, PUT, 1));
  }

  @Test
  void when_aStaleRetryTickFires_then_nothingIsSent() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    c.onMessage(A, new Reply(1, Result.OK), fx);
    c.submit(new Command.Get("k"), fx);
    fx.clear();
    c.onTimer(new RetryTick(1), fx);
    assertThat(fx.nothingSent()).isTrue();
    assertThat(fx.timers()).isEmpty();
  }

  @Test
  void when_theReplyArrives_then_theResultIsTakenOnce_andALateDuplicateIsIgnored() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    c.onMessage(A, new Reply(1, new Result.Value("v")), fx);
    assertThat(c.isWaiting()).isFalse();
    assertThat(c.takeResult()).isEqualTo(new Result.Value("v"));
    assertThat(c.takeResult()).isNull();

    c.submit(new Command.Get("k"), fx);
    c.onMessage(A, new Reply(1, new Result.Value("old")), fx);
    assertThat(c.isWaiting()).as("a reply to request 1 does not answer request 2").isTrue();
    assertThat(c.takeResult()).isNull();
    c.onMessage(A, new Reply(2, new Result.Value("v")), fx);
    assertThat(c.takeResult()).isEqualTo(new Result.Value("v"));
  }

  @Test
  void when_aServerSaysWrongServerWithANewerView_then_theRequestGoesToItsPrimary_sameSeq() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    c.onMessage(A, new WrongServer(1, V2_B_C), fx);
    assertThat(c.view()).isEqualTo(V2_B_C);
    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(B, new Request(1, PUT, 2)));
    assertThat(c.seq()).isEqualTo(1);
  }

  @Test
  void when_aServerSaysWrongServerWithNoNewerView_then_theClientAsksTheViewService() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    c.onMessage(A, new WrongServer(1, V1_A_B), fx);
    assertThat(fx.sent()).containsExactly(new RecordingEffects.Sent(VS, new GetView()));
    assertThat(c.view()).isEqualTo(V1_A_B);
  }

  @Test
  void when_aWrongServerAnswersAnOlderRequest_then_itIsIgnored() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    c.onMessage(A, new Reply(1, Result.OK), fx);
    c.submit(new Command.Get("k"), fx);
    fx.clear();
    c.onMessage(A, new WrongServer(1, V2_B_C), fx);
    assertThat(fx.nothingSent()).isTrue();
    assertThat(c.view()).isEqualTo(V1_A_B);
  }

  @Test
  void when_anOlderViewArrives_then_theClientKeepsItsNewerOne() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    c.onMessage(VS, new ViewReply(V2_B_C), fx);
    fx.clear();
    c.onMessage(VS, new ViewReply(V1_A_B), fx);
    assertThat(c.view()).isEqualTo(V2_B_C);
    assertThat(fx.nothingSent()).isTrue();
  }

  @Test
  void when_aSecondCommandIsSubmittedWhileWaiting_then_itIsRefused() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    assertThatThrownBy(() -> c.submit(PUT, fx))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("c1 has command 1 outstanding already");
  }

  @Test
  void when_aMisroutedMessageArrives_then_itIsIgnored_notThrownOn() {
    // issue 13 item 7: every decodable message is handled or ignored (a misrouted GetView
    // must not make a caller see an exception instead of an indeterminate outcome)
    PbClient c = waitingInView1(ClientConfig.defaults());
    PbClient before = c.copy();
    fx.clear();
    c.onMessage(VS, new GetView(), fx);
    assertThat(c).isEqualTo(before);
    assertThat(fx.sent()).isEmpty();
  }

  @Test
  void when_copied_then_theCopyIsEqual_andIndependent() {
    PbClient c = waitingInView1(ClientConfig.defaults());
    PbClient copy = c.copy();
    assertThat(copy).isEqualTo(c).hasSameHashCodeAs(c);
    copy.onMessage(A, new Reply(1, Result.OK), fx);
    assertThat(copy).isNotEqualTo(c);
    assertThat(c.isWaiting()).isTrue();
    assertThat(List.of(c.seq(), copy.seq())).containsOnly(1L);
  }
}
