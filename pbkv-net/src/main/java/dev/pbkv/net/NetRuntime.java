package dev.pbkv.net;

import dev.pbkv.clock.LamportClock;
import dev.pbkv.clock.VectorClock;
import dev.pbkv.net.tls.ConnectionSecurity;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.net.wire.Frames;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import dev.pbkv.trace.TraceWriter;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Node}s over TCP. One event-loop thread runs every handler and timer of the nodes it
 * hosts, and all of their socket I/O, so the node classes of the simulator run here unchanged:
 * handlers never race, and they run to completion.
 *
 * <p>Connections to peers are opened on demand, used in both directions, and re-opened after a
 * failure. Sends never block: a message to a peer that cannot be reached is dropped (after a short
 * queue while connecting), as the protocol expects. Writes made by a handler are flushed once the
 * batch of input that caused them has been handled (group commit). A malformed frame closes only
 * the connection it came on.
 *
 * <p>Every envelope carries its sender's Lamport time. Vector clocks are kept and carried only
 * while the process traces ({@link #traceTo}): a vector clock gains an entry for every client
 * session a server ever hears from, so carrying it on every message would cost each message more
 * the longer a server runs, for a value that only a trace reads. A process that does not trace
 * sends an empty vector clock and ignores the ones it receives.
 */
public final class NetRuntime implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NetRuntime.class);
  private static final int MAX_QUEUED_PER_PEER = 4096;
  private static final long RECONNECT_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * The default cap on the bytes waiting to go out on one connection (written, not yet taken by the
   * kernel): 8 MiB. At 10 MB/s that is under a second of sending; a state-transfer window (2 chunks
   * of 1 MiB) fits four times.
   */
  public static final long DEFAULT_OUTBOUND_CAP_BYTES = 8L << 20;

  /** A drop over the cap is logged at most once per peer per this interval. */
  private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  /**
   * Messages estimated larger than this go to a peer on a second connection of their own, the bulk
   * connection, so pings, acks and small requests never queue behind a large frame (docs/ design.md
   * §8): 64 KiB. {@code -Dpbkv.net.bulkThreshold=0} sends everything on one connection per peer
   * (for measurements).
   */
  public static final long BULK_THRESHOLD_BYTES = Long.getLong("pbkv.net.bulkThreshold", 64 << 10);

  /** Marks the connections this process opened as bulk connections. */
  private static final io.netty.util.AttributeKey<Boolean> BULK =
      io.netty.util.AttributeKey.valueOf("pbkv-bulk");

  /** What a frame adds to its message's size estimate: addresses, clocks, length prefix. */
  private static final int ENVELOPE_OVERHEAD_BYTES = 256;

  private final EventLoopGroup group;
  private final EventLoop loop;
  private final int maxFrameBytes;
  private final ConnectionSecurity security; // null: plain TCP
  private final Bootstrap bootstrap;
  private final Map<Address, Hosted> nodes = new HashMap<>();
  private final Map<Address, Channel> routes = new HashMap<>();
  private final Map<Address, Outbound> outbound = new HashMap<>();
  private final Map<Address, Channel> bulkRoutes = new HashMap<>();
  private final Map<Address, Outbound> bulkOutbound = new HashMap<>();
  private final Bootstrap bulkBootstrap;
  private long bulkThresholdBytes = BULK_THRESHOLD_BYTES; // event loop only
  private final Set<Channel> dirty = new LinkedHashSet<>();
  private boolean flushQueued; // event loop only
  private final Runnable flushTask = this::flushNow;
  private final SplittableRandom random = new SplittableRandom();
  private Channel listener;
  private TraceWriter tracer; // event loop only
  private final java.util.concurrent.atomic.AtomicBoolean closed =
      new java.util.concurrent.atomic.AtomicBoolean();
  private Hosted listeningNode;
  private final java.util.concurrent.atomic.AtomicLong framesRefused =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong sendsDropped =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger openConnections =
      new java.util.concurrent.atomic.AtomicInteger();
  private final long outboundCapBytes;
  private final java.util.concurrent.atomic.AtomicLong sendsDroppedFull =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong peakOutboundBytes =
      new java.util.concurrent.atomic.AtomicLong();
  private final Set<Channel> channels = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Map<Address, DropReport> dropReports = new HashMap<>(); // event loop only

  /** Sends to one peer dropped over the cap since the last log line about it. */
  private static final class DropReport {
    long lastLogNanos;
    long droppedSinceLog;
  }

  /** A node hosted here; also its {@link Effects}, used on the event loop only. */
  private final class Hosted implements Effects {
    final Address address;
    final Node node;
    boolean removed;
    final LamportClock lamport; // runtime state, outside the node (docs/design.md §7)
    VectorClock vector = VectorClock.EMPTY;

    Hosted(Address address, Node node) {
      this.address = address;
      this.node = node;
      this.lamport = new LamportClock(address.name());
    }

    /** A local event: the Lamport clock ticks, and the vector clock while tracing. */
    void tick() {
      lamport.tick();
      if (tracer != null) {
        vector = vector.increment(address.name());
      }
    }

    /** A message arrives stamped {@code (time, clock)}: merge, then tick. */
    void receive(long time, Map<String, Long> clock) {
      lamport.receive(time);
      if (tracer != null) {
        VectorClock merged = clock.isEmpty() ? vector : vector.merge(VectorClock.of(clock));
        vector = merged.increment(address.name());
      }
    }

    /** The vector clock a message carries: the sender's while tracing, else none. */
    Map<String, Long> vectorStamp() {
      return tracer != null ? vector.asMap() : Map.of();
    }

    void trace(TraceEvent.Kind kind, String messageId, Address peer, String label, String detail) {
      if (tracer != null) {
        tracer.write(
            new TraceEvent(
                address.name(),
                kind,
                lamport.time(),
                vector.asMap(),
                System.currentTimeMillis() * 1000,
                messageId,
                peer == null ? null : peer.name(),
                label,
                detail));
      }
    }

    @Override
    public void send(Address to, Message msg) {
      NetRuntime.this.send(this, to, msg);
    }

    @Override
    public void warn(String line) {
      log.warn("{}: {}", address, line);
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {
      long delay =
          maxMillis <= minMillis
              ? minMillis
              : minMillis + random.nextLong(maxMillis - minMillis + 1);
      schedule(timer, delay);
    }

    io.netty.util.concurrent.ScheduledFuture<?> schedule(Timer timer, long delayMillis) {
      return loop.schedule(
          () -> {
            if (!removed) {
              tick();
              trace(TraceEvent.Kind.TIMER, null, null, timer.getClass().getSimpleName(), "");
              run(() -> node.onTimer(timer, this), timer);
              flushDirty();
            }
          },
          delayMillis,
          TimeUnit.MILLISECONDS);
    }

    /** Runs a handler; a failure is logged with {@code what} (described only then). */
    void run(Runnable handler, Object what) {
      try {
        handler.run();
      } catch (RuntimeException e) {
        log.warn("{}: handling {} failed: {}", address, what, e.toString(), e);
      }
    }
  }

  /** An envelope waiting for a connection, with its estimated size. */
  private record Queued(Envelope envelope, long bytes) {}

  /** Messages waiting for a connection to a peer: at most the cap in bytes. */
  private static final class Outbound {
    final ArrayDeque<Queued> queue = new ArrayDeque<>();
    long queuedBytes;
    boolean connecting;
    long retryAfterNanos;

    Queued poll() {
      Queued q = queue.pollFirst();
      if (q != null) {
        queuedBytes -= q.bytes();
      }
      return q;
    }
  }

  private NetRuntime(int maxFrameBytes, long outboundCapBytes, ConnectionSecurity security) {
    if (outboundCapBytes < 1) {
      throw new IllegalArgumentException(
          "the outbound cap must be at least 1 byte, got " + outboundCapBytes);
    }
    this.group = new MultiThreadIoEventLoopGroup(1, Transport.ioHandlerFactory());
    this.loop = group.next();
    this.maxFrameBytes = maxFrameBytes;
    this.outboundCapBytes = outboundCapBytes;
    this.security = security;
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(Transport.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(outboundCapBytes))
            .handler(initializer(false));
    this.bulkBootstrap = bootstrap.clone().attr(BULK, Boolean.TRUE);
  }

  /**
   * Netty's writability follows the cap: a channel is unwritable once the cap's bytes wait, and
   * writable again below half of it. {@link #send} admits a message only while it keeps the channel
   * under the cap, so the two agree.
   */
  private static io.netty.channel.WriteBufferWaterMark waterMark(long cap) {
    int high = (int) Math.min(Integer.MAX_VALUE, cap);
    return new io.netty.channel.WriteBufferWaterMark(Math.max(1, high / 2), high);
  }

  /** A runtime that listens on nothing (a client process). */
  public static NetRuntime client() {
    return client(DEFAULT_OUTBOUND_CAP_BYTES);
  }

  /**
   * A client runtime whose connections each hold at most {@code outboundCapBytes} waiting to go out
   * (see {@link #sendsDroppedFull()}).
   */
  public static NetRuntime client(long outboundCapBytes) {
    return client(outboundCapBytes, null);
  }

  /** A client runtime whose connections use {@code security} (TLS), or plain TCP if null. */
  public static NetRuntime client(ConnectionSecurity security) {
    return client(DEFAULT_OUTBOUND_CAP_BYTES, security);
  }

  /** {@link #client(long)} over {@code security} (TLS), or plain TCP if null. */
  public static NetRuntime client(long outboundCapBytes, ConnectionSecurity security) {
    return new NetRuntime(Frames.DEFAULT_MAX_FRAME_BYTES, outboundCapBytes, security);
  }

  /**
   * A runtime hosting {@code node} at {@code address}, listening on the host and port that {@code
   * address} names (or on {@code bindTo}, when given, e.g. 0.0.0.0:PORT). If {@code address} names
   * port 0 ({@link Addresses#listenAddress}), the runtime listens on a free port the system picks
   * and the node is {@code HOST:THAT_PORT} ({@link #address()}): no other process can take the port
   * between choosing it and binding it.
   *
   * @throws IllegalArgumentException with a one-line message if the port is in use or the address
   *     cannot be bound
   */
  public static NetRuntime listen(
      Address address, InetSocketAddress bindTo, Function<Address, Node> factory) {
    return listen(address, bindTo, factory, null);
  }

  /** Like {@link #listen(Address, InetSocketAddress, Function)}, tracing to {@code trace}. */
  public static NetRuntime listen(
      Address address, InetSocketAddress bindTo, Function<Address, Node> factory, Path trace) {
    return listen(address, bindTo, factory, trace, DEFAULT_OUTBOUND_CAP_BYTES);
  }

  /**
   * Like {@link #listen(Address, InetSocketAddress, Function, Path)}; each connection holds at most
   * {@code outboundCapBytes} waiting to go out: a send past it is dropped and counted ({@link
   * #sendsDroppedFull()}).
   */
  public static NetRuntime listen(
      Address address,
      InetSocketAddress bindTo,
      Function<Address, Node> factory,
      Path trace,
      long outboundCapBytes) {
    return listen(address, bindTo, factory, trace, outboundCapBytes, null);
  }

  /**
   * Like {@link #listen(Address, InetSocketAddress, Function, Path, long)}, every connection
   * (accepted and opened) secured by {@code security} (TLS), or plain TCP if null.
   */
  public static NetRuntime listen(
      Address address,
      InetSocketAddress bindTo,
      Function<Address, Node> factory,
      Path trace,
      long outboundCapBytes,
      ConnectionSecurity security) {
    NetRuntime rt = new NetRuntime(Frames.DEFAULT_MAX_FRAME_BYTES, outboundCapBytes, security);
    if (trace != null) {
      try {
        rt.traceTo(trace);
      } catch (IOException e) {
        rt.close();
        throw new IllegalArgumentException(
            "cannot write the trace " + trace + ": " + e.getMessage());
      }
    }
    InetSocketAddress named = Addresses.bindAddress(address);
    boolean anyPort = named != null && named.getPort() == 0;
    InetSocketAddress bind = bindTo != null ? bindTo : Objects.requireNonNull(named);
    InetSocketAddress resolved = new InetSocketAddress(bind.getHostString(), bind.getPort());
    if (resolved.isUnresolved()) {
      rt.close();
      throw new IllegalArgumentException(
          "cannot listen on " + address + ": unknown host '" + bind.getHostString() + "'");
    }
    try {
      rt.listener =
          new ServerBootstrap()
              .group(rt.group)
              .channel(Transport.serverSocketChannel())
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(outboundCapBytes))
              .childHandler(rt.initializer(true))
              .bind(resolved)
              .sync()
              .channel();
    } catch (Exception e) {
      rt.close();
      String why = String.valueOf(e.getMessage());
      if (why.contains("Address already in use") || why.contains("error(-98)")) {
        throw new IllegalArgumentException(
            "cannot listen on " + address + ": the port is in use (another process listens on it)");
      }
      if (why.contains("Cannot assign requested address") || why.contains("error(-99)")) {
        throw new IllegalArgumentException(
            "cannot listen on "
                + address
                + ": no network interface of this machine has that address");
      }
      if (e instanceof BindException || e.getCause() instanceof BindException) {
        throw new IllegalArgumentException("cannot listen on " + address + ": " + why);
      }
      throw new IllegalArgumentException(
          "cannot listen on " + address + ": " + e.getClass().getSimpleName() + ": " + why);
    }
    Address self =
        anyPort ? Address.of(Addresses.format(named.getHostString(), rt.port())) : address;
    rt.call(
            () -> {
              rt.listeningNode = rt.host(self, factory.apply(self));
              return null;
            })
        .join();
    return rt;
  }

  private ChannelInitializer<SocketChannel> initializer(boolean accepted) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        if (security != null) {
          security.installTls(ch.pipeline(), accepted);
        }
        Frames.install(
            ch.pipeline(),
            maxFrameBytes,
            reason -> {
              framesRefused.incrementAndGet();
              log.warn("{}", reason);
            });
        if (security != null) {
          ch.pipeline().addLast(security.gate(accepted));
        }
        ch.pipeline().addLast(new Inbound());
      }
    };
  }

  /**
   * Records every event of this process's nodes (sends, receives, timers) with their Lamport time
   * and vector clock to {@code file}, as JSON Lines; {@code pbkv trace merge} combines the files of
   * several processes.
   */
  public void traceTo(Path file) throws IOException {
    TraceWriter w = new TraceWriter(file, Trace.REAL);
    call(() -> {
          tracer = w;
          return null;
        })
        .join();
    loop.scheduleAtFixedRate(w::flush, 1, 1, TimeUnit.SECONDS);
  }

  /** True if every connection of this runtime runs over TLS. */
  public boolean secured() {
    return security != null;
  }

  /** Frames refused so far (malformed or over the size limit; each closed its connection). */
  public long framesRefused() {
    return framesRefused.get();
  }

  /** Sends dropped so far because their peer could not be reached or its queue was full. */
  public long sendsDropped() {
    return sendsDropped.get();
  }

  /** TCP connections open now, in both directions. */
  public int openConnections() {
    return openConnections.get();
  }

  /**
   * Sends dropped so far because the connection to their peer already held the cap's bytes waiting
   * to go out (a peer that reads slower than this process writes); also counted in {@link
   * #sendsDropped()}.
   */
  public long sendsDroppedFull() {
    return sendsDroppedFull.get();
  }

  /** The cap on the bytes waiting to go out on one connection. */
  public long outboundCapBytes() {
    return outboundCapBytes;
  }

  /** Bytes waiting to go out now, over all connections (written, not yet taken by the kernel). */
  public long outboundBytes() {
    long sum = 0;
    for (Channel ch : channels) {
      sum += pendingBytes(ch);
    }
    return sum;
  }

  /** The most bytes seen waiting on one connection, right after a write, since the start. */
  public long peakOutboundBytes() {
    return peakOutboundBytes.get();
  }

  /**
   * Sets the size above which a message goes on the bulk connection (0: one connection per peer for
   * everything), e.g. to measure without the split. Takes effect for the sends that follow.
   */
  void bulkThreshold(long bytes) {
    call(() -> {
          bulkThresholdBytes = bytes;
          return null;
        })
        .join();
  }

  private static long pendingBytes(Channel ch) {
    io.netty.channel.ChannelOutboundBuffer b = ch.unsafe().outboundBuffer();
    return b == null ? 0 : b.totalPendingWriteBytes();
  }

  /** The address of the node this runtime listens for, or null for a client runtime. */
  public Address address() {
    return listeningNode == null ? null : listeningNode.address;
  }

  /** The port this runtime listens on, or -1. */
  public int port() {
    return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
  }

  // --- nodes ----------------------------------------------------------------------------------

  /** Adds a node and starts it (its {@code init} runs on the event loop). */
  public CompletableFuture<Void> addNode(Address address, Node node) {
    return call(
        () -> {
          host(address, node);
          return null;
        });
  }

  private Hosted host(Address address, Node node) {
    if (nodes.containsKey(address)) {
      throw new IllegalArgumentException("a node is already at " + address);
    }
    Hosted h = new Hosted(address, node);
    nodes.put(address, h);
    h.tick();
    h.trace(TraceEvent.Kind.NOTE, null, null, "start", "");
    h.run(() -> node.init(h), "init");
    flushDirty();
    return h;
  }

  /** Stops a node: it handles nothing more, and its timers are ignored. */
  public CompletableFuture<Void> removeNode(Address address) {
    return call(
        () -> {
          Hosted h = nodes.remove(address);
          if (h != null) {
            h.removed = true;
          }
          return null;
        });
  }

  /**
   * Runs {@code action} on the event loop, as input from outside (e.g. a client library call), with
   * the effects of the node at {@code address}; then flushes what it sent.
   */
  public <T extends Node, R> CompletableFuture<R> invoke(
      Address address, Class<T> type, java.util.function.BiFunction<T, Effects, R> action) {
    return call(
        () -> {
          Hosted h = nodes.get(address);
          if (h == null) {
            throw new IllegalStateException("no node at " + address);
          }
          h.tick();
          return action.apply(type.cast(h.node), h);
        });
  }

  /** Runs {@code task} on the event loop and flushes what it sent; completes with its result. */
  public <R> CompletableFuture<R> call(java.util.concurrent.Callable<R> task) {
    CompletableFuture<R> f = new CompletableFuture<>();
    Runnable r =
        () -> {
          try {
            f.complete(task.call());
          } catch (Throwable t) {
            f.completeExceptionally(t);
          } finally {
            flushDirty();
          }
        };
    if (loop.inEventLoop()) {
      r.run();
    } else {
      loop.execute(r);
    }
    return f;
  }

  /**
   * Runs {@code task} on the event loop every {@code millis}, until the runtime closes. A failing
   * run is logged and the task keeps its schedule (Netty would cancel it after one exception).
   */
  public void scheduleAtFixedRate(Runnable task, long millis) {
    loop.scheduleAtFixedRate(
        () -> {
          try {
            task.run();
          } catch (RuntimeException e) {
            log.warn("periodic task failed: {}", e.toString(), e);
          }
          flushDirty();
        },
        millis,
        millis,
        TimeUnit.MILLISECONDS);
  }

  /** True when called on this runtime's event loop. */
  public boolean inEventLoop() {
    return loop.inEventLoop();
  }

  // --- the network ----------------------------------------------------------------------------

  private void send(Hosted sender, Address to, Message msg) {
    Address from = sender.address;
    sender.tick();
    long stamp = sender.lamport.time();
    Map<String, Long> clock = sender.vectorStamp();
    String messageId = from.name() + "@" + stamp; // a sender's Lamport time grows with each send
    if (tracer != null) { // the detail is built only when someone records it
      sender.trace(TraceEvent.Kind.SEND, messageId, to, msg.label(), "" + msg);
    }
    Hosted local = nodes.get(to);
    if (local != null) {
      loop.execute(
          () -> {
            if (!local.removed) {
              local.receive(stamp, clock);
              local.trace(TraceEvent.Kind.RECEIVE, messageId, from, msg.label(), "");
              local.run(
                  () -> local.node.onMessage(from, msg, local), msg.getClass().getSimpleName());
              flushDirty();
            }
          });
      return;
    }
    Envelope envelope = new Envelope(from, to, msg, stamp, clock);
    long bytes = (long) msg.sizeBytes() + ENVELOPE_OVERHEAD_BYTES;
    if (bulkThresholdBytes > 0 && (bytes > bulkThresholdBytes || isStream(msg))) {
      InetSocketAddress target = Addresses.socketAddress(to);
      if (target != null) {
        send(to, target, envelope, bytes, bulkRoutes, bulkOutbound, true);
        return;
      }
    }
    Channel ch = routes.get(to);
    if (ch != null && ch.isActive()) {
      write(ch, to, envelope, bytes);
      return;
    }
    InetSocketAddress target = Addresses.socketAddress(to);
    if (target == null) {
      log.debug("no route to {}: dropping {}", to, msg.getClass().getSimpleName());
      sendsDropped.incrementAndGet();
      return;
    }
    send(to, target, envelope, bytes, routes, outbound, false);
  }

  /**
   * Forwards and state-transfer chunks, and the retries' probes: always on the bulk connection,
   * whatever their size, so each stream keeps its order (a small last chunk or a one-op forward
   * does not overtake the large ones before it, which the backup would have to buffer or, for
   * chunks, drop and wait for; a probe travels behind the data it asks about, docs/design.md §4.1).
   */
  private static boolean isStream(Message msg) {
    return msg instanceof dev.pbkv.server.ReplicationMessage.Forward
        || msg instanceof dev.pbkv.server.ReplicationMessage.StateTransfer
        || msg instanceof dev.pbkv.server.ReplicationMessage.ForwardProbe
        || msg instanceof dev.pbkv.server.ReplicationMessage.TransferProbe;
  }

  /**
   * Sends on the connection of {@code lane} (control or bulk) to a peer this process can dial: the
   * open one, or one it opens now (the message waits while it connects).
   */
  private void send(
      Address to,
      InetSocketAddress target,
      Envelope envelope,
      long bytes,
      Map<Address, Channel> lane,
      Map<Address, Outbound> waiting,
      boolean bulk) {
    Channel ch = lane.get(to);
    if (ch != null && ch.isActive()) {
      write(ch, to, envelope, bytes);
      return;
    }
    Outbound o = waiting.computeIfAbsent(to, a -> new Outbound());
    if (!o.connecting && System.nanoTime() < o.retryAfterNanos) {
      sendsDropped.incrementAndGet();
      return; // backing off after a failed connect: dropped, as by an unreachable peer
    }
    // the oldest go first: the protocol retries what matters
    while (!o.queue.isEmpty()
        && (o.queue.size() >= MAX_QUEUED_PER_PEER || o.queuedBytes + bytes > outboundCapBytes)) {
      Queued dropped = o.poll();
      droppedFull(to, o.queuedBytes);
      reportLoss(dropped.envelope().from(), to);
    }
    o.queue.addLast(new Queued(envelope, bytes));
    o.queuedBytes += bytes;
    if (!o.connecting) {
      connect(to, target, o, lane, bulk);
    }
  }

  /**
   * Writes {@code envelope} to {@code ch} unless the bytes waiting there would pass the cap; then
   * drops it (the protocol allows any message to be lost, and retries what it needs). A message
   * alone on an idle connection always goes, so the bound per connection is the cap or one frame.
   */
  private void write(Channel ch, Address to, Envelope envelope, long bytes) {
    long pending = pendingBytes(ch);
    if (pending > 0 && pending + bytes > outboundCapBytes) {
      droppedFull(to, pending);
      reportLoss(envelope.from(), to);
      return;
    }
    ch.write(envelope, ch.voidPromise());
    dirty.add(ch);
    peakOutboundBytes.accumulateAndGet(pendingBytes(ch), Math::max);
  }

  private void droppedFull(Address to, long pending) {
    sendsDropped.incrementAndGet();
    sendsDroppedFull.incrementAndGet();
    if (dropReports.size() >= 1024 && !dropReports.containsKey(to)) {
      dropReports.clear(); // bounded: client sessions are peers too, and come and go
    }
    DropReport r = dropReports.computeIfAbsent(to, a -> new DropReport());
    r.droppedSinceLog++;
    long now = System.nanoTime();
    if (r.lastLogNanos == 0 || now - r.lastLogNanos >= DROP_LOG_INTERVAL_NANOS) {
      log.warn(
          "sends to {} dropped: {} bytes wait to go out to it, the cap is {} (--outbound-cap);"
              + " {} dropped since the last report",
          to,
          pending,
          outboundCapBytes,
          r.droppedSinceLog);
      r.lastLogNanos = now;
      r.droppedSinceLog = 0;
    }
  }

  private void connect(
      Address to, InetSocketAddress target, Outbound o, Map<Address, Channel> lane, boolean bulk) {
    o.connecting = true;
    (bulk ? bulkBootstrap : bootstrap)
        .connect(new InetSocketAddress(target.getHostString(), target.getPort()))
        .addListener(
            (io.netty.channel.ChannelFutureListener)
                f -> {
                  o.connecting = false;
                  if (!f.isSuccess()) {
                    log.debug("cannot connect to {}: {}", to, f.cause().toString());
                    sendsDropped.addAndGet(o.queue.size());
                    for (Queued q : o.queue) {
                      reportLoss(q.envelope().from(), to);
                    }
                    o.queue.clear();
                    o.queuedBytes = 0;
                    o.retryAfterNanos = System.nanoTime() + RECONNECT_BACKOFF_NANOS;
                    return;
                  }
                  Channel ch = f.channel();
                  lane.put(to, ch);
                  ch.closeFuture().addListener(c -> forget(ch));
                  Queued q;
                  while ((q = o.poll()) != null) {
                    write(ch, to, q.envelope(), q.bytes());
                  }
                  ch.flush();
                });
  }

  private void forget(Channel ch) {
    java.util.Set<Address> peers = new java.util.TreeSet<>();
    java.util.function.BiConsumer<Address, Channel> collect =
        (peer, c) -> {
          if (c == ch) {
            peers.add(peer);
          }
        };
    routes.forEach(collect);
    bulkRoutes.forEach(collect);
    routes.values().removeIf(c -> c == ch);
    bulkRoutes.values().removeIf(c -> c == ch);
    dirty.remove(ch);
    // what was written to it and not yet read may be lost: tell every node here
    for (Address peer : peers) {
      for (Address local : nodes.keySet()) {
        reportLoss(local, peer);
      }
    }
  }

  /**
   * Tells node {@code local} that messages between it and {@code peer} may have been lost (a
   * connection broke or could not be opened, or a send was dropped at the cap): {@link
   * Node#onConnectionReset}, as its own task on the event loop, after the handler that sent.
   */
  private void reportLoss(Address local, Address peer) {
    Hosted h = nodes.get(local);
    if (h == null) {
      return;
    }
    loop.execute(
        () -> {
          if (!h.removed) {
            h.run(() -> h.node.onConnectionReset(peer, h), "connection reset");
            flushDirty();
          }
        });
  }

  /**
   * Flushes the connections written to, once the tasks queued on the event loop so far have run:
   * writes made by many inputs handled in a row (e.g. requests from many client threads, or
   * messages read from several connections in one pass) go out in one system call per connection.
   */
  private void flushDirty() {
    if (dirty.isEmpty() || flushQueued) {
      return;
    }
    flushQueued = true;
    loop.execute(flushTask);
  }

  private void flushNow() {
    flushQueued = false;
    if (dirty.isEmpty()) {
      return;
    }
    List<Channel> toFlush = new ArrayList<>(dirty);
    dirty.clear();
    for (Channel ch : toFlush) {
      ch.flush();
    }
  }

  /** Receives envelopes on the event loop and hands them to the addressed node. */
  private final class Inbound extends SimpleChannelInboundHandler<Envelope> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Envelope env) {
      Channel ch = ctx.channel();
      if (routes.get(env.from()) != ch && ch.attr(BULK).get() == null) {
        // the way back to the sender, e.g. a client session; never a bulk connection this
        // process opened: what goes back on it would wait behind its large frames
        routes.put(env.from(), ch);
      }
      Hosted h = nodes.get(env.to());
      if (h == null) {
        h = listeningNode; // a peer may name this node by another host name; one node listens here
      }
      if (h == null || h.removed) {
        log.debug(
            "no node {} here: dropping {}", env.to(), env.message().getClass().getSimpleName());
        return;
      }
      Hosted target = h;
      target.receive(env.lamport(), env.vectorClock());
      if (tracer != null) {
        target.trace(
            TraceEvent.Kind.RECEIVE,
            env.from().name() + "@" + env.lamport(),
            env.from(),
            env.message().getClass().getSimpleName(),
            "");
      }
      target.run(() -> target.node.onMessage(env.from(), env.message(), target), "message");
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      flushDirty();
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      openConnections.incrementAndGet();
      channels.add(ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      openConnections.decrementAndGet();
      channels.remove(ctx.channel());
      forget(ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (cause instanceof IOException) {
        // a peer that died or went away: expected, and the protocol copes
        log.debug("connection {} lost: {}", ctx.channel().remoteAddress(), cause.toString());
      } else {
        log.warn("closing connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
      }
      ctx.close();
    }
  }

  /** Stops every node and closes every connection; calling it again does nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (tracer != null) {
      TraceWriter w = tracer;
      try {
        call(() -> {
              w.close();
              return null;
            })
            .get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("could not close the trace: {}", e.toString());
      }
    }
    try {
      if (listener != null) {
        listener.close().awaitUninterruptibly(1000);
      }
    } finally {
      group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
  }
}
