package dev.pbkv.net.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Turns each outbound {@link Envelope} into a {@link ByteBuf} of its {@link WireCodec} bytes (the
 * length prefix is added by the {@code LengthFieldPrepender} before it; see {@link Frames}).
 *
 * <p>A write fails (its future fails with an {@link EncoderException}, and the channel stays open)
 * if the envelope is larger than the maximum frame the peer accepts, or if its message has no wire
 * mapping.
 */
public final class EnvelopeEncoder extends MessageToMessageEncoder<Envelope> {

  private final int maxEnvelopeBytes;

  /**
   * An encoder.
   *
   * @param maxEnvelopeBytes the largest encoded envelope to send, length prefix excluded
   */
  public EnvelopeEncoder(int maxEnvelopeBytes) {
    super(Envelope.class);
    if (maxEnvelopeBytes < 0) {
      throw new IllegalArgumentException("maxEnvelopeBytes must be >= 0, got " + maxEnvelopeBytes);
    }
    this.maxEnvelopeBytes = maxEnvelopeBytes;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Envelope envelope, List<Object> out) {
    byte[] bytes = WireCodec.encode(envelope);
    if (bytes.length > maxEnvelopeBytes) {
      throw new EncoderException(
          "envelope of "
              + bytes.length
              + " bytes ("
              + envelope.message().getClass().getSimpleName()
              + ") exceeds the maximum of "
              + maxEnvelopeBytes);
    }
    out.add(Unpooled.wrappedBuffer(bytes));
  }
}
