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
 * the at-most-once table follows the data in chunks of the same bound, the window and cumulative
 * acks, and the rule 5 check.
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
      app.installChunk(t.data(), t.sessions());
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
    java.util.Map<String, dev.pbkv.kv.AmoEntry> table = new java.util.HashMap<>();
    assertThat(chunks.size()).as("60 entries of ~16 bytes in chunks of 100 bytes").isGreaterThan(5);
    for (int i = 0; i < chunks.size(); i++) {
      StateTransfer c = chunks.get(i);
      assertThat(c.viewNum()).isEqualTo(5);
      assertThat(c.chunkIndex()).isEqualTo(i);
      assertThat(c.lastChunk()).isEqualTo(i == chunks.size() - 1);
      if (i > 0 && !chunks.get(i - 1).sessions().isEmpty()) {
        assertThat(c.data().count()).as("the table follows the data").isZero();
      }
      c.sessions().forEach((id, e) -> assertThat(table.put(id, e)).as(id).isNull());
    }
    assertThat(table).isEqualTo(live.sessions()).hasSize(3);
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

  /** A store of one key appended to by {@code sessions} sessions, each result of {@code bytes}. */
  private static AmoApplication bigAppends(int sessions, int bytes, boolean cacheWhole) {
    AmoApplication app = new AmoApplication();
    app.execute("seed", 1, new Command.Put("k", "x".repeat(bytes)), cacheWhole);
    for (int i = 0; i < sessions; i++) {
      app.execute(String.format("c%02d", i), 1, new Command.Append("k", "y"), cacheWhole);
    }
    return app;
  }

  private static long chunkBytes(StateTransfer t) {
    long n = t.data().size();
    for (var e : t.sessions().entrySet()) {
      n += AmoApplication.entryBytes(e.getKey(), e.getValue());
    }
    return n;
  }

  @Test
  void when_theTableIsLarge_then_itIsStreamedInChunksOfTheBound_andRebuiltExactly() {
    AmoApplication live = bigAppends(70, 4096, false);
    long chunk = 1024;
    OutgoingTransfer t = new OutgoingTransfer(5, live, false, true);
    List<StateTransfer> all = new ArrayList<>();
    while (!t.isComplete()) {
      List<StateTransfer> sent = t.nextChunks(live, chunk, 2);
      all.addAll(sent);
      t.acknowledge(sent.get(sent.size() - 1).chunkIndex());
    }
    long oneEntry = AmoApplication.entryBytes("c00", live.sessions().get("c00"));
    assertThat(all.size()).as("70 digests of about 100 bytes in chunks of 1 KiB").isGreaterThan(5);
    assertThat(all)
        .as("no chunk holds more than the chunk bytes plus one entry")
        .allMatch(c -> chunkBytes(c) <= chunk + Math.max(oneEntry, 4200));
    assertThat(install(all)).isEqualTo(live);
  }

  @Test
  void when_theTableIsKeptWhole_then_chunk0CarriesItAll() {
    AmoApplication live = bigAppends(70, 4096, true);
    OutgoingTransfer t = new OutgoingTransfer(5, live, false, true, true);
    List<StateTransfer> first = t.nextChunks(live, 1024, 2);
    assertThat(first.get(0).sessions()).hasSize(71);
    assertThat(chunkBytes(first.get(0))).as("70 whole values of 4 KiB").isGreaterThan(70 * 4096);
  }
}
