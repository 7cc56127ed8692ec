package dev.pbkv.check;

import static dev.pbkv.check.CheckSystem.VS;
import static dev.pbkv.check.CheckSystem.append;
import static dev.pbkv.check.CheckSystem.client;
import static dev.pbkv.check.CheckSystem.get;
import static dev.pbkv.check.CheckSystem.server;

import dev.pbkv.check.SearchScenario.Phase;
import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.ReplicationMessage.Forward;
import java.util.List;
import java.util.Set;

/** The named searches of {@code pbkv check} and of the search tests. */
public final class SearchScenarios {
  /**
   * The state budget of a phase: work, not time, so a search ends at the same point on a fast
   * machine and on a busy one. Ten times the largest phase under it (86,630 states: the goal phase
   * of reverse-forwards), so a search that needs more means a protocol or checker change.
   */
  static final long PHASE_STATES = 1_000_000;

  /** The budget of the two big phases (three-servers and stale-read, 757,338 and 318,384). */
  static final long BIG_PHASE_STATES = 5_000_000;

  private SearchScenarios() {}

  static final Address S1 = server(1);
  static final Address S2 = server(2);
  static final Address S3 = server(3);
  static final Address C1 = client(1);
  static final Address C2 = client(2);

  /** Every named search, in the order {@code pbkv check list} shows them. */
  public static List<SearchScenario> all() {
    return List.of(
        singleServerGoal(),
        singleServerSpace(),
        failover(),
        threeServers(),
        reverseForwards(),
        staleRead(),
        amoTransfer(),
        backupFailures(),
        unackedView(),
        earlyAck(),
        transferRace(),
        viewServiceRestartFirstView(),
        viewServiceRestartTakeover(),
        twoReplicasRace());
  }

  public static SearchScenario byName(String name) {
    for (SearchScenario s : all()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return null;
  }

  private static SearchSettings safety() {
    return new SearchSettings()
        .invariant(Predicates.resultsLinearizable())
        .invariant(Predicates.appendsNotDuplicated());
  }

  private static StatePredicate boundedTimers(List<Address> servers, long maxView) {
    return StatePredicate.of(
        "views above " + maxView + " or more than 2 missed checks",
        s ->
            Predicates.viewNumAbove(maxView).holds(s)
                || Predicates.missedChecksAbove(servers, 2).holds(s));
  }

  /** One client, one server: the client's ops complete. */
  public static SearchScenario singleServerGoal() {
    return new SearchScenario(
        "single-server-goal",
        "one client, one server: the client's append and get complete",
        rules -> CheckSystem.create().servers(1).client(append("k", "x"), get("k")).rules(rules),
        List.of(
            new Phase(
                "clients done",
                () -> safety().goal(Predicates.clientsDone()).maxStates(PHASE_STATES))),
        Outcome.GOAL_FOUND,
        Set.of());
  }

  /** One client, one server: every state under the prune, no violation. */
  public static SearchScenario singleServerSpace() {
    return new SearchScenario(
        "single-server-space",
        "one client, one server: the whole space (missed checks bounded) without a violation",
        rules -> CheckSystem.create().servers(1).client(append("k", "x"), get("k")).rules(rules),
        List.of(
            new Phase(
                "exhaust",
                () -> safety().prune(boundedTimers(List.of(S1), 2)).maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        Set.of(RuleSwitch.CLIENT_RETRIES_WITH_NEW_SEQ));
  }

  /** Two servers: an append completes, then the primary stops; the get must see the append. */
  public static SearchScenario failover() {
    return new SearchScenario(
        "failover",
        "two servers: append completes, the primary stops, the backup takes over; get sees it",
        rules -> CheckSystem.create().servers(2).client(append("k", "x"), get("k")).rules(rules),
        List.of(
            viewTwoReady(),
            firstOpDone(),
            new Phase(
                "primary stopped",
                () ->
                    safety()
                        .stop(S1)
                        .prune(boundedTimers(List.of(S1, S2), 3))
                        .maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK));
  }

  /** Three servers: like failover, with an idle server that may be drawn in. */
  public static SearchScenario threeServers() {
    return new SearchScenario(
        "three-servers",
        "three servers, one client: failover with an idle third server, views bounded to 4, a"
            + " get numbered at most twice in a view",
        rules -> CheckSystem.create().servers(3).client(append("k", "x"), get("k")).rules(rules),
        List.of(
            viewTwoReady(),
            firstOpDone(),
            new Phase(
                "primary stopped",
                () ->
                    safety()
                        .stop(S1)
                        .prune(boundedTimers(List.of(S1, S2, S3), 3))
                        .prune(Predicates.forwardIndexAbove(2))
                        .maxStates(BIG_PHASE_STATES))), // explores 757,338
        Outcome.SPACE_EXHAUSTED,
        Set.of(RuleSwitch.PROMOTE_UNINITIALIZED, RuleSwitch.REPLY_BEFORE_BACKUP_ACK));
  }

  /**
   * Prunes a state whose event delivered forward 1 (a single op) to {@code backup} and left the
   * backup with one op applied: forward 2 had not been held there, waiting for forward 1. Read from
   * the state (the backup's value of {@code k}, one character per append), not from the path, so it
   * agrees with de-duplication by fingerprint.
   */
  static StatePredicate forwardsInOrder(Address backup) {
    return StatePredicate.of(
        "forward 1 applied at " + backup + " before forward 2 arrived",
        s -> {
          if (!(s.event() instanceof Event.Deliver d)
              || !d.envelope().to().equals(backup)
              || !(d.envelope().message() instanceof Forward f)
              || f.firstIndex() != 1
              || f.lastIndex() != 1) {
            return false;
          }
          String v = s.server(backup).valueOf("k");
          return v != null && v.length() == 1;
        });
  }

  /** Two clients append; the primary's forwards reach the backup in reverse order. */
  public static SearchScenario reverseForwards() {
    return new SearchScenario(
        "reverse-forwards",
        "two clients append, forwards reach the backup in reverse order, then the primary stops",
        rules ->
            CheckSystem.create()
                .servers(2)
                .client(append("k", "x"), get("k"))
                .client(append("k", "y"))
                .rules(rules),
        List.of(
            new Phase(
                "view 2 ready",
                () ->
                    new SearchSettings()
                        .stop(C1)
                        .stop(C2)
                        .goal(Predicates.viewReady(2, S1, S2))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "appends done, forwards reversed",
                () ->
                    safety()
                        .prune(forwardsInOrder(S2))
                        .goal(
                            StatePredicate.of(
                                "both appends done",
                                s -> s.client(C1).completed() >= 1 && s.client(C2).isDone()))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "primary stopped",
                () ->
                    safety()
                        .stop(S1)
                        .prune(boundedTimers(List.of(S1, S2), 3))
                        .maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        Set.of(RuleSwitch.BACKUP_ACKS_BEFORE_APPLY));
  }

  /** An old primary cut off from the view service must not serve a stale read. */
  public static SearchScenario staleRead() {
    return new SearchScenario(
        "stale-read",
        "the primary is cut off from the view service; a new primary takes an append; a client"
            + " with the old view reads at the old primary",
        rules ->
            CheckSystem.create()
                .servers(2)
                .client(append("k", "a"), get("k"))
                .client(append("k", "x"))
                .rules(rules),
        List.of(
            new Phase(
                "view 2 ready",
                () ->
                    new SearchSettings()
                        .stop(C1)
                        .stop(C2)
                        .goal(Predicates.viewReady(2, S1, S2))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "first append executed, reply in flight",
                () ->
                    new SearchSettings()
                        .stop(C2)
                        .goal(
                            StatePredicate.of(
                                "a executed by both, c1 not told",
                                s ->
                                    "a".equals(s.server(S2).valueOf("k"))
                                        && "a".equals(s.server(S1).valueOf("k"))
                                        && s.client(C1).completed() == 0))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "s1 cut from the view service, c2 appends at the new primary",
                () ->
                    safety()
                        .stop(C1)
                        .partition(Set.of(S1), Set.of(VS, C2))
                        .goal(Predicates.clientDone(C2))
                        .prune(boundedTimers(List.of(S1, S2), 3))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "c1 reads at the old primary (which may learn the new view now)",
                () ->
                    safety()
                        .prune(boundedTimers(List.of(S1, S2), 3))
                        .maxStates(BIG_PHASE_STATES))), // explores 318,384
        Outcome.SPACE_EXHAUSTED,
        Set.of(
            RuleSwitch.SERVE_READS_LOCALLY,
            RuleSwitch.BACKUP_ACCEPTS_ANY_VIEW,
            RuleSwitch.NON_PRIMARY_SERVES));
  }

  /** The new backup's state transfer must carry the at-most-once table. */
  public static SearchScenario amoTransfer() {
    return new SearchScenario(
        "amo-transfer",
        "an append's reply is lost; two failovers later the client retries at a server that got"
            + " the state by transfer",
        rules -> CheckSystem.create().servers(3).client(append("k", "x")).rules(rules),
        List.of(
            viewTwoReady(),
            new Phase(
                "append executed, reply lost",
                () ->
                    safety()
                        .cut(S1, C1)
                        .goal(
                            StatePredicate.of(
                                "x at s1 and s2",
                                s ->
                                    "x".equals(s.server(S1).valueOf("k"))
                                        && "x".equals(s.server(S2).valueOf("k"))))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "s1 stopped, view 3 ready",
                () ->
                    safety()
                        .stop(S1)
                        .stop(C1)
                        .goal(Predicates.viewReady(3, S2, S3))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "s2 stopped, the client retries",
                () ->
                    safety()
                        .stop(S1)
                        .stop(S2)
                        .prune(boundedTimers(List.of(S1, S2, S3), 4))
                        .maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        Set.of(RuleSwitch.TRANSFER_WITHOUT_AMO));
  }

  /**
   * The backup fails, a new backup gets the state by transfer, then the primary fails: the final
   * get proves the transfer carried the earlier append.
   */
  public static SearchScenario backupFailures() {
    return new SearchScenario(
        "backup-failures",
        "three servers: append a; the backup stops, s3 becomes backup by state transfer; append"
            + " b; the primary stops; get must return ab",
        rules ->
            CheckSystem.create()
                .servers(3)
                .client(append("k", "a"), append("k", "b"), get("k"))
                .rules(rules),
        List.of(
            new Phase(
                "view 2 ready",
                () ->
                    new SearchSettings()
                        .stop(C1)
                        .stop(S3)
                        .goal(Predicates.viewReady(2, S1, S2))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "append a done",
                () ->
                    safety()
                        .stop(S3)
                        .goal(Predicates.clientCompleted(C1, 1))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "s2 stopped, view 3 (s1, s3) ready",
                () ->
                    safety()
                        .stop(S2)
                        .stop(C1)
                        .goal(Predicates.viewReady(3, S1, S3))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "append b done",
                () ->
                    safety()
                        .stop(S2)
                        .goal(Predicates.clientCompleted(C1, 2))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "s1 stopped, get at s3",
                () ->
                    safety()
                        .stop(S1)
                        .stop(S2)
                        .goal(
                            StatePredicate.of(
                                "get returned ab",
                                s ->
                                    s.client(C1).isDone()
                                        && new dev.pbkv.kv.Result.Value("ab")
                                            .equals(s.client(C1).result(2))))
                        .prune(boundedTimers(List.of(S1, S2, S3), 5))
                        .maxStates(PHASE_STATES))),
        Outcome.GOAL_FOUND,
        Set.of());
  }

  /** Append a in view 1 (s1 alone); s2 arrives; the phase {@code third} ends; s1 stops. */
  private static SearchScenario lateBackup(
      String name, String description, StatePredicate third, Set<RuleSwitch> catches) {
    return lateBackup(
        name, description, third, catches, new Command[] {append("k", "a"), get("k")});
  }

  private static SearchScenario lateBackup(
      String name,
      String description,
      StatePredicate third,
      Set<RuleSwitch> catches,
      Command[] workload) {
    return new SearchScenario(
        name,
        description,
        rules -> CheckSystem.create().servers(2).client(workload).rules(rules),
        List.of(
            new Phase(
                "view 1 ready, s2 stopped",
                () ->
                    new SearchSettings()
                        .stop(C1)
                        .stop(S2)
                        .cut(S2, VS)
                        .goal(Predicates.viewReady(1, S1, null))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "append a done in view 1",
                () ->
                    safety()
                        .stop(S2)
                        .cut(S2, VS)
                        .goal(Predicates.clientCompleted(C1, 1))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "s2 starts: " + third.name(),
                () ->
                    safety()
                        .stop(C1)
                        .goal(third)
                        .prune(
                            StatePredicate.of(
                                "a second op executed in view 1",
                                s ->
                                    s.server(S1).view().viewNum() == 1
                                        && s.client(C1).workload().size() > 2
                                        && "ab".equals(s.server(S1).valueOf("k"))))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "s1 stopped, get",
                () ->
                    safety()
                        .stop(S1)
                        .prune(boundedTimers(List.of(S1, S2), 3))
                        .maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        catches);
  }

  /** The view service must not move on from a view its primary has not acked. */
  public static SearchScenario unackedView() {
    return lateBackup(
        "unacked-view",
        "append in view 1; view 2 adds a backup; its primary stops before acking: the view"
            + " service must not promote the backup",
        StatePredicate.of("view 2 made", s -> s.viewServer().view().viewNum() == 2),
        Set.of(RuleSwitch.IGNORE_PRIMARY_ACK));
  }

  /** The primary must ack a view only once its backup holds the state. */
  public static SearchScenario earlyAck() {
    return lateBackup(
        "early-ack",
        "append in view 1; view 2 adds a backup and is acked; the primary stops: the backup must"
            + " hold the append",
        StatePredicate.of(
            "view 2 acked", s -> s.viewServer().view().viewNum() == 2 && s.viewServer().isAcked()),
        Set.of(RuleSwitch.ACK_VIEW_BEFORE_TRANSFER));
  }

  /** An op that arrives while the state transfer is outstanding must wait for it (rule 5). */
  public static SearchScenario transferRace() {
    return lateBackup(
        "transfer-race",
        "append a in view 1; view 2 adds a backup; append b races the state transfer; the"
            + " primary stops: get must return ab",
        StatePredicate.of(
            "append b executed by s1 in view 2, view 2 acked",
            s ->
                s.server(S1).view().viewNum() == 2
                    && s.viewServer().view().viewNum() == 2
                    && s.viewServer().isAcked()
                    && s.client(C1).submitted() == 2
                    && "ab".equals(s.server(S1).valueOf("k"))),
        Set.of(RuleSwitch.SERVE_DURING_TRANSFER),
        new Command[] {append("k", "a"), append("k", "b"), get("k")});
  }

  /** The view service's own invariants, for searches in which it restarts. */
  private static SearchSettings viewServiceSafety() {
    return new SearchSettings()
        .invariant(Predicates.viewsUnique())
        .invariant(Predicates.nobodyJudgedDeadRightAfterRestart());
  }

  /**
   * Two servers and a view service that may restart at any point from the very start: whatever
   * views it makes, every view number names one view.
   */
  public static SearchScenario viewServiceRestartFirstView() {
    return new SearchScenario(
        "viewservice-restart-first-view",
        "two servers; the view service restarts from its store at any point while it makes the"
            + " first views: one view per number",
        rules -> CheckSystem.create().servers(2).viewServiceRestarts(true).rules(rules),
        List.of(
            new Phase(
                "restarts anywhere",
                () ->
                    viewServiceSafety()
                        .prune(boundedTimers(List.of(S1, S2), 1))
                        .maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        Set.of(RuleSwitch.ANNOUNCE_BEFORE_DURABLE));
  }

  /**
   * View 2 = (s1, s2) is acked; then the view service restarts (any number of times, at any point):
   * it must give both members a full dead interval before it judges them.
   */
  public static SearchScenario viewServiceRestartTakeover() {
    return new SearchScenario(
        "viewservice-restart-takeover",
        "view 2 = (s1, s2) acked; the view service restarts from its store: nobody judged dead"
            + " before a full dead interval, one view per number",
        rules -> CheckSystem.create().servers(2).viewServiceRestarts(true).rules(rules),
        List.of(
            new Phase(
                "view 2 ready",
                () ->
                    new SearchSettings()
                        .stop(CheckSystem.VS_CRASHER)
                        .goal(Predicates.viewReady(2, S1, S2))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "restarts",
                () ->
                    viewServiceSafety()
                        .prune(boundedTimers(List.of(S1, S2), 3))
                        .maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        Set.of(RuleSwitch.JUDGE_LIVENESS_RIGHT_AFTER_RESTART));
  }

  /**
   * Two view-service replicas share one store (docs/design.md §2.2). View 2 = (s1, s2) is acked
   * under vs1; then the election hands leadership to vs2 at any point while vs1 may never hear, so
   * both believe they lead and race to write the next view, each timing liveness from the pings it
   * receives. Whatever they do: one view per number (replicas, store and servers), the stored view
   * never goes back, and nobody is judged dead within a dead interval of a takeover. In the race
   * vs1 hears only s1's pings and vs2 only s2's (one-way cuts), so each sees the other member die
   * and both go for view 3; without the cuts the space passes 1.3 million states at depth 15
   * (24,725 + 13,530 states with them).
   */
  public static SearchScenario twoReplicasRace() {
    return new SearchScenario(
        "two-replicas-race",
        "two view-service replicas share one store; view 2 = (s1, s2) acked under vs1; vs2 is"
            + " elected at any point while vs1 may never hear: both race for the next view",
        rules -> CheckSystem.create().servers(2).replicatedViewService(true).rules(rules),
        List.of(
            new Phase(
                "view 2 ready under vs1",
                () ->
                    new SearchSettings()
                        .stop(CheckSystem.ELECTION)
                        .goal(Predicates.viewReady(2, S1, S2))
                        .maxStates(PHASE_STATES)),
            new Phase(
                "vs2 elected, both lead, vs1 hears only s1 and vs2 only s2",
                () ->
                    viewServiceSafety()
                        .cut(S2, CheckSystem.VS1)
                        .cut(S1, CheckSystem.VS2)
                        .invariant(Predicates.storedViewNeverGoesBack())
                        .prune(
                            StatePredicate.of(
                                "views above 3 or more than 1 missed check",
                                s ->
                                    Predicates.viewNumAbove(3).holds(s)
                                        || Predicates.missedChecksAbove(List.of(S1, S2), 1)
                                            .holds(s)))
                        .maxStates(PHASE_STATES))),
        Outcome.SPACE_EXHAUSTED,
        Set.of(
            RuleSwitch.WRITE_VIEW_WITHOUT_VERSION_CHECK,
            RuleSwitch.JUDGE_LIVENESS_RIGHT_AFTER_RESTART,
            RuleSwitch.ANNOUNCE_BEFORE_DURABLE));
  }

  /** Setup phase: the client waits while view 2 = (s1, s2) forms and is acked. */
  private static Phase viewTwoReady() {
    return new Phase(
        "view 2 ready",
        () ->
            new SearchSettings()
                .stop(C1)
                .goal(Predicates.viewReady(2, S1, S2))
                .maxStates(PHASE_STATES));
  }

  /** Setup phase: the client's first op completes, under the safety invariants. */
  private static Phase firstOpDone() {
    return new Phase(
        "append done",
        () -> safety().goal(Predicates.clientCompleted(C1, 1)).maxStates(PHASE_STATES));
  }
}
