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
 * A replica's takeover (docs/design.md §2.2): a follower times every server's pings, so once it has
 * heard them for more than a full dead interval it judges at once after a takeover; a replica that
 * started too recently to vouch for that gives every member the full grace. A follower decides
 * nothing, and refuses remove-server.
 */
class ReplicaTakeoverTest {
  private static final int DEAD_PINGS = 5;
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");

  private final RecordingEffects fx = new RecordingEffects();
  private final InMemoryViewStore store = new InMemoryViewStore();
  private final ViewServer leader = replica(Set.of());
  private ViewServer follower = replica(Set.of());

  private ViewServer replica(Set<RuleSwitch> rules) {
    ViewServer v = ViewServer.replica(new ViewServiceConfig(100, DEAD_PINGS, rules), store);
    v.init(fx);
    fx.clear();
    return v;
  }

  private View ping(ViewServer vs, Address server, long viewNum, long bootId) {
    fx.clear();
    vs.onMessage(server, new Ping(viewNum, bootId), fx);
    return fx.single(server, ViewReply.class).view();
  }

  private void tick(ViewServer vs) {
    fx.clear();
    vs.onTimer(new CheckTick(), fx);
  }

  /** View 2 = (A#11, B#22), acked, written by the leader; the follower has read it. */
  private void reachAckedView2() {
    leader.leadershipGained();
    ping(leader, A, 0, 11);
    ping(leader, A, 1, 11);
    ping(leader, B, 0, 22);
    ping(leader, A, 2, 11);
    ping(follower, A, 2, 11); // servers ping every replica
    ping(follower, B, 2, 22);
    tick(leader);
    tick(follower);
    assertThat(leader.view()).isEqualTo(new View(2, A, B, 11, 22));
    assertThat(leader.isAcked()).isTrue();
    assertThat(follower.view()).isEqualTo(leader.view());
  }

  /**
   * {@code n} intervals in which B pings the follower and A pings nobody: A died, and so did the
   * leader (it is not driven any more).
   */
  private void aSilentFor(int n) {
    for (int i = 0; i < n; i++) {
      ping(follower, B, 2, 22);
      tick(follower);
    }
  }

  @Test
  void when_aFollowerHeardTheDeadPrimaryMissAFullDeadInterval_then_itPromotesTheBackupAtTakeover() {
    reachAckedView2();
    aSilentFor(DEAD_PINGS + 1);
    assertThat(follower.view().viewNum()).as("a follower decides nothing").isEqualTo(2);
    assertThat(follower.missedChecks(A)).isGreaterThanOrEqualTo(DEAD_PINGS);

    leader.leadershipLost(); // the leader died with the primary
    follower.leadershipGained();
    View next = ping(follower, B, 2, 22);

    assertThat(next).isEqualTo(new View(3, B, null, 22, 0));
    assertThat(store.read().state().view()).isEqualTo(next);
  }

  @Test
  void when_aFollowerStartedTooRecentlyToVouch_then_itGivesTheMembersAFullDeadInterval() {
    reachAckedView2();
    follower = replica(Set.of()); // restarted: it has heard nothing yet
    aSilentFor(DEAD_PINGS);
    leader.leadershipLost();
    follower.leadershipGained();
    for (int i = 0; i < DEAD_PINGS; i++) {
      ping(follower, B, 2, 22);
      tick(follower);
      assertThat(follower.view().viewNum()).as("grace, interval " + (i + 1)).isEqualTo(2);
    }
    ping(follower, B, 2, 22);
    tick(follower);
    assertThat(follower.view()).isEqualTo(new View(3, B, null, 22, 0));
  }

  @Test
  void when_aFollowerLastHeardAnotherIncarnation_then_itGivesThatMemberTheGrace_untilItsNextPing() {
    reachAckedView2();
    for (int i = 0; i < DEAD_PINGS + 1; i++) {
      ping(follower, A, 0, 12); // A restarted as #12: the view's #11 is gone
      ping(follower, B, 2, 22);
      tick(follower);
    }
    leader.leadershipLost();
    follower.leadershipGained();
    assertThat(follower.isAlive(A)).as("the view's A#11 gets the grace").isTrue();
    assertThat(store.read().state().isRetired(A, 11)).isFalse();

    View next = ping(follower, A, 0, 12); // the next ping says #12 is the newer one

    assertThat(store.read().state().isRetired(A, 11)).isTrue();
    // A is back as #12, but by address it is still a member of view 2: it is backup in a later view
    assertThat(next).isEqualTo(new View(3, B, null, 22, 0));
  }

  @Test
  void when_aFollowerIsAskedToRemoveAServer_then_itRefuses_andTheLeaderDoesIt() {
    reachAckedView2();
    ping(leader, C, 0, 33);
    ping(follower, C, 0, 33);

    assertThat(follower.remove(C).removed()).isFalse();
    assertThat(follower.remove(C).reason()).contains("does not lead");
    assertThat(leader.remove(C).removed()).isTrue();
  }
}
