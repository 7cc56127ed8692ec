package dev.pbkv.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy that makes a slow link out of loopback, for tests and benchmarks (issue 13); no pbkv
 * process uses it. It listens on a free port and forwards every connection it accepts to a target,
 * through two one-way links:
 *
 * <ul>
 *   <li><b>forward</b> (client of the proxy to the target) and <b>backward</b> (target to the
 *       client), each with its own bandwidth in bytes per second (0: as fast as loopback goes), its
 *       own buffer, and an optional one-way delay;
 *   <li>a link is shared by all the proxy's connections in its direction, like one bottleneck: each
 *       pass hands out the bytes the rate allows, round-robin over the connections in slices of at
 *       most {@value #SLICE_BYTES} bytes (fair queueing), so a small message on one connection does
 *       not wait behind all of another's queued bytes, only behind the link's;
 *   <li>a link holds at most {@code bufferBytes} not yet delivered (per connection); once it holds
 *       that many, the proxy stops reading from the sender's socket, so the sender's kernel buffer
 *       fills and its writes stop going out, as behind a full router queue. The proxy's memory is
 *       thus bounded by {@code connections × (bufferBytes + one read)} per direction.
 * </ul>
 *
 * <p>It counts the bytes that crossed each link ({@link #forwardBytes()}, {@link
 * #backwardBytes()}). One event-loop thread runs the proxy; a pass of the pump runs every
 * millisecond.
 */
public final class ThrottlingProxy implements AutoCloseable {
  /** The most bytes of one connection a pass hands to the link before going to the next one. */
  static final int SLICE_BYTES = 16 * 1024;

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * Settings of one direction.
   *
   * @param bytesPerSecond the link's bandwidth; 0 for no limit
   * @param bufferBytes bytes the link holds per connection before it stops reading from the sender
   * @param delayMillis one-way delay added to every byte (0 for none)
   */
  public record Link(long bytesPerSecond, int bufferBytes, long delayMillis) {
    public Link {
      if (bytesPerSecond < 0 || bufferBytes < 1 || delayMillis < 0) {
        throw new IllegalArgumentException(
            "a link needs bytesPerSecond >= 0, bufferBytes >= 1, delayMillis >= 0");
      }
    }

    /** No limit: as fast as loopback goes, with a 256 KiB buffer. */
    public static Link unlimited() {
      return new Link(0, 256 * 1024, 0);
    }

    /** {@code bytesPerSecond}, a 256 KiB buffer, no delay. */
    public static Link of(long bytesPerSecond) {
      return new Link(bytesPerSecond, 256 * 1024, 0);
    }
  }

  private final EventLoopGroup group;
  private final EventLoop loop;
  private final Channel listener;
  private volatile InetSocketAddress target;
  private final Direction forward;
  private final Direction backward;

  private ThrottlingProxy(InetSocketAddress target, Link forward, Link backward) {
    this.target = target;
    this.group = new MultiThreadIoEventLoopGroup(1, Transport.ioHandlerFactory());
    this.loop = group.next();
    this.forward = new Direction(forward);
    this.backward = new Direction(backward);
    try {
      this.listener =
          new ServerBootstrap()
              .group(group)
              .channel(Transport.serverSocketChannel())
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.AUTO_READ, false)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(new Accepted());
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
      throw new IllegalStateException("interrupted while starting the proxy");
    }
    loop.scheduleAtFixedRate(this::pump, TICK_NANOS, TICK_NANOS, TimeUnit.NANOSECONDS);
  }

  /**
   * A proxy on a free loopback port that forwards to {@code target} (which may be null for now and
   * set with {@link #target(InetSocketAddress)}; connections accepted before that are closed).
   */
  public static ThrottlingProxy start(InetSocketAddress target, Link forward, Link backward) {
    return new ThrottlingProxy(
        target, Objects.requireNonNull(forward), Objects.requireNonNull(backward));
  }

  /** Sets where new connections go. */
  public void target(InetSocketAddress target) {
    this.target = target;
  }

  /** The port the proxy listens on (on 127.0.0.1). */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Bytes delivered so far from the proxy's clients to the target. */
  public long forwardBytes() {
    return forward.delivered.get();
  }

  /** Bytes delivered so far from the target to the proxy's clients. */
  public long backwardBytes() {
    return backward.delivered.get();
  }

  /** Changes the forward link's bandwidth (0: no limit), from the next pass of the pump on. */
  public void forwardRate(long bytesPerSecond) {
    loop.execute(() -> forward.bytesPerSecond = bytesPerSecond);
  }

  /** Changes the backward link's bandwidth (0: no limit), from the next pass of the pump on. */
  public void backwardRate(long bytesPerSecond) {
    loop.execute(() -> backward.bytesPerSecond = bytesPerSecond);
  }

  /** Closes every connection of the proxy, as a link that breaks (new ones are accepted). */
  public void cutConnections() {
    loop.execute(
        () -> {
          for (Pipe p : new ArrayList<>(forward.pipes)) {
            p.from.close();
            p.to.close();
          }
        });
  }

  @Override
  public void close() {
    listener.close().awaitUninterruptibly(1000);
    group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
  }

  // --- the links ------------------------------------------------------------------------------

  /** One direction: a token bucket shared by the pipes of every connection. */
  private static final class Direction {
    final int bufferBytes;
    final long delayNanos;
    long bytesPerSecond;
    final List<Pipe> pipes = new ArrayList<>();
    final AtomicLong delivered = new AtomicLong();
    double tokens;
    long lastNanos = System.nanoTime();
    int next; // round-robin start

    Direction(Link link) {
      this.bytesPerSecond = link.bytesPerSecond();
      this.bufferBytes = link.bufferBytes();
      this.delayNanos = TimeUnit.MILLISECONDS.toNanos(link.delayMillis());
    }

    /** Hands the link's allowance of this pass to the pipes, round-robin. */
    void pump(long now) {
      long elapsed = now - lastNanos;
      lastNanos = now;
      boolean limited = bytesPerSecond > 0;
      if (limited) {
        // at most 5 ms worth of burst: an idle link does not save up a large credit
        double cap = Math.max(SLICE_BYTES, bytesPerSecond * 0.005);
        tokens = Math.min(cap, tokens + bytesPerSecond * (elapsed / 1e9));
      }
      int n = pipes.size();
      if (n == 0) {
        return;
      }
      boolean progress = true;
      while (progress && (!limited || tokens >= 1)) {
        progress = false;
        for (int i = 0; i < n && (!limited || tokens >= 1); i++) {
          Pipe p = pipes.get((next + i) % n);
          int allowance = limited ? (int) Math.min(SLICE_BYTES, tokens) : SLICE_BYTES;
          int sent = p.deliver(now, allowance, delayNanos);
          if (sent > 0) {
            progress = true;
            delivered.addAndGet(sent);
            if (limited) {
              tokens -= sent;
            }
          }
        }
        next = (next + 1) % n;
      }
      for (Pipe p : pipes) {
        p.flushAndResume(bufferBytes);
      }
    }
  }

  /** Bytes read from one socket and not yet written to the other. */
  private static final class Pipe {
    final Channel from;
    final Channel to;
    final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    final ArrayDeque<Long> arrivals = new ArrayDeque<>();
    long queued;
    boolean wrote;

    Pipe(Channel from, Channel to) {
      this.from = from;
      this.to = to;
    }

    void add(ByteBuf buf, int bufferBytes) {
      queue.addLast(buf);
      arrivals.addLast(System.nanoTime());
      queued += buf.readableBytes();
      if (queued >= bufferBytes) {
        from.config().setAutoRead(false);
      }
    }

    /** Writes up to {@code allowance} bytes that are due; returns how many. */
    int deliver(long now, int allowance, long delayNanos) {
      if (!to.isActive() || !to.isWritable()) {
        return 0;
      }
      int sent = 0;
      while (sent < allowance && !queue.isEmpty() && arrivals.peekFirst() + delayNanos <= now) {
        ByteBuf head = queue.peekFirst();
        int take = Math.min(allowance - sent, head.readableBytes());
        if (take == head.readableBytes()) {
          queue.pollFirst();
          arrivals.pollFirst();
          to.write(head, to.voidPromise());
        } else {
          to.write(head.readRetainedSlice(take), to.voidPromise());
        }
        sent += take;
      }
      queued -= sent;
      if (sent > 0) {
        wrote = true;
      }
      return sent;
    }

    void flushAndResume(int bufferBytes) {
      if (wrote) {
        wrote = false;
        to.flush();
      }
      if (queued < bufferBytes / 2 && from.isActive() && !from.config().isAutoRead()) {
        from.config().setAutoRead(true);
      }
    }

    void release() {
      ByteBuf b;
      while ((b = queue.pollFirst()) != null) {
        b.release();
      }
      arrivals.clear();
      queued = 0;
    }
  }

  private void pump() {
    long now = System.nanoTime();
    forward.pump(now);
    backward.pump(now);
  }

  /** A connection accepted from a client of the proxy: opens its twin to the target. */
  private final class Accepted extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel client = ctx.channel();
      InetSocketAddress to = target;
      if (to == null) {
        client.close();
        return;
      }
      new Bootstrap()
          .group(loop)
          .channel(Transport.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.AUTO_READ, false)
          .handler(new ChannelInboundHandlerAdapter())
          .connect(to)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      client.close();
                      return;
                    }
                    Channel server = f.channel();
                    Pipe up = new Pipe(client, server);
                    Pipe down = new Pipe(server, client);
                    forward.pipes.add(up);
                    backward.pipes.add(down);
                    client.pipeline().addLast(new Reader(up, forward.bufferBytes, server));
                    server.pipeline().addLast(new Reader(down, backward.bufferBytes, client));
                    client.config().setAutoRead(true);
                    server.config().setAutoRead(true);
                    Runnable closeBoth =
                        () -> {
                          if (forward.pipes.remove(up)) {
                            backward.pipes.remove(down);
                            up.release();
                            down.release();
                            client.close();
                            server.close();
                          }
                        };
                    client.closeFuture().addListener(c -> closeBoth.run());
                    server.closeFuture().addListener(c -> closeBoth.run());
                  });
    }
  }

  /** Reads one socket into its pipe. */
  private static final class Reader extends ChannelInboundHandlerAdapter {
    private final Pipe pipe;
    private final int bufferBytes;
    private final Channel other;

    Reader(Pipe pipe, int bufferBytes, Channel other) {
      this.pipe = pipe;
      this.bufferBytes = bufferBytes;
      this.other = other;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!other.isActive()) {
        ((ByteBuf) msg).release();
        return;
      }
      pipe.add((ByteBuf) msg, bufferBytes);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
