package dev.pbkv.mutex;

import dev.pbkv.node.Message;
import java.util.Objects;

/**
 * What a {@link FifoChannel} puts on the wire: numbered data and cumulative acknowledgements.
 * Sequence numbers count per (sender, receiver) pair from 1.
 */
public sealed interface ChannelMessage extends Message {

  /** The {@code seq}-th message from the sender to this receiver, carrying {@code payload}. */
  record Data(long seq, Message payload) implements ChannelMessage {
    public Data {
      if (seq < 1) {
        throw new IllegalArgumentException("sequence numbers start at 1, got " + seq);
      }
      Objects.requireNonNull(payload, "payload");
    }

    @Override
    public int sizeBytes() {
      return Message.plus(Message.SMALL_BYTES, payload.sizeBytes());
    }
  }

  /** The receiver has delivered, in order, every message up to and including {@code upTo}. */
  record Ack(long upTo) implements ChannelMessage {
    public Ack {
      if (upTo < 0) {
        throw new IllegalArgumentException("an ack covers 0 or more messages, got " + upTo);
      }
    }
  }
}
