package dev.pbkv.mutex;

import dev.pbkv.node.Message;

/**
 * The messages of {@link LamportMutex}, each stamped with the sender's Lamport time. They travel as
 * payloads of a {@link FifoChannel}, so every peer receives each of them once and in the order they
 * were sent. The sender's node id breaks ties between equal timestamps.
 */
public sealed interface MutexMessage extends Message {

  /** The sender asks for the lock; {@code ts} is its request's timestamp. */
  record Request(long ts) implements MutexMessage {}

  /** The sender has queued a request it received; {@code ts} is later than that request's. */
  record Ack(long ts) implements MutexMessage {}

  /**
   * The sender left the critical section: receivers remove its request (stamped {@code requestTs})
   * from their queues. {@code ts} is the release's own timestamp.
   */
  record Release(long ts, long requestTs) implements MutexMessage {}
}
