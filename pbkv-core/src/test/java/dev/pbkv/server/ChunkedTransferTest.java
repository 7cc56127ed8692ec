package dev.pbkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.RecordingEffects;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.ClientMessage.Request;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ReplicationMessage.StateTransferAck;
import dev.pbkv.server.ReplicationMessage.TransferProbe;
import dev.pbkv.server.ServerTimer.TransferRetry;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The state transfer in chunks (docs/design.md §4, rule 5): the primary streams its store in chunks
 * with a window and retries; the backup installs the chunks of its current view strictly in order.
 */
class ChunkedTransferTest {
  private static final Address VS = Address.of("vs");
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");
  private static final Address CLIENT = Address.of("client1");

  /** Chunks of about 100 bytes (4 or 5 entries of ~22 bytes), two unacknowledged at a time. */
  private static final ServerConfig SMALL_CHUNKS =
      ServerConfig.defaults().withTransferChunks(100, 2);

  private final RecordingEffects fx = new RecordingEffects();

  private PbServer start(Address self, ServerConfig config) {
    PbServer s = new PbServer(self, VS, 1, config);
    s.init(fx);
    fx.clear();
    return s;
  }

  private void deliver(PbServer s, Address from, Message msg) {
    fx.clear();
    s.onMessage(from, msg, fx);
  }

  /** A, primary of view 1 without a backup, holding {@code keys} keys and one session. */
  private PbServer primaryWithData(int keys, ServerConfig config) {
    PbServer a = start(A, config);
    for (int i = 0; i < keys; i++) {
      a.preload("key:" + i, "0123456789abcdef");
    }
    deliver(a, VS, new ViewReply(new View(1, A, null)));
    deliver(a, CLIENT, new Request(1, new Command.Put("from-client", "x"), 1));
    assertThat(a.isServing()).isTrue();
    fx.clear();
    return a;
  }

  @Test
  void when_theStoreSpansManyChunks_then_theyGoOutInAWindow_andTheBackupEndsEqual() {
    PbServer a = primaryWithData(40, SMALL_CHUNKS);
    PbServer b = start(B, SMALL_CHUNKS);
    View v2 = new View(2, A, B);
    deliver(b, VS, new ViewReply(v2));

    deliver(a, VS, new ViewReply(v2));
    List<StateTransfer> window = fx.messagesTo(B, StateTransfer.class);
    assertThat(window).extracting(StateTransfer::chunkIndex).containsExactly(0, 1);
    assertThat(window.get(0).sessions()).as("the table follows the data").isEmpty();
    assertThat(window.get(1).sessions()).isEmpty();
    assertThat(window).noneMatch(StateTransfer::lastChunk);

    int chunks = 0;
    Map<String, String> seen = new HashMap<>();
    List<StateTransfer> inFlight = window;
    while (!inFlight.isEmpty()) {
      StateTransfer chunk = inFlight.get(0);
      assertThat(chunk.chunkIndex()).isEqualTo(chunks++);
      chunk.data().toMap().forEach((k, v) -> assertThat(seen.put(k, v)).as(k).isNull());
      assertThat(a.isServing()).isFalse();
      deliver(b, A, chunk);
      StateTransferAck ack = fx.single(A, StateTransferAck.class);
      assertThat(ack).isEqualTo(new StateTransferAck(2, chunk.chunkIndex()));
      deliver(a, B, ack);
      List<StateTransfer> more = fx.messagesTo(B, StateTransfer.class);
      assertThat(more.size()).as("one acked, at most one more").isLessThanOrEqualTo(1);
      inFlight = new java.util.ArrayList<>(inFlight.subList(1, inFlight.size()));
      inFlight.addAll(more);
      if (chunk.lastChunk()) {
        assertThat(inFlight).isEmpty();
      }
    }

    assertThat(chunks).as("41 entries of ~22 bytes in chunks of 100 bytes").isBetween(8, 12);
    assertThat(seen).hasSize(41);
    assertThat(b.hasInstalledState()).isTrue();
    assertThat(b.stateSnapshot()).isEqualTo(a.stateSnapshot());
    assertThat(a.isServing()).isTrue();
    assertThat(fx.sentTo(VS)).as("the view is acked only now").containsExactly(new Ping(2, 1));
  }

  @Test
  void when_theWindowIsOne_then_chunksGoOneAtATime() {
    PbServer a = primaryWithData(20, ServerConfig.defaults().withTransferChunks(100, 1));

    deliver(a, VS, new ViewReply(new View(2, A, B)));
    assertThat(fx.messagesTo(B, StateTransfer.class))
        .extracting(StateTransfer::chunkIndex)
        .containsExactly(0);

    deliver(a, B, new StateTransferAck(2, 0));
    assertThat(fx.messagesTo(B, StateTransfer.class))
        .extracting(StateTransfer::chunkIndex)
        .containsExactly(1);
  }

  @Test
  void when_noChunkIsAcknowledgedForAnInterval_then_theRetryBacksOff_andProbesOnlyAfterALoss() {
    PbServer a = primaryWithData(40, SMALL_CHUNKS);
    deliver(a, VS, new ViewReply(new View(2, A, B)));
    List<StateTransfer> first = fx.messagesTo(B, StateTransfer.class);
    assertThat(first).hasSize(2);
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new TransferRetry(2, 0, 100), 100, 125));

    fx.clear();
    a.onTimer(new TransferRetry(2, 0, 100), fx);
    assertThat(fx.nothingSent())
        .as("no progress, no loss reported: the chunks may still be on a slow link")
        .isTrue();
    assertThat(fx.timers())
        .as("backs off: twice the interval, with a quarter of jitter")
        .containsExactly(new RecordingEffects.TimerSet(new TransferRetry(2, 0, 200), 200, 250));

    fx.clear();
    a.onConnectionReset(B, fx);
    assertThat(fx.nothingSent()).as("a report is only noted").isTrue();
    a.onTimer(new TransferRetry(2, 0, 200), fx);
    assertThat(fx.sentTo(B))
        .as("after a loss report: a probe behind the last chunk sent")
        .containsExactly(new TransferProbe(2, 1));
    assertThat(fx.timers(TransferRetry.class)).containsExactly(new TransferRetry(2, 0, 400));

    deliver(a, B, new StateTransferAck(2, 0, 1));
    assertThat(fx.sentTo(B))
        .as("the backup installed chunk 0 and reports chunk 1 missing: only it is re-sent")
        .containsExactly(first.get(1), fx.messagesTo(B, StateTransfer.class).get(1));
    StateTransfer third = fx.messagesTo(B, StateTransfer.class).get(1);
    assertThat(third.chunkIndex()).isEqualTo(2);

    fx.clear();
    a.onTimer(new TransferRetry(2, 0, 400), fx);
    assertThat(fx.nothingSent()).as("progress since the timer was set").isTrue();
    assertThat(fx.timers(TransferRetry.class))
        .as("progress resets the interval to the base")
        .containsExactly(new TransferRetry(2, 1, 100));

    fx.clear();
    a.onTimer(new TransferRetry(1, 0), fx);
    assertThat(fx.nothingSent()).as("a timer of another view is stale").isTrue();
    assertThat(fx.timers()).isEmpty();
  }

  @Test
  void when_retriesResendEverything_then_theOldGoBackNResendsTheWindowAtAFixedInterval() {
    PbServer a =
        primaryWithData(40, SMALL_CHUNKS.withRules(Set.of(RuleSwitch.RETRY_RESENDS_EVERYTHING)));
    deliver(a, VS, new ViewReply(new View(2, A, B)));
    List<StateTransfer> first = fx.messagesTo(B, StateTransfer.class);

    fx.clear();
    a.onTimer(new TransferRetry(2, 0, 100), fx);
    assertThat(fx.sentTo(B)).containsExactly(first.get(0), first.get(1));
    assertThat(fx.timers())
        .containsExactly(new RecordingEffects.TimerSet(new TransferRetry(2, 0, 100), 100, 100));
  }

  @Test
  void when_chunksOfAViewTheBackupDoesNotKnowArrive_then_itReportsTheGapOnceItLearnsTheView() {
    PbServer b = start(B, SMALL_CHUNKS);
    deliver(b, A, chunk(2, 0, false, Map.of("a", "1"), Map.of()));
    deliver(b, A, chunk(2, 1, false, Map.of("b", "2"), Map.of()));
    assertThat(fx.messagesTo(A, StateTransferAck.class)).as("discarded, not acked").isEmpty();

    deliver(b, VS, new ViewReply(new View(2, A, B)));
    assertThat(fx.sentTo(A))
        .as("the view is learned: chunks 0 to 1 are reported missing")
        .containsExactly(new StateTransferAck(2, -1, 1));

    PbServer a = primaryWithData(40, SMALL_CHUNKS);
    deliver(a, VS, new ViewReply(new View(2, A, B)));
    List<StateTransfer> sent = fx.messagesTo(B, StateTransfer.class);
    deliver(a, B, new StateTransferAck(2, -1, 1));
    assertThat(fx.messagesTo(B, StateTransfer.class)).as("only the gap").isEqualTo(sent);
  }

  @Test
  void when_aProbeArrives_then_theBackupAcks_reportingTheGapUpToItsBound() {
    PbServer b = start(B, SMALL_CHUNKS);
    deliver(b, VS, new ViewReply(new View(2, A, B)));
    deliver(b, A, new TransferProbe(2, 1));
    assertThat(fx.sentTo(A)).containsExactly(new StateTransferAck(2, -1, 1));
    deliver(b, A, chunk(2, 0, false, Map.of("a", "1"), Map.of()));
    deliver(b, A, new TransferProbe(2, 0));
    assertThat(fx.sentTo(A))
        .as("no gap below the bound")
        .containsExactly(new StateTransferAck(2, 0));
    deliver(b, A, new TransferProbe(2, 1));
    assertThat(fx.sentTo(A)).containsExactly(new StateTransferAck(2, 0, 1));
  }

  @Test
  void when_chunksArriveOutOfOrderDuplicatedOrFromAnotherView_then_onlyTheNextOneIsInstalled() {
    PbServer b = start(B, SMALL_CHUNKS);
    deliver(b, VS, new ViewReply(new View(2, A, B)));
    StateTransfer c0 = chunk(2, 0, false, Map.of("a", "1"), Map.of("client1", "1"));
    StateTransfer c1 = chunk(2, 1, false, Map.of("b", "2"), Map.of());
    StateTransfer c2 = chunk(2, 2, true, Map.of("c", "3"), Map.of());

    deliver(b, A, c1);
    assertThat(fx.sentTo(A))
        .as("chunk 1 before chunk 0: not installed; the gap is reported")
        .containsExactly(new StateTransferAck(2, -1, 1));
    deliver(b, A, chunk(1, 0, true, Map.of("old", "view"), Map.of()));
    assertThat(fx.nothingSent()).as("a chunk of an older view").isTrue();
    deliver(b, C, c0);
    assertThat(fx.nothingSent()).as("a chunk from a server that is not primary").isTrue();

    deliver(b, A, c0);
    assertThat(fx.sentTo(A)).containsExactly(new StateTransferAck(2, 0));
    deliver(b, A, c0);
    assertThat(fx.sentTo(A))
        .as("a duplicate is acked again")
        .containsExactly(new StateTransferAck(2, 0));
    deliver(b, A, c2);
    assertThat(fx.sentTo(A))
        .as("a gap: still only chunk 0, and chunk 1 to 2 reported missing")
        .containsExactly(new StateTransferAck(2, 0, 2));
    assertThat(b.hasInstalledState()).isFalse();

    deliver(b, A, c1);
    deliver(b, A, c2);
    assertThat(fx.sentTo(A)).containsExactly(new StateTransferAck(2, 2));
    assertThat(b.hasInstalledState()).isTrue();
    assertThat(b.stateSnapshot().data()).isEqualTo(Map.of("a", "1", "b", "2", "c", "3"));
    assertThat(b.stateSnapshot().sessions()).containsOnlyKeys("client1");

    deliver(b, A, c0);
    assertThat(fx.sentTo(A))
        .as("after the last: acks the last")
        .containsExactly(new StateTransferAck(2, 2));
    assertThat(b.stateSnapshot().data()).as("not re-installed").hasSize(3);
  }

  @Test
  void when_aNewViewStartsDuringATransfer_then_theBackupStartsOverFromChunk0() {
    PbServer b = start(B, SMALL_CHUNKS);
    deliver(b, VS, new ViewReply(new View(2, A, B)));
    deliver(b, A, chunk(2, 0, false, Map.of("a", "1"), Map.of()));
    deliver(b, A, chunk(2, 1, false, Map.of("b", "2"), Map.of()));

    deliver(b, VS, new ViewReply(new View(3, C, B)));
    deliver(b, C, chunk(3, 2, true, Map.of("z", "9"), Map.of()));
    assertThat(fx.sentTo(C))
        .as("the new view's transfer starts at chunk 0: the gap is reported")
        .containsExactly(new StateTransferAck(3, -1, 2));
    deliver(b, A, chunk(2, 2, true, Map.of("c", "3"), Map.of()));
    assertThat(fx.nothingSent()).as("the old view's transfer is over").isTrue();

    deliver(b, C, chunk(3, 0, false, Map.of("x", "7"), Map.of()));
    deliver(b, C, chunk(3, 1, true, Map.of("y", "8"), Map.of()));

    assertThat(fx.sentTo(C)).containsExactly(new StateTransferAck(3, 1));
    assertThat(b.hasInstalledState()).isTrue();
    assertThat(b.stateSnapshot().data()).isEqualTo(Map.of("x", "7", "y", "8"));
  }

  @Test
  void when_aPrimaryIsCopiedMidTransfer_then_theCopyIsEqual_andEvolvesIndependently() {
    PbServer a = primaryWithData(40, SMALL_CHUNKS);
    deliver(a, VS, new ViewReply(new View(2, A, B)));
    PbServer copy = a.copy();
    assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);

    deliver(a, B, new StateTransferAck(2, 0));
    assertThat(copy).as("transfer progress is part of the state").isNotEqualTo(a);

    RecordingEffects other = new RecordingEffects();
    copy.onMessage(B, new StateTransferAck(2, 0), other);
    assertThat(copy).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(other.sent()).isEqualTo(fx.sent());
  }

  @Test
  void when_anAckIsForAChunkNeverSent_then_itIsIgnored() {
    PbServer a = primaryWithData(40, SMALL_CHUNKS);
    deliver(a, VS, new ViewReply(new View(2, A, B)));

    deliver(a, B, new StateTransferAck(2, 99));

    assertThat(fx.nothingSent()).isTrue();
    assertThat(a.isServing()).isFalse();
  }

  private static StateTransfer chunk(
      long view, int index, boolean last, Map<String, String> data, Map<String, String> sessions) {
    Map<String, dev.pbkv.kv.AmoEntry> table = new HashMap<>();
    sessions.forEach(
        (client, value) ->
            table.put(client, new dev.pbkv.kv.AmoEntry(1, new dev.pbkv.kv.Result.Value(value))));
    return new StateTransfer(view, index, last, DataChunk.of(data), table, 0);
  }
}
