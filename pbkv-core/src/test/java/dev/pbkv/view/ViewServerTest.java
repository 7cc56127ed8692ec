package dev.pbkv.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceMessage.ServerHealth;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import dev.pbkv.view.ViewServiceTimer.CheckTick;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The view service's behaviour table (docs/design.md §2), row by row, on a single {@link
 * ViewServer}: deliver pings, fire check ticks, assert the view, the ack, the progress report and
 * the replies.
 *
 * <p>A server is dead after {@value #DEAD_PINGS} check intervals without a ping. An "interval"
 * below is: the listed servers ping, then one check tick fires. The setup helpers end at an
 * interval boundary, so {@code intervals(n, …)} after them is exactly {@code n} intervals missed by
 * every server that does not ping in them.
 */
class ViewServerTest {
  private static final int DEAD_PINGS = 5;
  private static final ViewServiceConfig CONFIG = new ViewServiceConfig(100, DEAD_PINGS, Set.of());

  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");
  private static final Address D = Address.of("d");
  private static final Address CLIENT = Address.of("client");

  private final RecordingEffects fx = new RecordingEffects();
  private ViewServer vs = new ViewServer(CONFIG);

  // --- helpers ------------------------------------------------------------------------------

  /** Delivers {@code Ping(viewNum, bootId 1)} from {@code server}; returns the view it is told. */
  private View ping(Address server, long viewNum) {
    return ping(server, viewNum, 1);
  }

  /** Delivers a ping and checks that exactly one reply, carrying the current view, goes back. */
  private View ping(Address server, long viewNum, long bootId) {
    fx.clear();
    vs.onMessage(server, new Ping(viewNum, bootId), fx);
    ViewReply reply = fx.single(server, ViewReply.class);
    assertThat(reply.view()).as("a ping is answered with the current view").isEqualTo(vs.view());
    assertThat(fx.sent()).as("a ping is answered only to its sender").hasSize(1);
    return reply.view();
  }

  private void tick() {
    fx.clear();
    vs.onTimer(new CheckTick(), fx);
    assertThat(fx.timers())
        .as("every check re-arms the next one")
        .containsExactly(new RecordingEffects.TimerSet(new CheckTick(), 100, 100));
  }

  /** {@code n} check intervals: in each, {@code pings} run first, then the check tick fires. */
  private void intervals(int n, Runnable pings) {
    for (int i = 0; i < n; i++) {
      pings.run();
      tick();
    }
  }

  /** Reaches view 1 = (A, none), acked, at the end of a check interval in which A pinged. */
  private void reachAckedView1() {
    assertThat(ping(A, 0)).isEqualTo(new View(1, A, null));
    ping(A, 1);
    tick();
    assertThat(vs.view()).isEqualTo(new View(1, A, null));
    assertThat(vs.isAcked()).isTrue();
  }

  /** Reaches view 2 = (A, B), acked by A. */
  private void reachAckedView2() {
    reachAckedView1();
    assertThat(ping(B, 0)).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isFalse();
    ping(A, 2);
    tick(); // A and B pinged in this interval: neither has missed one
    assertThat(vs.view()).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isTrue();
  }

  /** Reaches view 2 = (A, B), not yet acked: A still pings 1 (its transfer to B is pending). */
  private void reachUnackedView2() {
    reachAckedView1();
    ping(A, 1);
    assertThat(ping(B, 0)).isEqualTo(new View(2, A, B));
    tick(); // A and B pinged in this interval
    assertThat(vs.isAcked()).isFalse();
  }

  // --- startup and GetView ------------------------------------------------------------------

  @Test
  void when_started_then_viewIsView0WithNeitherRole_andTheCheckTimerIsArmed() {
    vs.init(fx);

    assertThat(vs.view()).isEqualTo(View.INITIAL);
    assertThat(vs.view().viewNum()).isZero();
    assertThat(vs.view().primary()).isNull();
    assertThat(vs.view().backup()).isNull();
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new CheckTick(), 100, 100));
    assertThat(fx.nothingSent()).isTrue();
    assertThat(vs.progressProblem()).contains("no server has pinged");
  }

  @Test
  void when_getViewAtStartup_then_view0IsReturned_andTheAskerDoesNotBecomePrimary() {
    vs.onMessage(A, new GetView(), fx);

    assertThat(fx.sent())
        .containsExactly(new RecordingEffects.Sent(A, new ViewReply(View.INITIAL)));
    assertThat(vs.view()).isEqualTo(View.INITIAL);
    assertThat(vs.missedChecks(A)).as("GetView is not a ping").isEqualTo(-1);
    assertThat(vs.isAlive(A)).isFalse();
  }

  @Test
  void when_primaryOnlySendsGetView_then_itIsStillDeclaredDead() {
    reachAckedView2();

    intervals(
        DEAD_PINGS,
        () -> {
          fx.clear();
          vs.onMessage(A, new GetView(), fx); // does not count as a ping
          assertThat(fx.single(A, ViewReply.class).view()).isEqualTo(vs.view());
          ping(B, 2);
        });

    assertThat(vs.isAlive(A)).isFalse();
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
  }

  // --- first primary, first backup ----------------------------------------------------------

  @Test
  void when_firstServerPingsInView0_then_itBecomesPrimaryOfView1WithoutBackup_notAcked() {
    View told = ping(A, 0);

    assertThat(told).isEqualTo(new View(1, A, null));
    assertThat(vs.view()).isEqualTo(new View(1, A, null));
    assertThat(vs.isAcked()).isFalse();
    assertThat(vs.progressProblem()).contains("waiting for primary a to ack view 1");
  }

  @Test
  void when_secondServerPingsRightAfterTheFirst_then_theFirstStaysTheOnlyPrimary() {
    ping(A, 0);
    View toldB = ping(B, 0);

    assertThat(toldB).isEqualTo(new View(1, A, null));
    assertThat(vs.view().primary()).isEqualTo(A);
  }

  @Test
  void when_primaryAckedView1_andAnIdleServerPings_then_itBecomesBackupInView2() {
    ping(A, 0);
    ping(A, 1);
    assertThat(vs.isAcked()).isTrue();
    assertThat(vs.progressProblem()).isNull();

    View toldB = ping(B, 0);

    assertThat(toldB).isEqualTo(new View(2, A, B));
    assertThat(vs.view()).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isFalse();
    assertThat(vs.progressProblem()).contains("waiting for primary a to ack view 2");
  }

  @Test
  void when_backupPingsBeforePrimaryAcks_then_viewStays1UntilPrimaryPings1() {
    ping(A, 0);
    assertThat(ping(B, 0)).isEqualTo(new View(1, A, null));

    intervals(
        DEAD_PINGS - 1,
        () -> {
          ping(A, 0); // A has not accepted view 1 yet
          ping(B, 0);
        });
    assertThat(vs.view()).isEqualTo(new View(1, A, null));
    assertThat(vs.isAcked()).isFalse();

    ping(B, 1); // a non-primary pinging the view number is no ack
    assertThat(vs.view()).isEqualTo(new View(1, A, null));
    assertThat(vs.isAcked()).isFalse();

    View toldA = ping(A, 1);

    assertThat(toldA).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isFalse();
  }

  // --- the dead count: exactly deadPings missed intervals ----------------------------------

  @Test
  void when_primaryMissesOneIntervalFewerThanDeadPings_then_itIsAlive_andWithTheNextItIsDead() {
    reachAckedView2();

    intervals(DEAD_PINGS - 1, () -> ping(B, 2));
    assertThat(vs.missedChecks(A)).isEqualTo(DEAD_PINGS - 1);
    assertThat(vs.isAlive(A)).as("N-1 missed intervals: alive").isTrue();
    assertThat(vs.view()).isEqualTo(new View(2, A, B));

    intervals(1, () -> ping(B, 2));
    assertThat(vs.missedChecks(A)).isEqualTo(DEAD_PINGS);
    assertThat(vs.isAlive(A)).as("N missed intervals: dead").isFalse();
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
  }

  @Test
  void when_aServerPingsAnywhereInAnInterval_then_thatIntervalIsNotMissed() {
    reachAckedView2();

    // A pings once in the middle of the 3rd interval, then falls silent.
    intervals(2, () -> ping(B, 2));
    assertThat(vs.missedChecks(A)).isEqualTo(2);
    ping(A, 2);
    assertThat(vs.missedChecks(A)).as("a ping resets the count").isZero();
    ping(B, 2);
    tick();
    assertThat(vs.missedChecks(A)).as("the interval A pinged in is not missed").isZero();

    intervals(DEAD_PINGS - 1, () -> ping(B, 2));
    assertThat(vs.isAlive(A)).isTrue();
    intervals(1, () -> ping(B, 2));
    assertThat(vs.isAlive(A)).isFalse();
  }

  @Test
  void when_deadPingsIs1_andBothServersPingEveryInterval_then_theViewNeverChanges() {
    vs = new ViewServer(new ViewServiceConfig(100, 1, Set.of()));
    reachAckedView2();

    intervals(
        50,
        () -> {
          ping(B, 2);
          ping(A, 2);
        });

    assertThat(vs.view()).isEqualTo(new View(2, A, B));
    assertThat(vs.isAlive(A)).isTrue();
    assertThat(vs.isAlive(B)).isTrue();

    intervals(1, () -> ping(B, 2)); // one missed interval is death with deadPings 1
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
  }

  @Test
  void when_aServerIsSilentForeverMore_then_itsMissedCountSaturatesInsteadOfWrapping() {
    ViewServer.ServerStatus silent = new ViewServer.ServerStatus(1, Integer.MAX_VALUE - 1, false);

    ViewServer.ServerStatus later = silent.afterCheck().afterCheck().afterCheck();

    assertThat(later.missedChecks()).isEqualTo(Integer.MAX_VALUE);
    assertThat(ViewServer.ServerStatus.pinged(1).afterCheck().missedChecks()).isZero();
  }

  // --- primary dies -------------------------------------------------------------------------

  @Test
  void when_ackedPrimaryMisses5Checks_then_backupBecomesPrimary() {
    reachAckedView2();

    intervals(DEAD_PINGS - 1, () -> ping(B, 2));
    assertThat(vs.view()).as("4 missed checks: still alive").isEqualTo(new View(2, A, B));
    assertThat(vs.isAlive(A)).isTrue();
    assertThat(vs.missedChecks(A)).isEqualTo(DEAD_PINGS - 1);

    intervals(1, () -> ping(B, 2));

    assertThat(vs.isAlive(A)).isFalse();
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
    assertThat(vs.isAcked()).isFalse();
    assertThat(vs.progressProblem()).contains("waiting for primary b to ack view 3");
  }

  @Test
  void when_thePrimaryDiesAndIsReplaced_then_theStatusShowsItsFormerRole_andEqualityIgnoresIt() {
    reachAckedView2();
    ViewServer before = vs.copy();
    intervals(DEAD_PINGS, () -> ping(B, 2));
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
    var health = vs.status().servers();
    assertThat(health.get(0).server()).isEqualTo(A);
    assertThat(health.get(0).alive()).isFalse();
    assertThat(health.get(0).formerRole()).isEqualTo("primary of view 2");
    assertThat(health.get(1).formerRole()).isNull(); // B gained a role, it lost none
    assertThat(vs.copy().status()).isEqualTo(vs.status());
    assertThat(before.status().servers().get(0).formerRole()).isNull();
  }

  @Test
  void when_oldPrimaryRestartsAfterTakeover_then_itBecomesBackupOnceTheNewViewIsAcked() {
    reachAckedView2();
    intervals(DEAD_PINGS, () -> ping(B, 2));
    assertThat(vs.view()).isEqualTo(new View(3, B, null));

    View toldA = ping(A, 0, 2); // A restarted: higher bootId, pings 0
    assertThat(toldA).as("no change before B acks view 3").isEqualTo(new View(3, B, null));
    intervals(2, () -> ping(A, 0, 2));
    assertThat(vs.view()).isEqualTo(new View(3, B, null));

    View toldB = ping(B, 3);

    assertThat(toldB).isEqualTo(new View(4, B, A, 1, 2)); // names A's new incarnation
    assertThat(vs.isAcked()).isFalse();
  }

  @Test
  void when_primaryDiesWithIdleServerAlive_then_nextViewIsBackupAndIdleInOneStep() {
    reachAckedView2();
    assertThat(ping(C, 0)).as("C stays idle: the backup slot is taken").isEqualTo(vs.view());

    intervals(
        DEAD_PINGS,
        () -> {
          ping(B, 2);
          ping(C, 2);
        });

    assertThat(vs.view()).isEqualTo(new View(3, B, C));
    assertThat(vs.isAcked()).isFalse();
  }

  // --- the ack rule and its one exception --------------------------------------------------

  @Test
  void when_backupDiesWhileViewUnacked_andPrimaryAlive_then_backupIsReplacedAndPrimaryKept() {
    reachUnackedView2();
    ping(C, 0);
    assertThat(vs.view()).isEqualTo(new View(2, A, B));

    intervals(
        DEAD_PINGS - 1,
        () -> {
          ping(A, 1); // still waiting on the transfer to B
          ping(C, 0);
        });
    assertThat(vs.view()).isEqualTo(new View(2, A, B));

    intervals(
        1,
        () -> {
          ping(A, 1);
          ping(C, 0);
        });

    assertThat(vs.view()).isEqualTo(new View(3, A, C));
    assertThat(vs.isAcked()).isFalse();
  }

  @Test
  void when_backupDiesWhileViewUnacked_andNoIdleServer_then_primaryIsKeptWithoutBackup() {
    reachUnackedView2();

    intervals(DEAD_PINGS, () -> ping(A, 1));

    assertThat(vs.view()).isEqualTo(new View(3, A, null));
    assertThat(vs.isAcked()).isFalse();
    assertThat(ping(A, 3)).isEqualTo(new View(3, A, null));
    assertThat(vs.isAcked()).isTrue();
  }

  @Test
  void when_primaryDiesWhileViewUnacked_then_viewNeverChanges_andProgressProblemSaysNotAcked() {
    reachUnackedView2();
    ping(C, 0);

    intervals(
        DEAD_PINGS * 4,
        () -> {
          ping(B, 2); // the backup accepted view 2; only the primary's ack counts
          ping(C, 0);
        });

    assertThat(vs.isAlive(A)).isFalse();
    assertThat(vs.view()).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isFalse();
    assertThat(vs.progressProblem())
        .contains("view 2 not acked by its primary a")
        .contains("has missed " + DEAD_PINGS * 4 + " pings")
        .contains("cannot promote a backup");
  }

  @Test
  void when_primaryOfUnackedViewRestarts_then_viewIsStuck_andItsLaterAckDoesNotCount() {
    reachUnackedView2();

    View toldA = ping(A, 0, 2);

    assertThat(toldA).isEqualTo(new View(2, A, B));
    assertThat(toldA.isPrimary(A, 2)).as("the view names A's earlier incarnation").isFalse();
    assertThat(vs.isAcked()).isFalse();
    assertThat(vs.progressProblem()).contains("not acked").contains("restarted and lost its state");

    ping(A, 2, 2); // the restarted A "acks" view 2 with an empty state: must not count
    intervals(
        DEAD_PINGS * 2,
        () -> {
          ping(A, 2, 2);
          ping(B, 2);
        });

    assertThat(vs.view()).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isFalse();
  }

  // --- backup dies --------------------------------------------------------------------------

  @Test
  void when_backupOfAckedViewStopsPinging_then_itIsRemoved() {
    reachAckedView2();

    intervals(DEAD_PINGS - 1, () -> ping(A, 2));
    assertThat(vs.view()).isEqualTo(new View(2, A, B));

    intervals(1, () -> ping(A, 2));

    assertThat(vs.view()).isEqualTo(new View(3, A, null));
  }

  @Test
  void when_backupOfAckedViewStopsPinging_andIdleServerAlive_then_idleServerReplacesIt() {
    reachAckedView2();
    ping(C, 0);

    intervals(
        DEAD_PINGS,
        () -> {
          ping(A, 2);
          ping(C, 0);
        });

    assertThat(vs.view()).isEqualTo(new View(3, A, C));
  }

  @Test
  void when_backupRestarts_then_itIsReplacedAtOnce_andRejoinsAsBackupLater() {
    reachAckedView2();

    View toldB = ping(B, 0, 2);

    assertThat(toldB).isEqualTo(new View(3, A, null));
    ping(A, 3);
    assertThat(vs.view()).isEqualTo(new View(4, A, B, 1, 2));
  }

  // --- never promote an uninitialized server ------------------------------------------------

  @Test
  void when_primaryWithoutBackupDies_then_idleServerIsNeverMadePrimary_andTheServiceSaysWhy() {
    reachAckedView1();
    intervals(DEAD_PINGS, () -> {});
    assertThat(vs.isAlive(A)).isFalse();

    View toldC = ping(C, 0);
    intervals(DEAD_PINGS * 4, () -> ping(C, 0));

    assertThat(toldC).isEqualTo(new View(1, A, null));
    assertThat(vs.view()).isEqualTo(new View(1, A, null));
    assertThat(vs.isAcked()).isTrue();
    assertThat(vs.progressProblem())
        .contains("primary a")
        .contains("has missed")
        .contains("no backup to promote");
  }

  @Test
  void when_primaryWithoutBackupRestarts_then_idleServerIsNeverMadePrimary() {
    reachAckedView1();
    ping(A, 0, 2);
    assertThat(vs.view()).isEqualTo(new View(1, A, null));

    ping(C, 0);
    intervals(
        DEAD_PINGS * 2,
        () -> {
          ping(A, 1, 2);
          ping(C, 0);
        });

    assertThat(vs.view()).isEqualTo(new View(1, A, null));
    assertThat(vs.progressProblem())
        .contains("restarted and lost its state")
        .contains("no backup to promote");
  }

  @Test
  void when_newBackupNeverReceivedStateAndPrimaryDies_then_backupIsNeverPromoted() {
    reachUnackedView2(); // B is backup but A never acked: B may lack the state

    intervals(DEAD_PINGS * 4, () -> ping(B, 2));

    assertThat(vs.view()).isEqualTo(new View(2, A, B));
    assertThat(vs.view().primary()).isNotEqualTo(B);
  }

  @Test
  void when_idleServerPingedOnceAndDied_then_itIsNeverMadeBackup() {
    ping(A, 0);
    ping(C, 0); // C is idle: view 1 is not acked yet
    tick(); // closes the interval of C's only ping
    intervals(DEAD_PINGS, () -> ping(A, 0));
    assertThat(vs.isAlive(C)).isFalse();

    ping(A, 1);
    intervals(DEAD_PINGS, () -> ping(A, 1));

    assertThat(vs.isAcked()).isTrue();
    assertThat(vs.view()).isEqualTo(new View(1, A, null));
  }

  @Test
  void when_backupDiesAfterIdleServerDied_then_deadIdleServerDoesNotGetTheSlot() {
    reachAckedView2();
    ping(C, 0); // idle, then silent
    tick(); // closes the interval of C's only ping
    intervals(
        DEAD_PINGS,
        () -> {
          ping(A, 2);
          ping(B, 2);
        });
    assertThat(vs.isAlive(C)).isFalse();
    assertThat(vs.view()).isEqualTo(new View(2, A, B));

    intervals(DEAD_PINGS, () -> ping(A, 2));

    assertThat(vs.view()).isEqualTo(new View(3, A, null));
  }

  // --- stability ----------------------------------------------------------------------------

  @Test
  void when_everyoneStaysAlive_then_viewNumberNeverGrows() {
    reachAckedView2();
    ping(C, 0);
    ping(D, 0);

    intervals(
        200,
        () -> {
          ping(A, 2);
          ping(A, 2); // duplicates change nothing either
          ping(B, 2);
          ping(C, 2);
          ping(D, 0);
        });

    assertThat(vs.view()).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isTrue();
    assertThat(vs.progressProblem()).isNull();
  }

  // --- restarts and duplicates --------------------------------------------------------------

  @Test
  void when_primaryRestarts_then_itIsTreatedAsDead_andBackupIsPromotedAtOnce() {
    reachAckedView2();
    ping(C, 0);

    View toldA = ping(A, 0, 2);

    assertThat(toldA).isEqualTo(new View(3, B, C));
    assertThat(vs.view()).isEqualTo(new View(3, B, C));
    assertThat(vs.isAlive(A)).as("restarted, not dead: it keeps pinging").isTrue();

    // The restarted A keeps pinging: it is an ordinary idle server now, never primary again.
    intervals(
        3,
        () -> {
          ping(A, 0, 2);
          ping(C, 3);
        });
    assertThat(vs.view()).isEqualTo(new View(3, B, C));
  }

  @Test
  void when_primaryRestartsWithoutIdleServer_then_backupIsPromotedAlone() {
    reachAckedView2();

    assertThat(ping(A, 0, 2)).isEqualTo(new View(3, B, null));
    assertThat(ping(B, 3)).isEqualTo(new View(4, B, A, 1, 2));
  }

  @Test
  void when_lateDuplicatePingFromEarlierIncarnationArrives_then_itIsIgnored() {
    reachAckedView2();
    ping(A, 0, 2); // A restarted
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
    ViewServer before = vs.copy();

    fx.clear();
    vs.onMessage(A, new Ping(2, 1), fx); // the old A "acking" view 2, delivered late

    assertThat(vs).isEqualTo(before);
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
  }

  @Test
  void when_onlyTheEarlierIncarnationKeepsPinging_then_theServerIsDeclaredDead() {
    reachAckedView2();
    ping(B, 0, 7); // B restarted with bootId 7
    assertThat(vs.view()).isEqualTo(new View(3, A, null));
    ping(A, 2);
    tick(); // closes the interval of the new B's only ping

    intervals(
        DEAD_PINGS,
        () -> {
          vs.onMessage(B, new Ping(2, 1), fx); // late pings of the old (retired) incarnation
          ping(A, 2); // A has not acked view 3 yet, so B cannot be added meanwhile
        });
    assertThat(vs.isAlive(B)).isFalse();

    ping(A, 3);

    assertThat(vs.isAcked()).isTrue();
    assertThat(vs.view()).as("the dead B is never made backup").isEqualTo(new View(3, A, null));
  }

  @Test
  void when_ackedPrimarySendsDuplicatePing0WithSameBootId_then_itIsNotARestart() {
    reachAckedView2();
    ping(C, 0);

    View toldA = ping(A, 0, 1); // a late duplicate of A's very first ping

    assertThat(toldA).isEqualTo(new View(2, A, B));
    assertThat(vs.isAcked()).isTrue();

    // A still holds its state: when B dies, A stays primary.
    intervals(
        DEAD_PINGS,
        () -> {
          ping(A, 2);
          ping(C, 0);
        });
    assertThat(vs.view()).isEqualTo(new View(3, A, C));
  }

  @Test
  void when_viewIsMade_then_itNamesTheIncarnationOfEachMember() {
    ping(A, 0, 5);
    assertThat(vs.view()).isEqualTo(new View(1, A, null, 5, 0));
    ping(A, 1, 5);

    ping(B, 0, 3);

    assertThat(vs.view()).isEqualTo(new View(2, A, B, 5, 3));
    assertThat(vs.view().isPrimary(A, 5)).isTrue();
    assertThat(vs.view().isBackup(B, 3)).isTrue();
    assertThat(vs.view().isBackup(B, 2)).isFalse();
  }

  @Test
  void when_primaryOfAStuckViewRestarts_then_theViewKeepsNamingItsEarlierIncarnation() {
    reachAckedView1();

    View toldA = ping(A, 0, 2);
    intervals(DEAD_PINGS * 2, () -> ping(A, 1, 2));

    assertThat(toldA).isEqualTo(new View(1, A, null, 1, 0));
    assertThat(toldA.isPrimary(A, 2)).isFalse();
    assertThat(vs.view()).isEqualTo(new View(1, A, null, 1, 0));
    assertThat(vs.progressProblem()).contains("restarted and lost its state");
  }

  // --- rule switches ------------------------------------------------------------------------

  @Test
  void when_promoteUninitializedSwitchIsOn_then_idleServerBecomesPrimaryWhenPrimaryDies() {
    vs = new ViewServer(CONFIG.withRules(Set.of(RuleSwitch.PROMOTE_UNINITIALIZED)));
    reachAckedView1();
    intervals(DEAD_PINGS, () -> {});

    View toldC = ping(C, 0);

    assertThat(toldC).isEqualTo(new View(2, C, null));
    assertThat(vs.view()).isEqualTo(new View(2, C, null));
  }

  @Test
  void when_ignorePrimaryAckSwitchIsOn_then_viewChangesWithoutTheAck() {
    vs = new ViewServer(CONFIG.withRules(Set.of(RuleSwitch.IGNORE_PRIMARY_ACK)));
    ping(A, 0);
    assertThat(vs.isAcked()).isFalse();

    View toldB = ping(B, 0);

    assertThat(toldB).isEqualTo(new View(2, A, B));
    tick(); // closes the interval of A's last ping

    // And with the primary dead before acking, the (maybe stateless) backup is promoted.
    intervals(DEAD_PINGS, () -> ping(B, 2));
    assertThat(vs.view()).isEqualTo(new View(3, B, null));
  }

  // --- copies and equality ------------------------------------------------------------------

  @Test
  void when_copied_then_copyEqualsOriginal_andIsIndependent() {
    reachAckedView2();

    ViewServer copy = vs.copy();
    assertThat(copy).isEqualTo(vs).hasSameHashCodeAs(vs);
    assertThat(copy.view()).isEqualTo(vs.view());
    assertThat(copy.isAcked()).isEqualTo(vs.isAcked());

    copy.onMessage(C, new Ping(0, 1), fx);
    copy.onTimer(new CheckTick(), fx);

    assertThat(copy).isNotEqualTo(vs);
    assertThat(vs.missedChecks(C)).as("original never heard of C").isEqualTo(-1);
    assertThat(vs.missedChecks(A)).isZero();
    assertThat(copy.missedChecks(A)).isEqualTo(1);
  }

  @Test
  void when_stateChanges_then_equalsAndHashCodeChange() {
    reachAckedView2();
    ViewServer before = vs.copy();

    tick(); // only the missed-check counts change

    assertThat(vs).isNotEqualTo(before);
    assertThat(vs.hashCode()).isNotEqualTo(before.hashCode());

    ViewServer afterTick = vs.copy();
    ping(A, 2);
    assertThat(vs).isNotEqualTo(afterTick);

    ViewServer beforeAck = new ViewServer(CONFIG);
    beforeAck.onMessage(A, new Ping(0, 1), fx);
    ViewServer acked = beforeAck.copy();
    acked.onMessage(A, new Ping(1, 1), fx);
    assertThat(acked).as("the ack alone is state").isNotEqualTo(beforeAck);
    assertThat(acked.hashCode()).isNotEqualTo(beforeAck.hashCode());
  }

  @Test
  void when_configsDiffer_then_nodesAreNotEqual() {
    ViewServer other = new ViewServer(CONFIG.withRules(Set.of(RuleSwitch.IGNORE_PRIMARY_ACK)));

    assertThat(new ViewServer(CONFIG)).isEqualTo(new ViewServer(CONFIG));
    assertThat(other).isNotEqualTo(new ViewServer(CONFIG));
  }

  // --- bad input ----------------------------------------------------------------------------

  record Bogus() implements Message {}

  @Test
  void when_unknownMessageArrives_then_itIsIgnored() {
    reachAckedView2();
    ViewServer before = vs.copy();
    fx.clear();

    vs.onMessage(CLIENT, new Bogus(), fx); // a node never throws on a message (design.md §8)

    assertThat(vs).isEqualTo(before);
    assertThat(fx.nothingSent()).isTrue();
  }

  @Test
  void when_viewReplyIsMisroutedToTheViewService_then_itIsIgnored() {
    reachAckedView2();
    ViewServer before = vs.copy();

    fx.clear();
    vs.onMessage(CLIENT, new ViewReply(new View(9, C, D)), fx);

    assertThat(vs).isEqualTo(before);
    assertThat(fx.nothingSent()).isTrue();
    assertThat(List.of(vs.view())).containsExactly(new View(2, A, B));
  }

  // --- remove-server (docs/design.md §2.3) ---------------------------------------------------

  private ViewServiceMessage.RemoveResult remove(Address server) {
    fx.clear();
    vs.onMessage(CLIENT, new ViewServiceMessage.RemoveServer(server), fx);
    return fx.single(CLIENT, ViewServiceMessage.RemoveResult.class);
  }

  private List<Address> listed() {
    return vs.status().servers().stream().map(ServerHealth::server).toList();
  }

  @Test
  void when_removingThePrimaryOrTheBackup_then_refusedWithTheRole_andNothingChanges() {
    reachAckedView2();
    assertThat(remove(A))
        .isEqualTo(
            new ViewServiceMessage.RemoveResult(
                A,
                false,
                "a is the primary of view 2: stop it first, and remove it once a new view has"
                    + " replaced it"));
    assertThat(remove(B).reason()).startsWith("b is the backup of view 2");
    assertThat(listed()).containsExactly(A, B);
    assertThat(vs.view()).isEqualTo(new View(2, A, B));
  }

  @Test
  void when_removingAnUnknownServer_then_refused() {
    reachAckedView2();
    assertThat(remove(D))
        .isEqualTo(
            new ViewServiceMessage.RemoveResult(D, false, "the view service does not know d"));
  }

  @Test
  void when_removingAnIdleServer_then_statusForgetsIt_andAPingBringsItBackAsIdle() {
    reachAckedView2();
    ping(C, 0);
    assertThat(listed()).containsExactly(A, B, C);
    assertThat(remove(C).removed()).isTrue();
    assertThat(listed()).containsExactly(A, B);

    // B dies: with C forgotten, no idle server can replace it.
    intervals(DEAD_PINGS, () -> ping(A, 2));
    assertThat(vs.view()).isEqualTo(new View(3, A, null));
    ping(A, 3);
    tick();
    assertThat(remove(B).removed()).isTrue(); // a former member, dead and out of the view
    assertThat(listed()).containsExactly(A);

    // C pings again: a new idle server, and the next backup.
    ping(C, 0, 7);
    assertThat(listed()).containsExactly(A, C);
    assertThat(vs.view()).isEqualTo(new View(4, A, C, 1, 7));
  }
}
