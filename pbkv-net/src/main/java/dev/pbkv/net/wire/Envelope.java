package dev.pbkv.net.wire;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import java.util.Map;
import java.util.Objects;

/**
 * One message on the wire: who sent it, to whom, and the sender's logical clocks.
 *
 * <p>{@code lamport} and the vector clock's counts travel as unsigned 64-bit integers; every Java
 * {@code long} round-trips bit for bit (a negative value reads back as the same negative value).
 *
 * @param from the sender
 * @param to the receiver
 * @param message the message (one of the types {@link WireCodec} knows)
 * @param lamport the sender's Lamport clock when it sent the message (0 when not tracked)
 * @param vectorClock the sender's vector clock, node name to count (empty when not tracked); copied
 *     into an unmodifiable map
 */
public record Envelope(
    Address from, Address to, Message message, long lamport, Map<String, Long> vectorClock) {

  /** Checks for nulls and copies the vector clock. */
  public Envelope {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
    vectorClock = Map.copyOf(Objects.requireNonNull(vectorClock, "vectorClock"));
  }

  /**
   * An envelope without clocks: Lamport time 0 and an empty vector clock.
   *
   * @param from the sender
   * @param to the receiver
   * @param message the message
   */
  public Envelope(Address from, Address to, Message message) {
    this(from, to, message, 0, Map.of());
  }
}
