package dev.pbkv.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import dev.pbkv.view.ViewServiceTimer.CheckTick;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The view service's durable state (docs/design.md §2) and incarnations without ordered boot ids
 * (§1): a view is in the store before anyone is told; a restart resumes from the store and judges
 * nobody dead for a full dead interval; boot ids are recognised, not compared.
 */
class DurableViewServiceTest {
  private static final int DEAD_PINGS = 5;
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");

  private final RecordingEffects fx = new RecordingEffects();
  private final InMemoryViewStore store = new InMemoryViewStore();
  private ViewServer vs = start(Set.of());

  private ViewServer start(Set<RuleSwitch> rules) {
    ViewServer v = new ViewServer(new ViewServiceConfig(100, DEAD_PINGS, rules), store);
    v.init(fx);
    fx.clear();
    return v;
  }

  private View ping(Address server, long viewNum, long bootId) {
    fx.clear();
    vs.onMessage(server, new Ping(viewNum, bootId), fx);
    return fx.single(server, ViewReply.class).view();
  }

  private void tick() {
    fx.clear();
    vs.onTimer(new CheckTick(), fx);
  }

  /** View 2 = (A#11, B#22), acked, at the end of an interval. */
  private void reachAckedView2() {
    ping(A, 0, 11);
    ping(A, 1, 11);
    ping(B, 0, 22);
    ping(A, 2, 11);
    tick();
    assertThat(vs.view()).isEqualTo(new View(2, A, B, 11, 22));
    assertThat(vs.isAcked()).isTrue();
  }

  @Test
  void when_aViewIsAnnounced_then_theStoreAlreadyHoldsIt() {
    View told = ping(A, 0, 11);
    assertThat(told.viewNum()).isEqualTo(1);
    assertThat(store.read().state().view()).isEqualTo(told);
    assertThat(store.read().state().acked()).isFalse();

    ping(A, 1, 11);
    assertThat(store.read().state().acked()).as("the ack is durable too").isTrue();
    View second = ping(B, 0, 22);
    assertThat(store.read().state().view()).isEqualTo(second).isEqualTo(new View(2, A, B, 11, 22));
  }

  @Test
  void when_viewsAreAnnouncedBeforeTheyAreDurable_then_theStoreLagsBehind() {
    vs = start(Set.of(RuleSwitch.ANNOUNCE_BEFORE_DURABLE));
    View told = ping(A, 0, 11);
    assertThat(told.viewNum()).isEqualTo(1);
    assertThat(store.read().state().view()).as("broken on purpose").isEqualTo(View.INITIAL);
  }

  @Test
  void when_theStoreIsUnavailable_then_noViewChangesAndTheProblemSaysWhy() {
    reachAckedView2();
    store.setAvailable(false);
    ping(C, 0, 33);
    for (int i = 0; i < DEAD_PINGS + 1; i++) {
      ping(B, 2, 22);
      ping(C, 0, 33);
      tick();
    }
    assertThat(vs.view())
        .as("A is dead, but B cannot be promoted")
        .isEqualTo(new View(2, A, B, 11, 22));
    assertThat(vs.progressProblem()).contains("unavailable", "no view can change");

    store.setAvailable(true);
    ping(B, 2, 22);
    assertThat(vs.view()).isEqualTo(new View(3, B, C, 22, 33));
    assertThat(store.read().state().view()).isEqualTo(vs.view());
    assertThat(vs.progressProblem()).doesNotContain("unavailable");
  }

  @Test
  void when_someoneElseWroteTheStore_then_theWriteFailsAndNothingIsAnnounced() {
    reachAckedView2();
    ViewStore.Stored s = store.read();
    assertThat(store.compareAndSet(s.version(), s.state()))
        .isEqualTo(ViewStore.WriteResult.WRITTEN);
    ping(C, 0, 33);
    for (int i = 0; i < DEAD_PINGS + 1; i++) {
      ping(B, 2, 22);
      tick();
    }
    assertThat(vs.view().viewNum()).isEqualTo(2);
    assertThat(vs.progressProblem()).contains("written by someone else");
  }

  @Test
  void when_theViewServiceRestarts_then_itResumesAndJudgesNobodyBeforeAFullDeadInterval() {
    reachAckedView2();
    vs = start(Set.of()); // a fresh node on the same store: the restart
    assertThat(vs.view()).isEqualTo(new View(2, A, B, 11, 22));
    assertThat(vs.isAcked()).isTrue();
    assertThat(vs.recoveredView()).isEqualTo(vs.view());

    ping(B, 2, 22); // the backup is heard first: the primary must not be judged yet
    for (int i = 0; i < DEAD_PINGS; i++) {
      tick();
      ping(B, 2, 22);
    }
    assertThat(vs.view())
        .as("A has not missed a full dead interval since the restart")
        .isEqualTo(new View(2, A, B, 11, 22));
    tick();
    ping(B, 2, 22);
    assertThat(vs.view()).as("now A is dead: B takes over").isEqualTo(new View(3, B, null, 22, 0));
  }

  @Test
  void when_livenessIsJudgedRightAfterARestart_then_theLivePrimaryIsReplaced() {
    reachAckedView2();
    vs = start(Set.of(RuleSwitch.JUDGE_LIVENESS_RIGHT_AFTER_RESTART));
    ping(B, 2, 22);
    assertThat(vs.view()).as("broken on purpose").isEqualTo(new View(3, B, null, 22, 0));
  }

  @Test
  void when_aServerRestartsWithALowerBootId_then_itIsANewIncarnation() {
    reachAckedView2();
    ping(C, 0, 33);
    ping(B, 0, 5); // B restarted; its new id is lower than the old one
    assertThat(vs.view()).as("the new B holds no role").isEqualTo(new View(3, A, C, 11, 33));
    assertThat(vs.durableState().isRetired(B, 22)).isTrue();
    assertThat(store.read().state().isRetired(B, 22)).as("retired ids are durable").isTrue();
    ping(A, 3, 11);
    tick();
    assertThat(vs.isAlive(B)).as("the lower id is not ignored").isTrue();
  }

  @Test
  void when_aRetiredIncarnationPingsLate_then_itIsIgnored_evenAfterAViewServiceRestart() {
    reachAckedView2();
    ping(B, 0, 5); // B restarted
    assertThat(vs.view()).isEqualTo(new View(3, A, null, 11, 0));
    vs = start(Set.of());
    ViewServer before = vs.copy();
    fx.clear();
    vs.onMessage(B, new Ping(2, 22), fx); // the old B, delivered late
    assertThat(fx.sent()).isEmpty();
    assertThat(vs).isEqualTo(before);
  }

  @Test
  void when_aServerRestartsWithTheSameBootId_then_itCannotBeToldApart() {
    // Why boot ids must be unique per start: the view service sees the same incarnation.
    reachAckedView2();
    ping(A, 0, 11); // A restarted empty but with its old id
    assertThat(vs.view()).as("the empty A is still primary").isEqualTo(new View(2, A, B, 11, 22));
  }

  @Test
  void when_copied_then_theStoreIsCopiedToo() {
    reachAckedView2();
    ViewServer copy = vs.copy();
    assertThat(copy).isEqualTo(vs);
    copy.onMessage(A, new Ping(0, 99), new RecordingEffects()); // A restarted, in the copy only
    assertThat(copy.view().viewNum()).isEqualTo(3);
    assertThat(copy.store().read().state().view()).isEqualTo(copy.view());
    assertThat(vs.store().read().state().view()).isEqualTo(new View(2, A, B, 11, 22));
  }
}
