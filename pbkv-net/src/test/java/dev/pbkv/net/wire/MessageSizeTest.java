package dev.pbkv.net.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.DataChunk;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.ViewServiceMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Message#sizeBytes()} is a faithful estimate of the encoded size (the simulator charges it
 * against a link's bandwidth): within {@value #SLACK_BYTES} bytes, or {@value #SLACK_PERCENT}% for
 * large messages, of the protobuf payload {@link WireCodec} writes.
 */
class MessageSizeTest {
  static final int SLACK_BYTES = 32;
  static final int SLACK_PERCENT = 5;

  /** The bytes {@code m} adds to an envelope: its encoded size without the envelope's own. */
  private static int encodedBytes(Message m) {
    return WireCodec.encode(new Envelope(Samples.S1, Samples.VS, m)).length
        - WireCodec.encode(new Envelope(Samples.S1, Samples.VS, new ViewServiceMessage.GetView()))
            .length;
  }

  private static List<Message> messages() {
    List<Message> m = new ArrayList<>(Samples.messages());
    m.add(ReplicationMessage.StateTransfer.whole(7, Samples.largeSnapshot(5_000))); // ~ 100 KB
    List<ReplicationMessage.LogEntry> ops = new ArrayList<>();
    for (int i = 0; i < 512; i++) {
      ops.add(
          new ReplicationMessage.Op(
              Address.of("c-0123456789ab-" + i),
              i,
              new Command.Append("key" + i, "v".repeat(200))));
    }
    m.add(new ReplicationMessage.Forward(3, 1, ops));
    m.add(new ClientMessage.Request(1, new Command.Put("k", "x".repeat(1 << 20)), 2));
    m.add(
        new ReplicationMessage.StateTransfer(
            2,
            1,
            false,
            DataChunk.of(java.util.Map.of("big", "y".repeat(1 << 20))),
            java.util.Map.of(),
            0));
    return m;
  }

  @Test
  void when_aMessageIsEncoded_then_itsEstimatedSizeIsClose() {
    List<String> off = new ArrayList<>();
    long largest = 0;
    for (Message m : messages()) {
      int actual = encodedBytes(m);
      int estimate = m.sizeBytes();
      largest = Math.max(largest, actual);
      long slack = Math.max(SLACK_BYTES, (long) actual * SLACK_PERCENT / 100);
      if (Math.abs(estimate - actual) > slack) {
        off.add(m.label() + ": estimated " + estimate + ", encoded " + actual);
      }
    }
    assertThat(largest).isGreaterThan(1 << 20);
    assertThat(off).isEmpty();
  }

  @Test
  void when_aMessageCarriesNoText_then_itIsSmall() {
    assertThat(new ViewServiceMessage.Ping(3, 1).sizeBytes()).isEqualTo(Message.SMALL_BYTES);
    assertThat(new ReplicationMessage.ForwardAck(3, 9).sizeBytes()).isEqualTo(Message.SMALL_BYTES);
    assertThat(Message.bytes("ключ"))
        .isEqualTo("ключ".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    assertThat(Message.bytes(Samples.UNICODE))
        .isEqualTo(Samples.UNICODE.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
  }
}
