package dev.pbkv.net.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns each inbound frame (a {@link ByteBuf} holding one envelope, its length prefix already
 * removed) into an {@link Envelope}.
 *
 * <p>A bad frame — one that is not a valid envelope ({@link WireFormatException}), one the frame
 * decoder before this handler refused ({@link TooLongFrameException} or any other {@link
 * DecoderException}), or any other decode failure — is reported once, as one line naming the remote
 * address and the problem, to the {@code onBadFrame} callback; then the channel is closed and any
 * frame still arriving on it is dropped. Nothing is thrown past this handler, and other channels
 * are not affected. Other exceptions (such as I/O errors) pass on down the pipeline unchanged.
 *
 * <p>Not sharable: it remembers whether its channel has failed. See {@link Frames#install}.
 */
public final class EnvelopeDecoder extends ChannelInboundHandlerAdapter {

  private final Consumer<String> onBadFrame;
  private boolean failed;

  /**
   * A decoder for one channel.
   *
   * @param onBadFrame told once, in one line, when the channel receives a bad frame
   */
  public EnvelopeDecoder(Consumer<String> onBadFrame) {
    this.onBadFrame = Objects.requireNonNull(onBadFrame, "onBadFrame");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf frame)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Envelope envelope;
    try {
      if (failed) {
        return;
      }
      envelope = WireCodec.decode(frame);
    } catch (WireFormatException e) {
      fail(ctx, e.getMessage());
      return;
    } catch (RuntimeException e) {
      fail(ctx, "undecodable frame: " + e);
      return;
    } finally {
      frame.release();
    }
    ctx.fireChannelRead(envelope);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      fail(ctx, "frame too long: " + cause.getMessage());
    } else if (cause instanceof DecoderException) {
      fail(ctx, "bad frame: " + cause.getMessage());
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  private void fail(ChannelHandlerContext ctx, String reason) {
    if (failed) {
      return;
    }
    failed = true;
    SocketAddress remote = ctx.channel().remoteAddress();
    String line =
        WireFormatException.oneLine(
            "bad frame from " + (remote == null ? "(unknown)" : remote) + ": " + reason);
    try {
      onBadFrame.accept(line);
    } catch (RuntimeException ignored) {
      // A failing callback must not stop us from closing the channel, nor reach the pipeline.
    } finally {
      ctx.close();
    }
  }
}
