package dev.pbkv.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.rules.RuleSwitch;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With one rule switched off, the scenario that shows that rule's anomaly must fail — and fail on
 * the check that names the anomaly. This proves the scenario checks can fail.
 */
class RuleSwitchScenarioTest {

  @ParameterizedTest(name = "{0} with {1} broken fails: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "split-brain                       | BACKUP_ACCEPTS_ANY_VIEW  | A answers no client once it has been replaced",
        "missing-writes                    | PROMOTE_UNINITIALIZED    | every acknowledged write survives the crash",
        "missing-writes                    | PROMOTE_UNINITIALIZED    | the backup B, which holds every acknowledged write",
        "lost-forward                      | BACKUP_ACKS_BEFORE_APPLY | A acknowledges neither append",
        "lost-forward                      | BACKUP_ACKS_BEFORE_APPLY | x holds both appends, once each",
        "missing-writes                    | REPLY_BEFORE_BACKUP_ACK  | A does not acknowledge the append",
        "missing-writes                    | REPLY_BEFORE_BACKUP_ACK  | every acknowledged write survives the crash",
        "stale-reads                       | SERVE_READS_LOCALLY      | A serves no read once it has been replaced",
        "stale-reads                       | SERVE_READS_LOCALLY      | c1 reads x=2, not the stale 1",
        "old-messages                      | BACKUP_ACCEPTS_ANY_VIEW  | B refuses the forward of view 2",
        "old-messages                      | BACKUP_ACCEPTS_ANY_VIEW  | B's copy still equals A's",
        "outdated-client                   | NON_PRIMARY_SERVES       | A executes nothing for c1",
        "outdated-client                   | NON_PRIMARY_SERVES       | a read afterwards sees x=2",
        "transfer-interleaving             | SERVE_DURING_TRANSFER    | A does not execute the put",
        "transfer-interleaving             | SERVE_DURING_TRANSFER    | the new primary B has x=2",
        "duplicate-writes                  | TRANSFER_WITHOUT_AMO     | the append took effect exactly once",
        "duplicate-writes                  | CLIENT_RETRIES_WITH_NEW_SEQ | the append took effect exactly once",
        "one-more-corner-case              | NON_PRIMARY_SERVES       | B rejects c2's request",
        "progress-primary-fails-before-ack | IGNORE_PRIMARY_ACK       | C never becomes primary",
        "progress-primary-fails-before-ack | ACK_VIEW_BEFORE_TRANSFER | C never becomes primary",
        "progress-no-backup                | NON_PRIMARY_SERVES       | no request completes",
        "slow-link-transfer                | SERVE_DURING_TRANSFER    | the read sent during the transfer was held",
        "slow-link-transfer                | TRANSFER_SKIPS_LATER_CHUNKS | B holds all the data",
        "slow-link-transfer                | RETRY_RESENDS_EVERYTHING | the link carries the store about once",
        "slow-link-forwards                | RETRY_RESENDS_EVERYTHING | the puts keep at least 80 %",
        "big-append-sessions               | AMO_TABLE_WHOLE          | the at-most-once table holds at most 1 KiB per session, not the values",
        "big-append-sessions               | AMO_TABLE_WHOLE          | no chunk carries more than the chunk size plus one entry (1.3 MiB)",
        "size-limits                       | IGNORE_SIZE_LIMITS       | A refuses the value over the limit with an error naming it",
        "size-limits                       | IGNORE_SIZE_LIMITS       | A refuses an append whose result would be over the limit",
        "size-limits                       | IGNORE_SIZE_LIMITS       | no replica holds a value over the limit",
        "viewservice-restart-mid-view-change | ANNOUNCE_BEFORE_DURABLE | every view number names one view",
        "viewservice-restart-mid-view-change | ANNOUNCE_BEFORE_DURABLE | the restarted view service resumes view 3 from its store",
        "viewservice-restart-mid-view-change | JUDGE_LIVENESS_RIGHT_AFTER_RESTART | after its restart or takeover the view service judged nobody dead before a full dead interval",
        "viewservice-dies-between-write-and-reply | ANNOUNCE_BEFORE_DURABLE | the restarted view service resumes view 3, which it wrote before it died",
        "viewservice-store-unavailable | ANNOUNCE_BEFORE_DURABLE | the view service announces no new view",
        "two-viewservice-leaders | WRITE_VIEW_WITHOUT_VERSION_CHECK | every view number names one view",
        "two-viewservice-leaders | WRITE_VIEW_WITHOUT_VERSION_CHECK | vs1's write fails on the version check and it steps down",
        "viewservice-failover | JUDGE_LIVENESS_RIGHT_AFTER_RESTART | after its restart or takeover the view service judged nobody dead before a full dead interval",
        "viewservice-leader-dies-between-write-and-reply | ANNOUNCE_BEFORE_DURABLE | vs2 takes over view 3, which vs1 wrote before it died",
      })
  void when_ruleIsBroken_then_scenarioCatchesIt(String name, RuleSwitch rule, String check) {
    Scenario scenario = Scenarios.byName(name).orElseThrow();
    ScenarioResult correct = Scenarios.run(scenario, 1, Set.of());
    assertThat(correct.check(check).passed()).as("with the correct protocol").isTrue();

    ScenarioResult broken = Scenarios.run(scenario, 1, Set.of(rule));
    assertThat(broken.passed()).isFalse();
    assertThat(broken.check(check).passed())
        .as("check '%s' with %s broken:\n%s", check, rule, String.join("\n", broken.narration()))
        .isFalse();
  }

  /**
   * The planted bug of incarnations: boot ids that repeat across restarts (as a clock's do within
   * one tick). The restarted, empty primary is taken for the old one and wipes the backup.
   */
  @Test
  void when_bootIdsRepeat_then_restartSameBootIdCatchesTheLostWrite() {
    Scenario scenario = Scenarios.byName("restart-same-boot-id").orElseThrow();
    assertThat(Scenarios.run(scenario, 1, Set.of()).passed()).isTrue();

    ScenarioResult broken =
        Scenarios.run(scenario, 1, Set.of(), line -> {}, cluster -> cluster.reuseBootIds());
    assertThat(broken.check("the restarted A is not primary").passed())
        .as(String.join("\n", broken.narration()))
        .isFalse();
    assertThat(broken.check("c1 reads k=v after the acknowledged put").passed()).isFalse();
  }
}
