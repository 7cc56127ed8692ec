package dev.pbkv.server;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.view.View;
import java.util.List;
import java.util.Objects;

/** Messages between the primary and the backup. Every one carries the view it belongs to. */
public sealed interface ReplicationMessage extends Message {

  /** One client request as the primary forwards it. */
  record Op(Address client, long seq, Command command) {
    public Op {
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(command, "command");
    }
  }

  /** Ops {@code firstIndex, firstIndex+1, …} of view {@code viewNum}, in order (rule 2). */
  record Forward(long viewNum, long firstIndex, List<Op> ops) implements ReplicationMessage {
    public Forward {
      ops = List.copyOf(ops);
      if (firstIndex < 1) {
        throw new IllegalArgumentException("op indexes start at 1, got " + firstIndex);
      }
    }

    public long lastIndex() {
      return firstIndex + ops.size() - 1;
    }
  }

  /** The backup has applied every op of view {@code viewNum} up to {@code appliedIndex}. */
  record ForwardAck(long viewNum, long appliedIndex) implements ReplicationMessage {}

  /**
   * Rule 3: the backup refused a forward of view {@code viewNum}; {@code backupView} is its own.
   */
  record ForwardReject(long viewNum, View backupView, String reason)
      implements ReplicationMessage {}

  /** The primary's state for the backup of view {@code viewNum} (rule 5). */
  record StateTransfer(long viewNum, Snapshot snapshot) implements ReplicationMessage {
    public StateTransfer {
      Objects.requireNonNull(snapshot, "snapshot");
    }
  }

  /** The backup holds the state of view {@code viewNum}. */
  record StateTransferAck(long viewNum) implements ReplicationMessage {}
}
