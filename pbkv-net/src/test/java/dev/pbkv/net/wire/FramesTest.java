package dev.pbkv.net.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.ViewServiceMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {

  private static final int MAX = 1024;

  private final List<String> badFrames = new ArrayList<>();

  private EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Frames.install(ch.pipeline(), MAX, badFrames::add);
    return ch;
  }

  private static Envelope envelope(long seq) {
    return new Envelope(
        Samples.CLIENT,
        Samples.S1,
        new ClientMessage.Request(seq, new Command.Put("k" + seq, "v"), 1));
  }

  private static ByteBuf frame(byte[] body) {
    return Unpooled.buffer().writeInt(body.length).writeBytes(body);
  }

  private static ByteBuf frame(Envelope e) {
    return frame(WireCodec.encode(e));
  }

  @Test
  void when_validFramesArrive_then_theyDecodeInOrderHoweverTheBytesAreSplit() {
    EmbeddedChannel ch = channel();
    // Three frames: two in one buffer, the third split across two buffers, one byte at a time at
    // the prefix.
    ByteBuf two = Unpooled.buffer().writeBytes(frame(envelope(1))).writeBytes(frame(envelope(2)));
    ByteBuf third = frame(envelope(3));
    ch.writeInbound(two);
    ch.writeInbound(third.readRetainedSlice(1));
    ch.writeInbound(third.readRetainedSlice(2));
    ch.writeInbound(third.readRetainedSlice(third.readableBytes()));
    third.release();

    assertThat((Envelope) ch.readInbound()).isEqualTo(envelope(1));
    assertThat((Envelope) ch.readInbound()).isEqualTo(envelope(2));
    assertThat((Envelope) ch.readInbound()).isEqualTo(envelope(3));
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.isOpen()).isTrue();
    assertThat(badFrames).isEmpty();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void when_envelopeIsWritten_then_itIsOneLengthPrefixedFrameThatAPeerDecodes() {
    EmbeddedChannel sender = channel();
    EmbeddedChannel receiver = channel();
    Envelope e =
        new Envelope(Samples.S1, Samples.S2, new ReplicationMessage.StateTransferAck(9, 0));

    assertThat(sender.writeOutbound(e)).isTrue();
    ByteBuf wire = Unpooled.buffer();
    for (ByteBuf part; (part = sender.readOutbound()) != null; ) {
      wire.writeBytes(part);
      part.release();
    }
    byte[] body = WireCodec.encode(e);
    assertThat(wire.getInt(0)).isEqualTo(body.length);
    assertThat(wire.readableBytes()).isEqualTo(4 + body.length);

    receiver.writeInbound(wire);
    assertThat((Envelope) receiver.readInbound()).isEqualTo(e);
  }

  @Test
  void when_frameIsLongerThanTheMax_then_theChannelIsClosedAndReported() {
    EmbeddedChannel ch = channel();
    // Only the length arrives: the frame is refused before its body is buffered.
    ch.writeInbound(Unpooled.buffer().writeInt(MAX * 10));

    assertThat(ch.isOpen()).isFalse();
    assertThat(badFrames).hasSize(1);
    assertThat(badFrames.get(0))
        .startsWith("bad frame from embedded: frame too long")
        .contains(String.valueOf(MAX))
        .doesNotContain("\n");
    assertThat(ch.<Object>readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void when_frameIsExactlyTheMax_then_itIsAccepted_andOneMoreByteIsNot() {
    // The max counts the 4-byte prefix: the largest body is MAX - 4 bytes.
    Envelope fits = sized(MAX - 4);
    assertThat(WireCodec.encode(fits)).hasSize(MAX - 4);
    EmbeddedChannel ch = channel();
    ch.writeInbound(frame(fits));
    assertThat((Envelope) ch.readInbound()).isEqualTo(fits);
    assertThat(ch.isOpen()).isTrue();

    Envelope tooBig = sized(MAX - 3);
    ch.writeInbound(frame(tooBig));
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.isOpen()).isFalse();
    assertThat(badFrames).singleElement().asString().contains("frame too long");
  }

  /** An envelope whose encoding is exactly {@code bytes} long. */
  private static Envelope sized(int bytes) {
    int pad = 0;
    while (true) {
      Envelope e =
          new Envelope(
              Samples.S1,
              Samples.S2,
              new ReplicationMessage.ForwardReject(1, null, "x".repeat(pad)));
      int size = WireCodec.encode(e).length;
      if (size == bytes) {
        return e;
      }
      if (size > bytes) {
        throw new IllegalStateException("cannot hit " + bytes);
      }
      pad += Math.max(1, (bytes - size) / 2);
    }
  }

  @Test
  void when_frameIsGarbage_then_theChannelIsClosedAndReported() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(frame(new byte[] {(byte) 0xff, (byte) 0xfe, 0x01, 0x02}));

    assertThat(ch.isOpen()).isFalse();
    assertThat(badFrames)
        .singleElement()
        .asString()
        .startsWith("bad frame from embedded: malformed protobuf");
    ch.finishAndReleaseAll();
  }

  @Test
  void when_frameIsEmptyOrAnInvalidEnvelope_then_theChannelIsClosedAndReported() {
    EmbeddedChannel empty = channel();
    empty.writeInbound(frame(new byte[0]));
    assertThat(empty.isOpen()).isFalse();

    EmbeddedChannel invalid = channel();
    byte[] viewWithoutPrimary =
        dev.pbkv.net.proto.Envelope.newBuilder()
            .setFrom("vs")
            .setTo("s1")
            .setViewReply(
                dev.pbkv.net.proto.ViewReply.newBuilder()
                    .setView(dev.pbkv.net.proto.View.newBuilder().setViewNum(5)))
            .build()
            .toByteArray();
    invalid.writeInbound(frame(viewWithoutPrimary));
    assertThat(invalid.isOpen()).isFalse();

    assertThat(badFrames).hasSize(2);
    assertThat(badFrames.get(0)).contains("unknown message type");
    assertThat(badFrames.get(1)).contains("invalid view");
  }

  @Test
  void when_lengthIsNegative_then_theChannelIsClosedAndReported() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.buffer().writeInt(-1).writeBytes(new byte[8]));
    assertThat(ch.isOpen()).isFalse();
    assertThat(badFrames).singleElement().asString().startsWith("bad frame from embedded: ");
  }

  @Test
  void when_badFrameArrivesAmongGoodOnes_then_goodOnesBeforeItAreDeliveredAndNothingAfter() {
    EmbeddedChannel ch = channel();
    ByteBuf bytes =
        Unpooled.buffer()
            .writeBytes(frame(envelope(1)))
            .writeBytes(frame(new byte[] {0x00}))
            .writeBytes(frame(envelope(2)))
            .writeBytes(frame(new byte[] {(byte) 0xff}));
    ch.writeInbound(bytes);

    assertThat((Envelope) ch.readInbound()).isEqualTo(envelope(1));
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.isOpen()).isFalse();
    assertThat(badFrames).hasSize(1); // reported once per channel
  }

  @Test
  void when_oneChannelGetsGarbage_then_anotherChannelIsUnaffected() {
    EmbeddedChannel bad = channel();
    EmbeddedChannel good = channel();

    good.writeInbound(frame(envelope(1)));
    bad.writeInbound(
        Unpooled.buffer()
            .writeBytes(frame("definitely not protobuf".getBytes(StandardCharsets.UTF_8)))
            .writeInt(Integer.MAX_VALUE));
    good.writeInbound(frame(envelope(2)));

    assertThat(bad.isOpen()).isFalse();
    assertThat(good.isOpen()).isTrue();
    assertThat((Envelope) good.readInbound()).isEqualTo(envelope(1));
    assertThat((Envelope) good.readInbound()).isEqualTo(envelope(2));
    assertThat(badFrames).hasSize(1);
    // The good channel still sends, too.
    assertThat(good.writeOutbound(envelope(3))).isTrue();
    good.finishAndReleaseAll();
  }

  @Test
  void when_callbackThrows_then_theChannelIsStillClosedAndNothingEscapes() {
    EmbeddedChannel ch = new EmbeddedChannel();
    Frames.install(
        ch.pipeline(),
        MAX,
        reason -> {
          throw new IllegalStateException("callback failed");
        });
    ch.writeInbound(frame(new byte[] {(byte) 0xff})); // would throw if anything reached the tail
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void when_otherErrorsHappen_then_theyPassOnDownThePipeline() {
    List<Throwable> seen = new ArrayList<>();
    EmbeddedChannel ch = channel();
    ch.pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                seen.add(cause);
              }
            });
    IOException reset = new IOException("connection reset");
    ch.pipeline().fireExceptionCaught(reset);
    assertThat(seen).containsExactly(reset);
    assertThat(ch.isOpen()).isTrue();
    assertThat(badFrames).isEmpty();
  }

  @Test
  void when_envelopeIsTooBigToSend_then_theWriteFailsAndTheChannelStaysOpen() {
    EmbeddedChannel ch = channel();
    Envelope big =
        new Envelope(
            Samples.S1,
            Samples.S2,
            new ClientMessage.Request(1, new Command.Put("k", "x".repeat(MAX)), 1));
    ChannelFuture write = ch.writeAndFlush(big);
    assertThat(write.isDone()).isTrue();
    assertThat(write.cause()).isInstanceOf(EncoderException.class).hasMessageContaining("exceeds");
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.<Object>readOutbound()).isNull();
  }

  @Test
  void when_messageHasNoWireMapping_then_theWriteFails() {
    EmbeddedChannel ch = channel();
    ChannelFuture write =
        ch.writeAndFlush(
            new Envelope(Samples.S1, Samples.S2, new WireCodecRoundTripTest.Unknown()));
    assertThat(write.cause())
        .isInstanceOf(EncoderException.class)
        .hasRootCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void when_maxLeavesNoRoomForAnEnvelope_then_installRefusesIt() {
    assertThatThrownBy(() -> Frames.install(new EmbeddedChannel().pipeline(), 4, r -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxFrameBytes");
  }

  @Test
  void defaultMaxIs64MiB() {
    assertThat(Frames.DEFAULT_MAX_FRAME_BYTES).isEqualTo(64 * 1024 * 1024);
    EmbeddedChannel ch = new EmbeddedChannel();
    Frames.install(ch.pipeline(), Frames.DEFAULT_MAX_FRAME_BYTES, badFrames::add);
    Envelope e = new Envelope(Samples.S1, Samples.S2, new ViewServiceMessage.GetView());
    ch.writeInbound(frame(e));
    assertThat((Envelope) ch.readInbound()).isEqualTo(e);
  }
}
