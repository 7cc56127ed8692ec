package dev.pbkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.LogEntry;
import dev.pbkv.server.ReplicationMessage.Op;
import dev.pbkv.server.ReplicationMessage.Sweep;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The primary's log on its own: numbering, batching, the in-flight window, cumulative acks,
 * re-sending and renumbering in a new view (docs/design.md §4).
 */
class PrimaryLogTest {
  private static final Address C1 = Address.of("c1");
  private static final Address C2 = Address.of("c2");

  private static Op op(Address client, long seq) {
    return new Op(client, seq, new Command.Append("k", client + "." + seq));
  }

  private static PrimaryLog logOf(LogEntry... entries) {
    PrimaryLog log = new PrimaryLog();
    for (LogEntry e : entries) {
      log.add(e);
    }
    return log;
  }

  @Test
  void when_entriesAreQueued_then_forwardsNumberThemConsecutively_inBatches() {
    PrimaryLog log = logOf(op(C1, 1), op(C2, 1), new Sweep(), op(C1, 2), op(C2, 2));
    assertThat(log.lastIndex()).isEqualTo(5);
    Forward f1 = log.nextForward(7, 10, 2);
    Forward f2 = log.nextForward(7, 10, 2);
    Forward f3 = log.nextForward(7, 10, 2);
    assertThat(f1).isEqualTo(new Forward(7, 1, List.of(op(C1, 1), op(C2, 1))));
    assertThat(f2).isEqualTo(new Forward(7, 3, List.of(new Sweep(), op(C1, 2))));
    assertThat(f3).isEqualTo(new Forward(7, 5, List.of(op(C2, 2))));
    assertThat(log.nextForward(7, 10, 2)).as("nothing left to send").isNull();
    assertThat(log.hasUnsent()).isFalse();
    assertThat(log.hasUnacked()).isTrue();
  }

  @Test
  void when_theWindowIsFull_then_noForwardUntilAnAck() {
    PrimaryLog log = logOf(op(C1, 1), op(C1, 2), op(C1, 3));
    assertThat(log.nextForward(1, 2, 1).firstIndex()).isEqualTo(1);
    assertThat(log.nextForward(1, 2, 1).firstIndex()).isEqualTo(2);
    assertThat(log.nextForward(1, 2, 1)).as("two forwards in flight").isNull();
    assertThat(log.acknowledge(1)).containsExactly(op(C1, 1));
    assertThat(log.nextForward(1, 2, 1)).isEqualTo(new Forward(1, 3, List.of(op(C1, 3))));
  }

  @Test
  void when_acksArrive_then_theyAreCumulative_andNeverReleaseUnsentOrOldEntries() {
    PrimaryLog log = logOf(op(C1, 1), op(C2, 1), op(C1, 2));
    log.nextForward(1, 10, 2); // #1-2 sent, #3 not yet
    assertThat(log.acknowledge(3))
        .as("an ack beyond what was sent releases only what was sent")
        .containsExactly(op(C1, 1), op(C2, 1));
    assertThat(log.executedIndex()).isEqualTo(2);
    assertThat(log.acknowledge(2)).as("a duplicate ack").isEmpty();
    assertThat(log.acknowledge(1)).as("an old ack").isEmpty();
    assertThat(log.size()).isEqualTo(1);
    assertThat(log.contains(C1, 2)).isTrue();
    assertThat(log.contains(C1, 1)).as("executed: no longer queued").isFalse();
  }

  @Test
  void when_writesToAKeyAreQueued_then_theirBytesArePending_untilEachIsAcknowledged() {
    Op first = new Op(C1, 1, new Command.Append("k", "abc"));
    Op second = new Op(C2, 1, new Command.Put("k", "defgh"));
    Op other = new Op(C1, 2, new Command.Put("j", "xy"));
    Op read = new Op(C2, 2, new Command.Get("k"));
    PrimaryLog log = logOf(first, second, other, read);
    assertThat(log.pendingValueBytes("k")).isEqualTo(8);
    assertThat(log.pendingValueBytes("j")).isEqualTo(2);
    assertThat(log.pendingValueBytes("none")).isZero();
    assertThat(log.pendingWrittenBytes()).as("over every key").isEqualTo(10);
    log.nextForward(1, 10, 10);
    log.acknowledge(1);
    assertThat(log.pendingValueBytes("k")).as("the first append executed").isEqualTo(5);
    assertThat(log.pendingValueBytes("j")).as("another key is untouched").isEqualTo(2);
    assertThat(log.pendingWrittenBytes()).isEqualTo(7);
    log.acknowledge(4);
    assertThat(log.pendingValueBytes("k")).isZero();
    assertThat(log.pendingValueBytes("j")).isZero();
    assertThat(log.pendingWrittenBytes()).isZero();
  }

  @Test
  void when_aSweepIsQueued_then_itIsKnownUntilExecuted() {
    PrimaryLog log = logOf(op(C1, 1), new Sweep());
    assertThat(log.hasQueuedSweep()).isTrue();
    log.nextForward(1, 10, 10);
    log.acknowledge(1);
    assertThat(log.hasQueuedSweep()).isTrue();
    log.acknowledge(2);
    assertThat(log.hasQueuedSweep()).isFalse();
    assertThat(log.isEmpty()).isTrue();
  }

  @Test
  void when_aClientRetriesAQueuedRequest_then_theLogKnowsIt_butNotAnOlderOne() {
    PrimaryLog log = logOf(op(C1, 1), op(C1, 2));
    assertThat(log.contains(C1, 2)).isTrue();
    assertThat(log.contains(C1, 1)).as("only the newest request of a session").isFalse();
    assertThat(log.contains(C2, 2)).isFalse();
  }

  @Test
  void when_everythingIsResent_then_theNextForwardStartsAfterTheLastAck() {
    PrimaryLog log = logOf(op(C1, 1), op(C1, 2), op(C1, 3));
    log.nextForward(4, 10, 1);
    log.nextForward(4, 10, 1);
    log.nextForward(4, 10, 1);
    log.acknowledge(1);
    log.resendAll();
    assertThat(log.hasUnacked()).isFalse();
    assertThat(log.nextForward(4, 10, 5))
        .isEqualTo(new Forward(4, 2, List.of(op(C1, 2), op(C1, 3))));
  }

  @Test
  void when_aNewViewStarts_then_theQueuedEntriesKeepTheirOrder_numberedFrom1() {
    PrimaryLog log = logOf(op(C1, 1), op(C2, 1), op(C1, 2));
    log.nextForward(1, 10, 10);
    log.acknowledge(1);
    log.renumberForNewView();
    assertThat(log.executedIndex()).isZero();
    assertThat(log.nextForward(2, 10, 10))
        .isEqualTo(new Forward(2, 1, List.of(op(C2, 1), op(C1, 2))));
  }

  @Test
  void when_drained_then_everyEntryComesOutInOrder_andTheLogIsEmpty() {
    PrimaryLog log = logOf(op(C1, 1), new Sweep(), op(C2, 1));
    log.nextForward(1, 10, 1);
    assertThat(log.drainAll()).containsExactly(op(C1, 1), new Sweep(), op(C2, 1));
    assertThat(log.isEmpty()).isTrue();
    assertThat(log.hasQueuedSweep()).isFalse();
    assertThat(log.contains(C2, 1)).isFalse();
    assertThat(log.executedIndex()).isEqualTo(3);
    assertThat(log.hasUnsent()).isFalse();
    assertThat(log.hasUnacked()).isFalse();
  }

  @Test
  void when_copied_then_theCopyIsEqual_andIndependent() {
    PrimaryLog log = logOf(op(C1, 1), op(C2, 1));
    log.nextForward(1, 10, 1);
    PrimaryLog copy = new PrimaryLog();
    copy.copyFrom(log);
    assertThat(copy).isEqualTo(log).hasSameHashCodeAs(log);
    copy.acknowledge(1);
    assertThat(copy).isNotEqualTo(log);
    assertThat(log.size()).isEqualTo(2);
    assertThat(log.contains(C1, 1)).isTrue();
  }
}
