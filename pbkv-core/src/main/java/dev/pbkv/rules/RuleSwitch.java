package dev.pbkv.rules;

/**
 * Test-only switches that each break one rule of the primary/backup protocol on purpose, so that
 * tests can show the checks catch the anomaly the rule prevents. Production configurations use none
 * of them.
 */
public enum RuleSwitch {
  /** Rule 1 broken: when the primary dies, the view service promotes an idle server. */
  PROMOTE_UNINITIALIZED("rule 1", "view service promotes an idle (uninitialized) server"),
  /** Rule 1's precondition broken: the view service changes views without the primary's ack. */
  IGNORE_PRIMARY_ACK("rule 1 / ack", "view service changes the view without the primary's ack"),
  /** Rule 2 broken: the primary executes and replies without waiting for the backup. */
  REPLY_BEFORE_BACKUP_ACK("rule 2", "primary replies before the backup acknowledges"),
  /** Rule 2 broken for reads only: the primary answers reads from its own state. */
  SERVE_READS_LOCALLY("rule 2 / reads", "primary serves reads without the backup"),
  /** Rule 2 broken at the backup: it acks forwards it has received but not yet applied. */
  BACKUP_ACKS_BEFORE_APPLY("rule 2 / backup", "backup acknowledges before applying in order"),
  /** Rule 3 broken: the backup accepts forwards from any view and any sender. */
  BACKUP_ACCEPTS_ANY_VIEW("rule 3", "backup accepts forwards from any view"),
  /** Rule 4 broken: a non-primary executes client requests. */
  NON_PRIMARY_SERVES("rule 4", "non-primary servers answer clients"),
  /** Rule 5 broken: the primary executes ops locally while a state transfer is outstanding. */
  SERVE_DURING_TRANSFER("rule 5", "primary executes ops during state transfer"),
  /** Rule 5's precondition broken: the primary acks a view before its backup holds the state. */
  ACK_VIEW_BEFORE_TRANSFER("rule 5 / ack", "primary acks a view before the state transfer"),
  /** State transfer without the at-most-once table ("must include RPC data"). */
  TRANSFER_WITHOUT_AMO("at-most-once", "state transfer omits the at-most-once table"),
  /** At-most-once broken at the client: a retry gets a new sequence number. */
  CLIENT_RETRIES_WITH_NEW_SEQ("at-most-once / client", "client retries with a new sequence number"),
  /**
   * Rule 5 broken in chunks after the first: the backup acknowledges them without installing them.
   * Only a transfer of more than one chunk shows it (the swarm's {@code chunks} mode).
   */
  TRANSFER_SKIPS_LATER_CHUNKS(
      "rule 5 / chunks",
      "backup acks state-transfer chunks after the first without installing them"),
  /**
   * Session expiry broken: the primary sweeps its own table at once instead of through the log, so
   * the backup keeps sessions the primary dropped. Only a run that sweeps shows it (the swarm's
   * {@code expiry} mode).
   */
  SWEEP_WITHOUT_BACKUP("expiry", "primary sweeps sessions without forwarding the sweep"),
  /**
   * No back-off and go-back-N retries (issue 13 item 2, the protocol before it): every retry
   * re-sends every unacknowledged forward or chunk at a fixed interval, whatever the link still
   * holds. Safe, but on a slow link the duplicates fill it (the swarm's {@code pressure} mode and
   * the slow-link scenarios show it).
   */
  RETRY_RESENDS_EVERYTHING(
      "retransmission", "retries re-send every unacknowledged forward and chunk, without back-off"),
  /**
   * Rule 1 broken for unacked views only: when the primary of a view it has not acked dies, the
   * view service promotes the backup, which may not hold the state yet. Only overlapping faults
   * (the primary failing during a state transfer) show it (the swarm's {@code overlap} mode).
   */
  PROMOTE_BACKUP_OF_UNACKED_VIEW(
      "rule 1 / unacked", "view service promotes the backup of a view its primary never acked"),
  /**
   * The view service's durability broken: it announces a new view at once and writes it to its
   * store only once the view is acked, so a restart in between forgets a view the servers hold.
   */
  ANNOUNCE_BEFORE_DURABLE(
      "view durability", "view service announces a view before writing it to its store"),
  /**
   * The view service's soft liveness state broken: right after a (re)start, or a replica's takeover
   * of the leadership (docs/design.md §2.2), it counts a member it has not heard from yet as dead,
   * instead of waiting a full dead interval.
   */
  JUDGE_LIVENESS_RIGHT_AFTER_RESTART(
      "view liveness", "view service judges members dead right after it restarts or takes over"),
  /**
   * The replicated view service's fencing broken (docs/design.md §2.2): a replica writes its next
   * view over whatever the store holds instead of on the version it read, so a deposed leader that
   * still believes it leads overwrites the new leader's view with one of its own.
   */
  WRITE_VIEW_WITHOUT_VERSION_CHECK(
      "view fencing", "a view-service replica writes a view without the version check"),
  /**
   * Size limits broken (docs/design.md §10): the primary takes keys and values of any size, and
   * appends that grow a value past the limit. Only values over the limit show it (the {@code
   * size-limits} scenario); the swarm's values are small.
   */
  IGNORE_SIZE_LIMITS("size limits", "primary executes keys and values over the size limits"),
  /**
   * The at-most-once table's byte bound broken (docs/design.md §4.3): every cached result is kept
   * whole (an append's is the key's whole new value) and the whole table travels in chunk 0 of a
   * state transfer, as before issue 13. Only large appended values show it (the {@code
   * big-append-sessions} scenario).
   */
  AMO_TABLE_WHOLE(
      "at-most-once / bytes",
      "at-most-once table caches whole append results and sends the whole table in chunk 0");

  private final String rule;
  private final String description;

  RuleSwitch(String rule, String description) {
    this.rule = rule;
    this.description = description;
  }

  /** Which rule of the lecture this switch breaks. */
  public String rule() {
    return rule;
  }

  /** What the broken behaviour is, in words. */
  public String description() {
    return description;
  }
}
