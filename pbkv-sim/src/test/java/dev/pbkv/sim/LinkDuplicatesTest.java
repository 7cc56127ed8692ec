package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.ForwardAck;
import dev.pbkv.server.ReplicationMessage.LogEntry;
import dev.pbkv.server.ReplicationMessage.Op;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ReplicationMessage.StateTransferAck;
import dev.pbkv.server.ServerTimer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link LinkDuplicates} counts as sent again, by a retry or otherwise. */
class LinkDuplicatesTest {
  private static final Address P = Address.of("s1");
  private static final Address B = Address.of("s2");
  private static final Address C = Address.of("c1");

  private final LinkDuplicates d = new LinkDuplicates();
  private long nextId;

  private static LogEntry op(long seq) {
    return new Op(C, seq, new Command.Put("k", "v".repeat(100)));
  }

  /** Bytes the entries {@code from..to} (view 1) add to a forward. */
  private static long entryBytes(long from, long to) {
    long n = 0;
    for (long i = from; i <= to; i++) {
      n += new Forward(1, i, List.of(op(i))).sizeBytes() - dev.pbkv.node.Message.SMALL_BYTES;
    }
    return n;
  }

  private static Forward forward(long from, long to) {
    List<LogEntry> entries = new java.util.ArrayList<>();
    for (long i = from; i <= to; i++) {
      entries.add(op(i));
    }
    return new Forward(1, from, entries);
  }

  private long send(Address from, Address to, dev.pbkv.node.Message msg) {
    long id = ++nextId;
    d.onSend(0, id, from, to, msg);
    return id;
  }

  /** {@code msg} sent by P's retry timer. */
  private long retry(dev.pbkv.node.Message msg) {
    d.onTimer(0, P, new ServerTimer.ForwardRetry(1, 0, 50));
    long id = send(P, B, msg);
    d.onHandled(0, P, null);
    return id;
  }

  private LinkDuplicates.Counts counts() {
    return d.counts().get(new LinkDuplicates.Link(P, B));
  }

  @Test
  void when_aRetryResendsForwardsStillOnTheLink_orAcked_then_theirEntriesCount_reBatchedToo() {
    d.watch(P, B);
    long first = send(P, B, forward(1, 2));
    send(P, B, forward(3, 3));
    d.onDeliver(0, first, P, B, forward(1, 2));
    send(B, P, new ForwardAck(1, 2)); // 1-2 acked; 3 still on the link
    retry(forward(1, 4)); // go-back-N: the unacked entries re-batched with a new one
    assertThat(counts().retryDuplicateBytes).isEqualTo(entryBytes(1, 3));
    assertThat(counts().entryDuplicateBytes).isEqualTo(entryBytes(1, 3));
    assertThat(counts().entryBytes).isEqualTo(entryBytes(1, 3) + entryBytes(1, 4));
  }

  @Test
  void when_aLostForwardIsResent_orADuplicateAnswersAGapReport_then_noRetryDuplicate() {
    d.watch(P, B);
    long lost = send(P, B, forward(1, 2));
    d.onDrop(0, lost, P, B, forward(1, 2), "lost by the network");
    retry(forward(1, 2)); // a lost forward re-sent is no duplicate, even from a timer
    assertThat(counts().duplicateBytes()).isZero();
    send(P, B, forward(1, 2)); // the answer to a second gap report while the first is on the link
    assertThat(counts().entryDuplicateBytes).isEqualTo(entryBytes(1, 2));
    assertThat(counts().retryDuplicateBytes).isZero();
  }

  @Test
  void when_aChunkArrivedAndWasDiscarded_then_itsResendIsNoDuplicate_butAnAckedOneIs() {
    d.watch(P, B);
    StateTransfer c0 = new StateTransfer(2, 0, false, DataChunk.of(Map.of("k", "v")), Map.of(), 0);
    long id = send(P, B, c0);
    d.onDeliver(0, id, P, B, c0); // discarded (the backup has not learned view 2): not acked
    retry(c0);
    assertThat(counts().chunkDuplicateBytes).isZero();
    send(B, P, new StateTransferAck(2, 0));
    retry(c0);
    assertThat(counts().retryDuplicateBytes).isEqualTo(c0.sizeBytes());
  }

  @Test
  void when_aLinkIsNotWatched_then_nothingIsCounted() {
    d.watch(P, B);
    send(B, P, forward(1, 1));
    retry(forward(1, 1));
    assertThat(counts().duplicateBytes()).isZero();
    assertThat(d.counts()).containsOnlyKeys(new LinkDuplicates.Link(P, B));
  }
}
