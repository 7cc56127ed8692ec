package dev.pbkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.AmoApplication;
import dev.pbkv.kv.Command;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The primary's side of a chunked state transfer on its own: chunks cover the store exactly once,
 * chunk 0 carries the at-most-once table, the window and cumulative acks, and the rule 5 check.
 */
class OutgoingTransferTest {
  private static final long CHUNK_BYTES = 100;

  private static AmoApplication store(int keys) {
    AmoApplication app = new AmoApplication();
    for (int i = 0; i < keys; i++) {
      app.execute("client" + (i % 3), 1 + i / 3, new Command.Put("key" + i, "value-" + i));
    }
    app.sweep();
    return app;
  }

  /** Installs {@code chunks} in order as a backup would. */
  private static AmoApplication install(List<StateTransfer> chunks) {
    StateTransfer first = chunks.get(0);
    AmoApplication app = AmoApplication.fromChunk(first.data(), first.sessions(), first.sweeps());
    for (StateTransfer t : chunks.subList(1, chunks.size())) {
      app.installChunk(t.data());
    }
    return app;
  }

  /** Runs the whole transfer, acking each window as it arrives; returns every chunk sent. */
  private static List<StateTransfer> runToCompletion(
      OutgoingTransfer t, AmoApplication live, int window) {
    List<StateTransfer> all = new ArrayList<>();
    for (int round = 0; !t.isComplete(); round++) {
      assertThat(round).as("rounds").isLessThan(1_000);
      List<StateTransfer> sent = t.nextChunks(live, CHUNK_BYTES, window);
      assertThat(sent.size()).isBetween(1, window);
      all.addAll(sent);
      t.acknowledge(sent.get(sent.size() - 1).chunkIndex());
    }
    return all;
  }

  @Test
  void when_theTransferRuns_then_theChunksRebuildTheStoreAndTable_exactly() {
    AmoApplication live = store(60);
    OutgoingTransfer t = new OutgoingTransfer(5, live, false, true);
    List<StateTransfer> chunks = runToCompletion(t, live, 3);
    assertThat(chunks.size()).as("60 entries of ~16 bytes in chunks of 100 bytes").isGreaterThan(5);
    for (int i = 0; i < chunks.size(); i++) {
      StateTransfer c = chunks.get(i);
      assertThat(c.viewNum()).isEqualTo(5);
      assertThat(c.chunkIndex()).isEqualTo(i);
      assertThat(c.lastChunk()).isEqualTo(i == chunks.size() - 1);
      if (i > 0) {
        assertThat(c.sessions()).as("only chunk 0 carries the table").isEmpty();
      }
    }
    assertThat(chunks.get(0).sessions()).isEqualTo(live.sessions()).hasSize(3);
    assertThat(chunks.get(0).sweeps()).isEqualTo(1);
    assertThat(install(chunks)).isEqualTo(live);
    assertThat(t.ackedChunks()).isEqualTo(chunks.size());
  }

  @Test
  void when_theRuleSwitchDropsTheTable_then_chunk0CarriesNoSessions() {
    AmoApplication live = store(10);
    OutgoingTransfer t = new OutgoingTransfer(5, live, false, false);
    List<StateTransfer> chunks = runToCompletion(t, live, 3);
    assertThat(chunks.get(0).sessions()).isEmpty();
    assertThat(install(chunks).data()).isEqualTo(live.data());
  }

  @Test
  void when_noAckArrives_then_atMostTheWindowIsOutstanding_andKeptForTheRetry() {
    AmoApplication live = store(60);
    OutgoingTransfer t = new OutgoingTransfer(5, live, false, true);
    List<StateTransfer> first = t.nextChunks(live, CHUNK_BYTES, 2);
    assertThat(first).extracting(StateTransfer::chunkIndex).containsExactly(0, 1);
    assertThat(t.nextChunks(live, CHUNK_BYTES, 2)).as("window full").isEmpty();
    assertThat(t.unacked()).isEqualTo(first);

    t.acknowledge(0);
    assertThat(t.unacked()).extracting(StateTransfer::chunkIndex).containsExactly(1);
    assertThat(t.nextChunks(live, CHUNK_BYTES, 2))
        .extracting(StateTransfer::chunkIndex)
        .containsExactly(2);
    t.acknowledge(0);
    assertThat(t.ackedChunks()).as("an old ack changes nothing").isEqualTo(1);
    t.acknowledge(99);
    assertThat(t.ackedChunks()).as("an ack of a chunk never sent is ignored").isEqualTo(1);
    t.acknowledge(2);
    assertThat(t.ackedChunks()).as("acks are cumulative").isEqualTo(3);
    assertThat(t.unacked()).isEmpty();
  }

  @Test
  void when_anEmptyStoreIsTransferred_then_oneLastChunkCarriesTheTable() {
    AmoApplication live = new AmoApplication();
    OutgoingTransfer t = new OutgoingTransfer(2, live, false, true);
    List<StateTransfer> chunks = runToCompletion(t, live, 4);
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).lastChunk()).isTrue();
    assertThat(install(chunks)).isEqualTo(live);
  }

  @Test
  void when_theLiveStoreChangesDuringTheTransfer_then_itFailsLoudly_rule5() {
    AmoApplication live = store(60);
    OutgoingTransfer t = new OutgoingTransfer(5, live, false, true);
    t.nextChunks(live, CHUNK_BYTES, 1);
    live.execute("intruder", 1, new Command.Put("key0", "changed"));
    assertThatThrownBy(() -> t.nextChunks(live, CHUNK_BYTES, 1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the primary's store changed during the state transfer of view 5 (rule 5)");
  }

  @Test
  void when_frozen_then_changesToTheLiveStoreDoNotReachTheBackup() {
    AmoApplication live = store(60);
    AmoApplication before = live.copy();
    OutgoingTransfer t = new OutgoingTransfer(5, live, true, true);
    t.nextChunks(live, CHUNK_BYTES, 1);
    live.execute("intruder", 1, new Command.Put("key0", "changed"));
    t.acknowledge(0);
    List<StateTransfer> rest = runToCompletion(t, live, 3);
    List<StateTransfer> all = new ArrayList<>(t.unacked());
    assertThat(all).isEmpty();
    OutgoingTransfer again = new OutgoingTransfer(5, before, false, true);
    List<StateTransfer> reference = runToCompletion(again, before, 1);
    assertThat(rest).isEqualTo(reference.subList(1, reference.size()));
  }

  @Test
  void when_copied_then_theCopyIsEqual_andIndependent() {
    AmoApplication live = store(60);
    OutgoingTransfer t = new OutgoingTransfer(5, live, false, true);
    t.nextChunks(live, CHUNK_BYTES, 2);
    OutgoingTransfer copy = t.copy();
    assertThat(copy).isEqualTo(t).hasSameHashCodeAs(t);
    copy.acknowledge(1);
    assertThat(copy).isNotEqualTo(t);
    assertThat(t.unacked()).hasSize(2);
  }
}
