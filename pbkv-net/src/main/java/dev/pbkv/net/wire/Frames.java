package dev.pbkv.net.wire;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Length-prefixed {@link Envelope} frames in a Netty pipeline. On the wire, each frame is a 4-byte
 * big-endian length {@code n}, then the {@code n} bytes of one envelope as {@link WireCodec}
 * encodes it.
 *
 * <p>{@link #install} adds, in this order:
 *
 * <ol>
 *   <li>{@value #FRAME_DECODER}: a {@link LengthFieldBasedFrameDecoder} that splits the byte stream
 *       into frames and rejects one longer than the maximum as soon as its length is read;
 *   <li>{@value #FRAME_PREPENDER}: a {@link LengthFieldPrepender} that writes each outbound frame's
 *       length;
 *   <li>{@value #ENVELOPE_DECODER}: an {@link EnvelopeDecoder} (frame to {@link Envelope}), which
 *       reports any bad frame through {@code onBadFrame} and closes that channel only;
 *   <li>{@value #ENVELOPE_ENCODER}: an {@link EnvelopeEncoder} ({@link Envelope} to frame).
 * </ol>
 *
 * <p>The application's handlers go after these and read {@link Envelope}s and write {@link
 * Envelope}s.
 */
public final class Frames {

  /** The default maximum frame size, length prefix included: 64 MiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

  /** The size of the length prefix in bytes. */
  public static final int LENGTH_PREFIX_BYTES = 4;

  /** The name of the frame decoder in the pipeline. */
  public static final String FRAME_DECODER = "pbkv-frame-decoder";

  /** The name of the length prepender in the pipeline. */
  public static final String FRAME_PREPENDER = "pbkv-frame-prepender";

  /** The name of the {@link EnvelopeDecoder} in the pipeline. */
  public static final String ENVELOPE_DECODER = "pbkv-envelope-decoder";

  /** The name of the {@link EnvelopeEncoder} in the pipeline. */
  public static final String ENVELOPE_ENCODER = "pbkv-envelope-encoder";

  private Frames() {}

  /**
   * Adds the frame and envelope codecs at the end of {@code pipeline}.
   *
   * @param pipeline a channel's pipeline (each channel needs its own handlers: call this once per
   *     channel, for example from a {@code ChannelInitializer})
   * @param maxFrameBytes the largest frame accepted or sent, its 4-byte length prefix included
   * @param onBadFrame told, once per channel and in one line naming the remote address and the
   *     problem, when a received frame is too long or is not a valid envelope; that channel is then
   *     closed. It runs on the channel's event loop and must not block.
   * @throws IllegalArgumentException if {@code maxFrameBytes} leaves no room for an envelope
   */
  public static void install(
      ChannelPipeline pipeline, int maxFrameBytes, Consumer<String> onBadFrame) {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(onBadFrame, "onBadFrame");
    if (maxFrameBytes <= LENGTH_PREFIX_BYTES) {
      throw new IllegalArgumentException(
          "maxFrameBytes must be more than " + LENGTH_PREFIX_BYTES + ", got " + maxFrameBytes);
    }
    pipeline.addLast(
        FRAME_DECODER,
        new LengthFieldBasedFrameDecoder(
            maxFrameBytes, 0, LENGTH_PREFIX_BYTES, 0, LENGTH_PREFIX_BYTES));
    pipeline.addLast(FRAME_PREPENDER, new LengthFieldPrepender(LENGTH_PREFIX_BYTES));
    pipeline.addLast(ENVELOPE_DECODER, new EnvelopeDecoder(onBadFrame));
    pipeline.addLast(ENVELOPE_ENCODER, new EnvelopeEncoder(maxFrameBytes - LENGTH_PREFIX_BYTES));
  }
}
