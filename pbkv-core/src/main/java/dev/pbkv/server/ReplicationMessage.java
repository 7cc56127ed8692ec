package dev.pbkv.server;

import dev.pbkv.kv.AmoEntry;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.view.View;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Messages between the primary and the backup. Every one carries the view it belongs to. */
public sealed interface ReplicationMessage extends Message {

  /**
   * One entry of the primary's log: what the backup applies, and the primary executes, at one op
   * index. Either a client request ({@link Op}) or a session-expiry sweep ({@link Sweep}).
   */
  sealed interface LogEntry permits Op, Sweep {}

  /** One client request as the primary forwards it. */
  record Op(Address client, long seq, Command command) implements LogEntry {
    public Op {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(command, "command");
    }
  }

  /**
   * The primary's decision to expire idle at-most-once sessions (see {@link
   * dev.pbkv.kv.AmoApplication#sweep()}). It travels in the log like an op, so the backup applies
   * it at the same index as the primary and both drop the same sessions.
   */
  record Sweep() implements LogEntry {
    @Override
    public String toString() {
      return "Sweep";
    }
  }

  /** Log entries {@code firstIndex, firstIndex+1, …} of view {@code viewNum}, in order (rule 2). */
  record Forward(long viewNum, long firstIndex, List<LogEntry> entries)
      implements ReplicationMessage {
    public Forward {
      entries = List.copyOf(entries);
      if (firstIndex < 1) {
        throw new IllegalArgumentException("op indexes start at 1, got " + firstIndex);
      }
    }

    public long lastIndex() {
      return firstIndex + entries.size() - 1;
    }

    @Override
    public int sizeBytes() {
      long n = Message.SMALL_BYTES;
      for (LogEntry e : entries) {
        n +=
            e instanceof Op op
                ? 14 + Message.bytes(op.client().name()) + ClientMessage.commandBytes(op.command())
                : 2;
      }
      return Message.plus(0, n);
    }

    @Override
    public String label() {
      return "Forward v" + viewNum + " #" + firstIndex + "-" + lastIndex();
    }
  }

  /**
   * The backup has applied every op of view {@code viewNum} up to {@code appliedIndex}. In the
   * answer to a {@link ForwardProbe} that finds a gap, {@code gapUpTo} is the last index of the gap
   * (the ops from {@code appliedIndex + 1} to it are missing and were sent before the probe); 0 in
   * every other ack.
   */
  record ForwardAck(long viewNum, long appliedIndex, long gapUpTo) implements ReplicationMessage {
    /** A plain cumulative ack (no gap report). */
    public ForwardAck(long viewNum, long appliedIndex) {
      this(viewNum, appliedIndex, 0);
    }

    /** True if this ack reports a gap below a probe's bound. */
    public boolean reportsGap() {
      return gapUpTo > appliedIndex;
    }

    @Override
    public String label() {
      return "ForwardAck v"
          + viewNum
          + " #"
          + appliedIndex
          + (reportsGap() ? " gap to #" + gapUpTo : "");
    }
  }

  /**
   * The primary's forward retry (docs/design.md §4.1): it sent every op of view {@code viewNum} up
   * to {@code upToIndex} before this probe and has had no ack for a while. The backup answers with
   * its cumulative {@link ForwardAck}, reporting the first gap below the bound, if any; the primary
   * re-sends only that gap. On a FIFO link the probe travels behind the forwards, so a slow link
   * costs no duplicate; a lost forward is repaired by one probe round.
   */
  record ForwardProbe(long viewNum, long upToIndex) implements ReplicationMessage {
    @Override
    public String label() {
      return "ForwardProbe v" + viewNum + " #" + upToIndex;
    }
  }

  /**
   * The primary's state-transfer retry (docs/design.md §4.2): it sent chunks up to {@code
   * upToChunk} of the transfer of view {@code viewNum} before this probe and has had no ack for a
   * while. The backup answers with its cumulative {@link StateTransferAck}, reporting a gap up to
   * the bound if it has not installed that far; the primary re-sends only the chunks of the gap.
   */
  record TransferProbe(long viewNum, int upToChunk) implements ReplicationMessage {
    public TransferProbe {
      if (upToChunk < 0) {
        throw new IllegalArgumentException("chunk indexes start at 0, got " + upToChunk);
      }
    }

    @Override
    public String label() {
      return "TransferProbe v" + viewNum + " #" + upToChunk;
    }
  }

  /**
   * Rule 3: the backup refused a forward of view {@code viewNum}; {@code backupView} is its own.
   */
  record ForwardReject(long viewNum, View backupView, String reason) implements ReplicationMessage {
    @Override
    public int sizeBytes() {
      return Message.SMALL_BYTES
          + dev.pbkv.view.ViewServiceMessage.viewBytes(backupView)
          + Message.bytes(reason);
    }
  }

  /**
   * Chunk {@code chunkIndex} (0, 1, 2, …) of the primary's state for the backup of view {@code
   * viewNum} (rule 5): {@code data} holds some of the key-value entries, and {@code sessions} some
   * of the at-most-once table, which is streamed after the data (docs/design.md §4.2; only the
   * {@code AMO_TABLE_WHOLE} rule switch puts it all in chunk 0); chunk 0 also carries the number of
   * session-expiry sweeps executed so far in {@code sweeps} (the other chunks: 0). {@code
   * lastChunk} marks the final chunk: once the backup has installed chunks 0 to this one, in order,
   * it holds the state.
   */
  record StateTransfer(
      long viewNum,
      int chunkIndex,
      boolean lastChunk,
      DataChunk data,
      Map<String, AmoEntry> sessions,
      long sweeps)
      implements ReplicationMessage {
    public StateTransfer {
      Objects.requireNonNull(data, "data");
      sessions = Map.copyOf(sessions);
      if (chunkIndex < 0) {
        throw new IllegalArgumentException("chunk indexes start at 0, got " + chunkIndex);
      }
      if (sweeps < 0) {
        throw new IllegalArgumentException("sweeps must be >= 0, got " + sweeps);
      }
    }

    /** The whole of {@code snapshot} in one chunk (chunk 0, the last). */
    public static StateTransfer whole(long viewNum, Snapshot snapshot) {
      return new StateTransfer(
          viewNum, 0, true, DataChunk.of(snapshot.data()), snapshot.sessions(), snapshot.sweeps());
    }

    @Override
    public String label() {
      return "StateTransfer v" + viewNum;
    }

    @Override
    public int sizeBytes() {
      long n = Message.SMALL_BYTES + 8 + data.size();
      for (Map.Entry<String, AmoEntry> e : sessions.entrySet()) {
        n +=
            12
                + Message.bytes(e.getKey())
                + (e.getValue().result() == null
                    ? 0
                    : ClientMessage.resultBytes(e.getValue().result()));
      }
      return Message.plus(0, n);
    }

    @Override
    public String toString() {
      return "StateTransfer[view "
          + viewNum
          + ", chunk "
          + chunkIndex
          + (lastChunk ? " (last)" : "")
          + ", "
          + data.count()
          + " keys, "
          + sessions.size()
          + " sessions"
          + (sweeps > 0 ? ", " + sweeps + " sweeps" : "")
          + "]";
    }
  }

  /**
   * The backup has installed chunks 0 to {@code chunkIndex} of the state transfer of view {@code
   * viewNum} (cumulative, like {@link ForwardAck}); when that includes the last chunk, it holds the
   * state. In the answer to a {@link TransferProbe} that finds a gap, {@code gapUpTo} is the
   * probe's bound (chunks {@code chunkIndex + 1} to it are missing: the backup keeps no chunk after
   * a gap), and {@code chunkIndex} may be -1 (none installed yet); in every other ack {@code
   * gapUpTo} is -1.
   */
  record StateTransferAck(long viewNum, int chunkIndex, int gapUpTo) implements ReplicationMessage {
    public StateTransferAck {
      if (chunkIndex < -1 || (chunkIndex < 0 && gapUpTo < 0)) {
        throw new IllegalArgumentException(
            "chunk indexes start at 0 (-1 only in a gap report), got " + chunkIndex);
      }
      if (gapUpTo < -1) {
        throw new IllegalArgumentException("gapUpTo must be >= -1, got " + gapUpTo);
      }
    }

    /** A plain cumulative ack (no gap report). */
    public StateTransferAck(long viewNum, int chunkIndex) {
      this(viewNum, chunkIndex, -1);
    }

    /** True if this ack reports a gap below a probe's bound. */
    public boolean reportsGap() {
      return gapUpTo > chunkIndex;
    }
  }
}
