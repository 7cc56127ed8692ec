package dev.pbkv.net;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.client.PbClient;
import dev.pbkv.clock.LamportClock;
import dev.pbkv.kv.ByteStrings;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.net.wire.Frames;
import dev.pbkv.net.wire.WireCodec;
import dev.pbkv.net.wire.WireFormatException;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client session that runs on the caller's thread over its own connections: the calling thread
 * writes the request, waits for the reply in {@code select}, and runs the session's handlers
 * itself. No event loop and no hand-off between threads, so an op costs the fewest wake-ups — the
 * same shape as a blocking Redis client. The session is the same {@link PbClient} node that the
 * simulator and {@link PbkvClient} drive: it caches the view and retries with the same sequence
 * number.
 *
 * <p>Not thread-safe: one thread uses one {@code DirectClient} (a load generator runs one per
 * thread). {@link PbkvClient} is the thread-safe client that multiplexes many sessions over one
 * connection per server.
 *
 * <p>An op not done within the timeout throws {@link IndeterminateException}; the session is then
 * retired and a new one (a new at-most-once identity) takes its place.
 */
public final class DirectClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DirectClient.class);
  private static final long RECONNECT_BACKOFF_NANOS = 100_000_000L;
  private static final int CONNECT_TIMEOUT_MILLIS = 1000;
  private static final long HANDSHAKE_TIMEOUT_NANOS = 5_000_000_000L;

  private final java.util.List<Address> viewServices; // every replica (or the one view service)
  private final Duration timeout;
  private final io.netty.handler.ssl.SslContext tls; // null: plain TCP
  private String lastConnectProblem; // why the last connection attempt failed, for the error
  private final ClientConfig config;
  private final String prefix;
  private final Selector selector;
  private final Map<Address, Connection> connections = new HashMap<>();
  private final Map<Address, Long> unreachableUntil = new HashMap<>();
  private final SessionTimers timers; // its delays drawn from the client's own random stream
  private final SessionEffects effects = new SessionEffects();
  private long generation;
  private PbClient session;
  private LamportClock lamport;

  /** One TCP connection to a peer: frames in, frames out. */
  private static final class Connection implements TlsChannel.DirectClientConnection {
    final Address peer;
    final SocketChannel channel;
    final SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(16 * 1024); // plain bytes (frames), filling
    final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(); // bytes for the socket
    final TlsChannel tls; // null: plain TCP

    Connection(Address peer, SocketChannel channel, SelectionKey key, TlsChannel tls) {
      this.peer = peer;
      this.channel = channel;
      this.key = key;
      this.tls = tls;
    }

    @Override
    public SocketChannel channel() {
      return channel;
    }

    @Override
    public ByteBuffer in() {
      return in;
    }

    @Override
    public void in(ByteBuffer in) {
      this.in = in;
    }

    @Override
    public ArrayDeque<ByteBuffer> out() {
      return out;
    }
  }

  private DirectClient(
      String viewService,
      Duration timeout,
      ClientConfig config,
      dev.pbkv.net.tls.TlsConfig tls,
      RandomGenerator jitter) {
    this.viewServices = Addresses.list(viewService);
    this.tls = tls == null ? null : tls.clientContext();
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.config = Objects.requireNonNull(config, "config");
    this.timers = new SessionTimers(jitter);
    byte[] id = new byte[6];
    new SecureRandom().nextBytes(id);
    this.prefix = "d-" + HexFormat.of().formatHex(id) + "-";
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    newSession();
  }

  /**
   * A session for the cluster whose view service is at {@code viewService} ({@code HOST:PORT}), or
   * whose view-service replicas are at {@code HOST:PORT,HOST:PORT,…} (docs/design.md §2.2: the
   * session asks every one and takes the newest view), as {@link PbkvClient} does.
   *
   * @throws PbkvException if no view-service address can be reached
   * @throws IllegalArgumentException if an address is not {@code HOST:PORT}
   */
  public static DirectClient connect(String viewService, Duration timeout) {
    return connect(viewService, timeout, null);
  }

  /**
   * A session over TLS with {@code tls}'s CA, and its certificate if it has one (null: plain TCP),
   * as {@link PbkvClient} with {@code ConnectionSecurity.client(tls)}: the peer's certificate must
   * come from the CA and name the host connected to. (No password login: use a client certificate.)
   *
   * @throws PbkvException if no view-service address can be reached, or the TLS handshake fails
   * @throws IllegalArgumentException if an address is not {@code HOST:PORT}, or the TLS files
   *     cannot be used
   */
  public static DirectClient connect(
      String viewService, Duration timeout, dev.pbkv.net.tls.TlsConfig tls) {
    return connect(
        viewService,
        timeout,
        tls,
        ClientConfig.defaults(),
        new SplittableRandom(new SecureRandom().nextLong()));
  }

  /**
   * {@link #connect(String, Duration, dev.pbkv.net.tls.TlsConfig)} with the session's {@code
   * config} (retry interval and back-off cap), and the retry timers' jitter drawn from {@code
   * jitter} (tests give a seeded one; used only by the calling thread).
   */
  static DirectClient connect(
      String viewService,
      Duration timeout,
      dev.pbkv.net.tls.TlsConfig tls,
      ClientConfig config,
      RandomGenerator jitter) {
    DirectClient c = new DirectClient(viewService, timeout, config, tls, jitter);
    boolean reached = false;
    for (Address a : c.viewServices) {
      reached |= c.connection(a) != null;
    }
    if (!reached) {
      c.close();
      throw new PbkvException(
          "cannot reach the view service at "
              + viewService
              + (c.lastConnectProblem == null ? "" : ": " + c.lastConnectProblem));
    }
    return c;
  }

  /** Every view-service address this session asks. */
  public java.util.List<Address> viewServices() {
    return viewServices;
  }

  private void newSession() {
    Address address = Address.of(prefix + (generation++));
    session = new PbClient(address, viewServices, config);
    lamport = new LamportClock(address.name(), lamport == null ? 0 : lamport.time());
    timers.clear();
    session.init(effects);
  }

  /**
   * Runs {@code command} and returns its result.
   *
   * @throws IndeterminateException if it did not complete within the timeout (it may or may not
   *     have taken effect)
   */
  public Result execute(Command command) {
    if (!PbkvClient.isBytes(command)) {
      throw new IllegalArgumentException(
          "keys and values are bytes (chars 0-255, see ByteStrings): " + command);
    }
    try {
      return run(command);
    } catch (RuntimeException e) {
      if (!(e instanceof IndeterminateException)) {
        newSession(); // the op may be outstanding: never reuse this identity
      }
      throw e;
    }
  }

  private Result run(Command command) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lamport.tick();
    session.submit(command, effects);
    flush();
    while (true) {
      Result result = session.takeResult();
      if (result != null) {
        timers.clear(); // only retry ticks of this op: stale now, the session would ignore them
        return result;
      }
      long now = System.nanoTime();
      if (now - deadline >= 0 || Thread.currentThread().isInterrupted()) {
        newSession(); // the old identity may still have the op in flight: never reuse it
        throw IndeterminateException.timedOut(
            command,
            timeout.toMillis(),
            Thread.currentThread().isInterrupted() ? "interrupted" : null);
      }
      if (timers.fireDue(now, this::fire)) {
        flush();
        continue;
      }
      long until = timers.earliestDue(deadline);
      waitForInput(Math.max(1, (until - now + 999_999) / 1_000_000));
      flush();
    }
  }

  /**
   * The value of {@code key}, or {@code null} (text, stored as UTF-8, as in {@link PbkvClient}).
   */
  public String get(String key) {
    return ByteStrings.toText(
        Results.check(
            execute(new Command.Get(ByteStrings.fromText(key))),
            Result.Value.class,
            r -> ((Result.Value) r).value()));
  }

  /** Sets {@code key} to {@code value} (text, stored as UTF-8, as in {@link PbkvClient}). */
  public void put(String key, String value) {
    Results.check(
        execute(new Command.Put(ByteStrings.fromText(key), ByteStrings.fromText(value))),
        Result.Ok.class,
        r -> null);
  }

  private void fire(Timer timer) {
    lamport.tick();
    session.onTimer(timer, effects);
  }

  private void waitForInput(long millis) {
    try {
      selector.select(millis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
    while (it.hasNext()) {
      SelectionKey key = it.next();
      it.remove();
      Connection c = (Connection) key.attachment();
      if (!key.isValid()) {
        drop(c, "closed");
        continue;
      }
      if (key.isReadable()) {
        read(c);
      }
      if (key.isValid() && key.isWritable()) {
        write(c);
      }
    }
  }

  private void read(Connection c) {
    try {
      if (c.tls == null ? c.channel.read(c.in) < 0 : !c.tls.read(c)) {
        drop(c, "closed by the peer");
        return;
      }
    } catch (IOException e) {
      drop(c, e.toString());
      return;
    }
    c.in.flip();
    try {
      readFrames(c);
    } finally {
      if (connections.get(c.peer) == c) {
        c.in.compact(); // back to filling, also when a handler threw
      }
    }
  }

  private void readFrames(Connection c) {
    while (c.in.remaining() >= Frames.LENGTH_PREFIX_BYTES) {
      int length = c.in.getInt(c.in.position());
      if (length < 0 || length > Frames.DEFAULT_MAX_FRAME_BYTES - Frames.LENGTH_PREFIX_BYTES) {
        drop(c, "bad frame length " + length);
        return;
      }
      if (c.in.remaining() < Frames.LENGTH_PREFIX_BYTES + length) {
        if (c.in.capacity() < Frames.LENGTH_PREFIX_BYTES + length) {
          ByteBuffer bigger = ByteBuffer.allocate(Frames.LENGTH_PREFIX_BYTES + length);
          bigger.put(c.in);
          bigger.flip();
          c.in = bigger;
        }
        break;
      }
      byte[] bytes = new byte[length];
      c.in.position(c.in.position() + Frames.LENGTH_PREFIX_BYTES);
      c.in.get(bytes);
      Envelope env;
      try {
        env = WireCodec.decode(bytes);
      } catch (WireFormatException e) {
        drop(c, e.getMessage());
        return;
      }
      if (env.to().equals(session.address())) { // a late reply to a retired session is ignored
        lamport.receive(env.lamport());
        session.onMessage(env.from(), env.message(), effects);
      }
    }
  }

  private void write(Connection c) {
    try {
      ByteBuffer[] buffers = c.out.toArray(new ByteBuffer[0]);
      c.channel.write(buffers);
    } catch (IOException e) {
      drop(c, e.toString());
      return;
    }
    while (!c.out.isEmpty() && !c.out.peekFirst().hasRemaining()) {
      c.out.pollFirst();
    }
    c.key.interestOps(
        c.out.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
  }

  private void flush() {
    for (Connection c : new ArrayList<>(connections.values())) {
      if (!c.out.isEmpty()) {
        write(c);
      }
    }
  }

  /** The connection to {@code peer}, opened if needed; {@code null} if it cannot be reached. */
  private Connection connection(Address peer) {
    Connection c = connections.get(peer);
    if (c != null) {
      return c;
    }
    Long until = unreachableUntil.get(peer);
    if (until != null && System.nanoTime() - until < 0) {
      return null;
    }
    InetSocketAddress target = Addresses.socketAddress(peer);
    if (target == null) {
      return null;
    }
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open();
      ch.socket()
          .connect(
              new InetSocketAddress(target.getHostString(), target.getPort()),
              CONNECT_TIMEOUT_MILLIS);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.configureBlocking(false);
      TlsChannel t = null;
      ByteBuffer early = null;
      if (tls != null) {
        t =
            new TlsChannel(
                tls.newEngine(
                    io.netty.buffer.ByteBufAllocator.DEFAULT,
                    target.getHostString(),
                    target.getPort()));
        early = t.handshake(ch, System.nanoTime() + HANDSHAKE_TIMEOUT_NANOS);
      }
      SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
      c = new Connection(peer, ch, key, t);
      if (early != null && early.position() > 0) {
        c.in = early; // read with the next bytes that arrive
      }
      key.attach(c);
      connections.put(peer, c);
      unreachableUntil.remove(peer);
      lastConnectProblem = null;
      return c;
    } catch (IOException e) {
      log.debug("cannot connect to {}: {}", peer, e.toString());
      lastConnectProblem = // as PbkvClient: only a failed handshake adds its reason
          e instanceof javax.net.ssl.SSLException
              ? "TLS handshake failed: " + TlsChannel.reason(e)
              : null;
      closeQuietly(ch);
      unreachableUntil.put(peer, System.nanoTime() + RECONNECT_BACKOFF_NANOS);
      return null;
    }
  }

  private void drop(Connection c, String why) {
    log.debug("connection to {} dropped: {}", c.peer, why);
    connections.remove(c.peer);
    c.key.cancel();
    if (c.tls != null) {
      c.tls.close();
    }
    closeQuietly(c.channel);
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** The session's effects: sends become frames on the peer's connection; timers are kept here. */
  private final class SessionEffects implements Effects {
    @Override
    public void send(Address to, Message msg) {
      long stamp = lamport.tick().time();
      Connection c = connection(to);
      if (c == null) {
        return; // unreachable: dropped, as the protocol allows; the session retries
      }
      byte[] bytes = WireCodec.encode(new Envelope(session.address(), to, msg, stamp, Map.of()));
      ByteBuffer frame = ByteBuffer.allocate(Frames.LENGTH_PREFIX_BYTES + bytes.length);
      frame.putInt(bytes.length).put(bytes).flip();
      if (c.tls == null) {
        c.out.add(frame);
        return;
      }
      try {
        c.tls.wrap(frame, c.out);
      } catch (IOException e) {
        drop(c, e.toString()); // the session retries on a new connection
      }
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {
      timers.add(System.nanoTime(), timer, minMillis, maxMillis); // the back-off's jitter
    }
  }

  @Override
  public void close() {
    for (Connection c : new ArrayList<>(connections.values())) {
      drop(c, "client closed");
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
