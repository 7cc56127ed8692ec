package dev.pbkv.server;

import dev.pbkv.kv.AmoApplication;
import dev.pbkv.kv.AmoEntry;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The primary's side of a chunked state transfer to the backup of one view (docs/design.md §4, rule
 * 5).
 *
 * <p>Chunks are read, as they are needed, straight from the primary's live store, in the table's
 * slot order: chunk {@code i+1} starts at the slot where chunk {@code i} stopped. That is a
 * consistent snapshot without a copy because the primary executes nothing while the transfer runs
 * (rule 5); {@link #nextChunks} checks it and fails loudly if the store changed. Only a primary
 * whose rule switches may change its store during the transfer (tests only) streams from a copy
 * frozen at the start instead, so that the broken behaviour stays what it was.
 *
 * <p>At most {@code window} chunks are unacknowledged at a time; they are kept (each about {@link
 * ServerConfig#transferChunkBytes()} big) so the retry timer can re-send them. Acks are cumulative.
 */
final class OutgoingTransfer {
  private final long viewNum;
  private final AmoApplication frozen; // null: read the live store
  // The live store's change count when the transfer started: a check, not state (equals ignores
  // it).
  private final long liveMutations;
  private final boolean withSessions;
  private final boolean sessionsWhole; // AMO_TABLE_WHOLE: the whole table in chunk 0 (tests only)
  private String sessionCursor; // the last session id sent; null: none yet
  private boolean sessionsDone; // every session has been put in a chunk
  private int cursor; // the slot where the next new chunk starts
  private int nextChunk; // the index of the next new chunk
  private boolean lastBuilt;
  private int ackedChunks; // chunks 0 .. ackedChunks-1 are acknowledged
  private final ArrayDeque<StateTransfer> unacked = new ArrayDeque<>();

  /**
   * @param live the primary's application
   * @param freeze read from a copy of {@code live} taken now, not from {@code live} itself
   * @param withSessions whether the chunks carry the at-most-once table (false only for the {@code
   *     TRANSFER_WITHOUT_AMO} rule switch)
   * @param sessionsWhole whether chunk 0 carries the whole table, whatever its size (only for the
   *     {@code AMO_TABLE_WHOLE} rule switch); otherwise the table is streamed after the data
   */
  OutgoingTransfer(
      long viewNum,
      AmoApplication live,
      boolean freeze,
      boolean withSessions,
      boolean sessionsWhole) {
    this.viewNum = viewNum;
    this.frozen = freeze ? live.copy() : null;
    this.liveMutations = live.mutations();
    this.withSessions = withSessions;
    this.sessionsWhole = sessionsWhole;
    this.sessionsDone = !withSessions || sessionsWhole;
  }

  OutgoingTransfer(long viewNum, AmoApplication live, boolean freeze, boolean withSessions) {
    this(viewNum, live, freeze, withSessions, false);
  }

  private OutgoingTransfer(OutgoingTransfer o) {
    viewNum = o.viewNum;
    frozen = o.frozen; // never changed
    liveMutations = o.liveMutations;
    withSessions = o.withSessions;
    sessionsWhole = o.sessionsWhole;
    sessionCursor = o.sessionCursor;
    sessionsDone = o.sessionsDone;
    cursor = o.cursor;
    nextChunk = o.nextChunk;
    lastBuilt = o.lastBuilt;
    ackedChunks = o.ackedChunks;
    unacked.addAll(o.unacked);
  }

  OutgoingTransfer copy() {
    return new OutgoingTransfer(this);
  }

  /** How many chunks, from 0 on, the backup has acknowledged. */
  int ackedChunks() {
    return ackedChunks;
  }

  /** True once the backup has acknowledged the last chunk. */
  boolean isComplete() {
    return lastBuilt && unacked.isEmpty();
  }

  /** The chunks sent and not yet acknowledged, in order (to re-send them). */
  List<StateTransfer> unacked() {
    return List.copyOf(unacked);
  }

  /**
   * Builds the next chunks, while fewer than {@code window} are unacknowledged and the last one is
   * not built yet, and records them as sent.
   *
   * @param live the primary's application (the same as at the start)
   */
  List<StateTransfer> nextChunks(AmoApplication live, long chunkBytes, int window) {
    AmoApplication source = frozen != null ? frozen : live;
    if (frozen == null && live.mutations() != liveMutations) {
      throw new IllegalStateException(
          "the primary's store changed during the state transfer of view " + viewNum + " (rule 5)");
    }
    List<StateTransfer> out = new ArrayList<>();
    while (!lastBuilt && unacked.size() < window) {
      ByteArrayOutputStream bytes =
          new ByteArrayOutputStream((int) Math.min(chunkBytes * 2, 1 << 24));
      boolean dataDone = cursor >= source.data().slotCount() && nextChunk > 0;
      if (!dataDone) {
        cursor = source.data().writeChunk(cursor, chunkBytes, bytes);
        dataDone = cursor >= source.data().slotCount();
      }
      Map<String, AmoEntry> sessions = Map.of();
      if (nextChunk == 0 && withSessions && sessionsWhole) {
        sessions = source.sessions(); // the rule switch: the whole table, whatever its size
      } else if (dataDone && !sessionsDone) {
        // The table follows the data, in the room the chunk has left (at least one session when
        // the chunk holds no data), so no chunk is much over chunkBytes.
        long room = chunkBytes - bytes.size();
        java.util.TreeMap<String, AmoEntry> piece =
            source.sessionsAfter(sessionCursor, bytes.size() == 0 ? Math.max(room, 1) : room);
        if (bytes.size() > 0 && room <= 0) {
          piece.clear();
        } else if (bytes.size() > 0
            && !piece.isEmpty()
            && AmoApplication.entryBytes(piece.firstKey(), piece.firstEntry().getValue()) > room) {
          piece.clear(); // its first session does not fit beside the data: the next chunk
        }
        if (!piece.isEmpty()) {
          sessionCursor = piece.lastKey();
          sessions = piece;
        }
        sessionsDone = source.sessionsAfter(sessionCursor, 0).isEmpty(); // nothing after the cursor
      }
      lastBuilt = dataDone && sessionsDone;
      StateTransfer t =
          new StateTransfer(
              viewNum,
              nextChunk,
              lastBuilt,
              new DataChunk(bytes.toByteArray()),
              sessions,
              nextChunk == 0 ? source.sweeps() : 0);
      nextChunk++;
      unacked.add(t);
      out.add(t);
    }
    return out;
  }

  /** The backup installed chunks 0 to {@code chunkIndex}. */
  void acknowledge(int chunkIndex) {
    if (chunkIndex >= nextChunk) {
      return; // acknowledges a chunk never sent: not from this transfer
    }
    while (!unacked.isEmpty() && unacked.peekFirst().chunkIndex() <= chunkIndex) {
      unacked.removeFirst();
    }
    ackedChunks = Math.max(ackedChunks, chunkIndex + 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OutgoingTransfer other
        && viewNum == other.viewNum
        && withSessions == other.withSessions
        && sessionsWhole == other.sessionsWhole
        && Objects.equals(sessionCursor, other.sessionCursor)
        && sessionsDone == other.sessionsDone
        && cursor == other.cursor
        && nextChunk == other.nextChunk
        && lastBuilt == other.lastBuilt
        && ackedChunks == other.ackedChunks
        && Objects.equals(frozen, other.frozen)
        && List.copyOf(unacked).equals(List.copyOf(other.unacked));
  }

  @Override
  public int hashCode() {
    return Objects.hash(viewNum, cursor, nextChunk, lastBuilt, ackedChunks, frozen, unacked.size());
  }

  @Override
  public String toString() {
    return "OutgoingTransfer[view "
        + viewNum
        + ", built "
        + nextChunk
        + (lastBuilt ? " (all)" : "")
        + ", acked "
        + ackedChunks
        + "]";
  }
}
