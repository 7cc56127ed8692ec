package dev.pbkv.net.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.server.ClientMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link EnvelopeEncoder} and {@link EnvelopeDecoder} each alone in an {@link EmbeddedChannel} (the
 * whole pipeline is {@link FramesTest}'s): the encoder's length limit to the byte, the decoder's
 * one report per channel, frames after a bad one dropped, and every buffer released.
 */
class EnvelopeCodecTest {
  private final List<String> reports = new ArrayList<>();

  private static Envelope envelope(String value) {
    return new Envelope(
        Samples.CLIENT, Samples.S1, new ClientMessage.Request(1, new Command.Put("k", value), 1));
  }

  private EmbeddedChannel decoder() {
    return new EmbeddedChannel(new EnvelopeDecoder(reports::add));
  }

  @Test
  void when_anEnvelopeIsExactlyTheLimit_then_itIsSent_andOneByteMoreIsRefused() {
    Envelope e = envelope("v");
    int size = WireCodec.encode(e).length;

    EmbeddedChannel exact = new EmbeddedChannel(new EnvelopeEncoder(size));
    assertThat(exact.writeOutbound(e)).isTrue();
    ByteBuf out = exact.readOutbound();
    assertThat(ByteBufs.bytes(out)).isEqualTo(WireCodec.encode(e));
    out.release();

    EmbeddedChannel short1 = new EmbeddedChannel(new EnvelopeEncoder(size - 1));
    ChannelFuture write = short1.writeAndFlush(e);
    assertThat(write.cause())
        .isInstanceOf(EncoderException.class)
        .hasMessage(
            "envelope of " + size + " bytes (Request) exceeds the maximum of " + (size - 1));
    assertThat(short1.isOpen()).as("a refused write leaves the channel open").isTrue();
    assertThat(short1.<Object>readOutbound()).isNull();
  }

  @Test
  void when_theLimitIsNegative_then_theEncoderIsRefused() {
    assertThatThrownBy(() -> new EnvelopeEncoder(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxEnvelopeBytes must be >= 0, got -1");
  }

  @Test
  void when_aFrameDecodes_then_theEnvelopeGoesOn_andTheFrameIsReleased() {
    EmbeddedChannel ch = decoder();
    ByteBuf frame = Unpooled.wrappedBuffer(WireCodec.encode(envelope("v")));
    ch.writeInbound(frame);
    assertThat((Envelope) ch.readInbound()).isEqualTo(envelope("v"));
    assertThat(frame.refCnt()).isZero();
    assertThat(reports).isEmpty();
  }

  @Test
  void when_somethingOtherThanAFrameArrives_then_itPassesThroughUntouched() {
    EmbeddedChannel ch = decoder();
    ch.writeInbound("not a frame");
    assertThat((String) ch.readInbound()).isEqualTo("not a frame");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void
      when_aFrameHoldsACutEnvelope_then_oneLineIsReported_theChannelCloses_andLaterFramesAreDropped() {
    byte[] whole = WireCodec.encode(envelope("value"));
    for (int cut : new int[] {1, whole.length / 2, whole.length - 1}) {
      reports.clear();
      EmbeddedChannel ch = decoder();
      ByteBuf partial = Unpooled.wrappedBuffer(Arrays.copyOf(whole, cut));
      ByteBuf later = Unpooled.wrappedBuffer(whole);
      ch.writeInbound(partial, later); // both reach the decoder in one read
      assertThat(partial.refCnt()).isZero();
      assertThat(later.refCnt()).as("a later frame is released, not leaked").isZero();
      assertThat(ch.<Object>readInbound()).as("nothing after a bad frame").isNull();
      assertThat(ch.isOpen()).as("cut at %d of %d bytes", cut, whole.length).isFalse();
      assertThat(reports)
          .singleElement()
          .asString()
          .startsWith("bad frame from embedded: ")
          .doesNotContain("\n");
      assertThat(reports).hasSize(1);
    }
  }

  @Test
  void when_theFrameDecoderBeforeItFails_then_itIsReportedOnce_asTooLongOrBad() {
    EmbeddedChannel tooLong = decoder();
    tooLong.pipeline().fireExceptionCaught(new TooLongFrameException("frame of 9999 bytes"));
    tooLong.pipeline().fireExceptionCaught(new CorruptedFrameException("again"));
    assertThat(reports)
        .containsExactly("bad frame from embedded: frame too long: frame of 9999 bytes");
    assertThat(tooLong.isOpen()).isFalse();

    reports.clear();
    EmbeddedChannel corrupt = decoder();
    corrupt.pipeline().fireExceptionCaught(new CorruptedFrameException("negative length -5"));
    assertThat(reports).containsExactly("bad frame from embedded: bad frame: negative length -5");
  }

  /** Bytes of a buffer, for comparing. */
  private static final class ByteBufs {
    static byte[] bytes(ByteBuf b) {
      byte[] out = new byte[b.readableBytes()];
      b.getBytes(b.readerIndex(), out);
      return out;
    }
  }
}
