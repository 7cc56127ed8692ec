package dev.pbkv.net;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.client.PbClient;
import dev.pbkv.kv.ByteStrings;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.SizeLimits;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.random.RandomGenerator;

/**
 * The Java client of a pbkv cluster. Thread-safe: many threads may call it at once; each operation
 * runs on one of {@code sessions} client sessions (each an at-most-once identity with its own
 * sequence numbers), multiplexed over one connection per server.
 *
 * <p>Every operation has a synchronous form and an asynchronous one returning a {@link
 * CompletableFuture}. An operation that does not complete within the timeout fails with {@link
 * IndeterminateException}: it may or may not have taken effect. {@link PbkvException} means it
 * definitely did not. Callbacks attached to the futures run on the client's I/O thread: keep them
 * short, or use the {@code *Async} variants of {@code CompletableFuture}.
 */
public final class PbkvClient implements AutoCloseable {

  /**
   * Settings of a client.
   *
   * @param viewService the view service's {@code HOST:PORT}
   * @param sessions client sessions, i.e. operations in flight at once (default 16)
   * @param timeout an operation not done by then is indeterminate, and its session is retired
   *     (default 5 s). Keep it far below the servers' session expiry (10 minutes by default): the
   *     at-most-once guarantee holds only for retries that arrive within the expiry (see {@code
   *     ServerConfig.sessionExpiryMillis})
   * @param retry re-send an unanswered request after this long (default 100 ms); each further retry
   *     of the same request waits twice as long, up to {@code retryCap}, and fires at a random
   *     point between that wait and 1.25 times it (the jitter keeps sessions that retry at the same
   *     back-off from retrying in step; docs/design.md §5)
   * @param outboundCapBytes the most bytes of operations the client holds (waiting for a session or
   *     in flight: their keys and values), and the most bytes waiting to go out on one connection
   *     (default {@value #DEFAULT_OUTBOUND_CAP_BYTES}, 64 MiB). An operation that would pass it
   *     fails at once with {@link PbkvException} (not sent) unless nothing else is outstanding; a
   *     re-send that would pass the connection's cap is dropped, and the next retry tries again
   * @param security TLS (and credentials) for every connection, or null for plain TCP
   * @param limits the largest key and value the client sends (default 64 KiB and 1 MiB, {@link
   *     SizeLimits#DEFAULTS}, the servers' defaults): an operation over a limit fails at once with
   *     {@link PbkvException}, not sent. Set it to the servers' limits (docs/design.md §10)
   * @param retryCap the longest wait between two retries of a request (default 1 s, {@link
   *     #DEFAULT_RETRY_CAP}); at or below {@code retry} the retries keep a fixed interval of {@code
   *     retry}, without jitter
   */
  public record Options(
      String viewService,
      int sessions,
      Duration timeout,
      Duration retry,
      long outboundCapBytes,
      dev.pbkv.net.tls.ConnectionSecurity security,
      SizeLimits limits,
      Duration retryCap) {
    /** The default {@link #outboundCapBytes}: 64 MiB. */
    public static final long DEFAULT_OUTBOUND_CAP_BYTES = 64L << 20;

    /** The default {@link #retryCap}: 1 s ({@link ClientConfig#DEFAULT_RETRY_CAP_MILLIS}). */
    public static final Duration DEFAULT_RETRY_CAP =
        Duration.ofMillis(ClientConfig.DEFAULT_RETRY_CAP_MILLIS);

    public Options {
      Objects.requireNonNull(viewService, "viewService");
      if (sessions < 1) {
        throw new IllegalArgumentException("sessions must be >= 1, got " + sessions);
      }
      if (timeout.isNegative() || timeout.isZero() || retry.isNegative() || retry.isZero()) {
        throw new IllegalArgumentException("timeout and retry must be positive");
      }
      if (outboundCapBytes < 1) {
        throw new IllegalArgumentException(
            "outboundCapBytes must be >= 1, got " + outboundCapBytes);
      }
      Objects.requireNonNull(limits, "limits");
      if (retryCap.toMillis() < 1) {
        throw new IllegalArgumentException("retryCap must be at least 1 ms, got " + retryCap);
      }
    }

    /** These options with the default retry cap (1 s). */
    public Options(
        String viewService,
        int sessions,
        Duration timeout,
        Duration retry,
        long outboundCapBytes,
        dev.pbkv.net.tls.ConnectionSecurity security,
        SizeLimits limits) {
      this(
          viewService,
          sessions,
          timeout,
          retry,
          outboundCapBytes,
          security,
          limits,
          DEFAULT_RETRY_CAP);
    }

    public Options(
        String viewService,
        int sessions,
        Duration timeout,
        Duration retry,
        long outboundCapBytes,
        dev.pbkv.net.tls.ConnectionSecurity security) {
      this(viewService, sessions, timeout, retry, outboundCapBytes, security, SizeLimits.DEFAULTS);
    }

    public Options(String viewService, int sessions, Duration timeout, Duration retry) {
      this(viewService, sessions, timeout, retry, DEFAULT_OUTBOUND_CAP_BYTES, null);
    }

    public static Options of(String viewService) {
      return new Options(viewService, 16, Duration.ofSeconds(5), Duration.ofMillis(100));
    }

    public Options withSessions(int n) {
      return new Options(
          viewService, n, timeout, retry, outboundCapBytes, security, limits, retryCap);
    }

    public Options withTimeout(Duration t) {
      return new Options(
          viewService, sessions, t, retry, outboundCapBytes, security, limits, retryCap);
    }

    public Options withOutboundCap(long bytes) {
      return new Options(viewService, sessions, timeout, retry, bytes, security, limits, retryCap);
    }

    /** These options over TLS ({@code s}), or plain TCP when null. */
    public Options withSecurity(dev.pbkv.net.tls.ConnectionSecurity s) {
      return new Options(
          viewService, sessions, timeout, retry, outboundCapBytes, s, limits, retryCap);
    }

    /** These options with other size limits on keys and values. */
    public Options withLimits(SizeLimits l) {
      return new Options(
          viewService, sessions, timeout, retry, outboundCapBytes, security, l, retryCap);
    }

    /**
     * These options with the retries' back-off capped at {@code cap} (at or below {@code retry}: a
     * fixed interval, without jitter).
     */
    public Options withRetryCap(Duration cap) {
      return new Options(
          viewService, sessions, timeout, retry, outboundCapBytes, security, limits, cap);
    }

    /** The settings of each session: {@code retry}, backing off up to {@code retryCap}. */
    ClientConfig clientConfig() {
      return new ClientConfig(retry.toMillis(), retryCap.toMillis(), java.util.Set.of());
    }
  }

  /**
   * One session: a {@link PbClient} node and the operation it is working on. Its timers (retry
   * ticks) are kept here and fired by the client's periodic sweep rather than scheduled one by one
   * on the event loop: an op costs no timer of the event loop, and once it completes its retry
   * ticks are dropped (the node would ignore them).
   */
  private final class Session implements Node {
    final PbClient client;
    CompletableFuture<Result> future;
    Command command;
    long commandBytes;
    long deadlineNanos;
    private final SessionTimers timers = new SessionTimers(jitter);

    Session(Address address) {
      this.client = new PbClient(address, viewServices, options.clientConfig());
    }

    /** The runtime's effects, with this session's timers kept by the session. */
    private Effects effects(Effects fx) {
      return new Effects() {
        @Override
        public void send(Address to, Message msg) {
          fx.send(to, msg);
        }

        @Override
        public void setTimer(Timer timer, long minMillis, long maxMillis) {
          timers.add(System.nanoTime(), timer, minMillis, maxMillis); // the back-off's jitter
        }
      };
    }

    void submit(Command command, Effects fx) {
      client.submit(command, effects(fx));
    }

    @Override
    public void init(Effects fx) {
      client.init(effects(fx));
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      client.onMessage(from, msg, effects(fx));
      collect();
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {
      client.onTimer(timer, effects(fx));
      collect();
    }

    /** Fires the timers due by {@code now} (on the event loop, from the sweep). */
    void fireDue(long now, Effects fx) {
      timers.fireDue(now, timer -> onTimer(timer, fx));
    }

    private void collect() {
      Result r = client.takeResult();
      if (r != null && future != null) {
        timers.clear(); // retry ticks of this op: stale now, the node would ignore them
        CompletableFuture<Result> f = future;
        future = null;
        command = null;
        busy.remove(this);
        outstandingBytes -= commandBytes;
        release(this);
        f.complete(r);
      }
    }
  }

  private record Waiting(Command command, long bytes, CompletableFuture<Result> future) {}

  /** How often the sweep fires timers and expires ops. */
  private static final long SWEEP_MILLIS = 10;

  private final Options options;
  private final Address viewService; // the first of viewServices
  private final java.util.List<Address> viewServices; // every replica (or the one)
  private final NetRuntime runtime;
  private final String prefix;
  private long nextSession;
  private final ArrayDeque<Session> idle = new ArrayDeque<>(); // event loop only
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>(); // event loop only
  private final java.util.Set<Session> busy = new java.util.LinkedHashSet<>(); // event loop only
  private long outstandingBytes; // event loop only: keys and values of waiting and busy ops
  private final RandomGenerator jitter; // event loop only: every session's retry jitter

  private PbkvClient(Options options, RandomGenerator jitter) {
    this.options = options;
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    this.viewServices = Addresses.list(options.viewService());
    this.viewService = viewServices.get(0);
    this.runtime = NetRuntime.client(options.outboundCapBytes(), options.security());
    byte[] id = new byte[6];
    new SecureRandom().nextBytes(id);
    this.prefix = "c-" + java.util.HexFormat.of().formatHex(id) + "-";
  }

  /**
   * Connects to the cluster whose view service is at {@code options.viewService()}: waits (up to
   * the timeout) until the view service answers.
   *
   * @throws PbkvException if the view service does not answer in time (a view service still
   *     starting refuses connections for a moment: this waits for it; {@link
   *     ViewServiceProbe#requireReachable} fails fast instead)
   * @throws IllegalArgumentException if the address is not {@code HOST:PORT}
   */
  public static PbkvClient connect(Options options) {
    return connect(options, new SplittableRandom(new SecureRandom().nextLong()));
  }

  /**
   * {@link #connect(Options)}, the sessions' retry timers drawing their jitter from {@code jitter}
   * (tests give a seeded one; it is used only on the client's event loop).
   */
  static PbkvClient connect(Options options, RandomGenerator jitter) {
    PbkvClient client = new PbkvClient(options, jitter);
    try {
      ViewServiceProbe.view(client.runtime, client.viewServices, options.timeout());
      client
          .runtime
          .call(
              () -> {
                for (int i = 0; i < options.sessions(); i++) {
                  client.idle.add(client.newSession());
                }
                return null;
              })
          .join();
      client.runtime.scheduleAtFixedRate(client::sweep, SWEEP_MILLIS);
      return client;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Connects with default options. */
  public static PbkvClient connect(String viewService) {
    return connect(Options.of(viewService));
  }

  private Session newSession() {
    Address address = Address.of(prefix + (nextSession++));
    Session s = new Session(address);
    runtime.addNode(address, s); // on the loop already: runs at once
    return s;
  }

  /**
   * Runs {@code command} and completes with its result. Its keys and values are byte strings
   * ({@link ByteStrings}); a command with a char above 255 fails with {@link
   * IllegalArgumentException} and is not sent.
   */
  public CompletableFuture<Result> executeAsync(Command command) {
    Objects.requireNonNull(command, "command");
    CompletableFuture<Result> future = new CompletableFuture<>();
    if (!isBytes(command)) {
      future.completeExceptionally(
          new IllegalArgumentException(
              "keys and values are bytes (chars 0-255, see ByteStrings): " + command));
      return future;
    }
    SizeLimits.Violation over = options.limits().check(command);
    if (over != null) {
      future.completeExceptionally(new PbkvException(over.message() + ": not sent"));
      return future;
    }
    long bytes = bytes(command);
    runtime.call(
        () -> {
          if (outstandingBytes > 0 && outstandingBytes + bytes > options.outboundCapBytes()) {
            future.completeExceptionally(
                new PbkvException(
                    "the client holds "
                        + outstandingBytes
                        + " bytes of operations, and this one's "
                        + bytes
                        + " would pass its cap of "
                        + options.outboundCapBytes()
                        + " (outboundCapBytes): not sent"));
            return null;
          }
          outstandingBytes += bytes;
          Session s = idle.poll();
          if (s == null) {
            waiting.add(new Waiting(command, bytes, future));
          } else {
            start(s, command, bytes, future);
          }
          return null;
        });
    return future;
  }

  /** The bytes an operation holds: its key and values (byte strings: a char is a byte). */
  static long bytes(Command c) {
    long n = c.key().length();
    if (c instanceof Command.Put p) {
      n += p.value().length();
    } else if (c instanceof Command.Append a) {
      n += a.value().length();
    } else if (c instanceof Command.CompareAndSet cas) {
      n += cas.update().length() + (cas.expected() == null ? 0 : cas.expected().length());
    }
    return n;
  }

  private void start(Session s, Command command, long bytes, CompletableFuture<Result> future) {
    s.future = future;
    s.command = command;
    s.commandBytes = bytes;
    s.deadlineNanos = System.nanoTime() + options.timeout().toNanos();
    busy.add(s);
    runtime.invoke(
        s.client.address(),
        Session.class,
        (session, fx) -> {
          session.submit(command, fx);
          return null;
        });
  }

  /**
   * Fires the sessions' due timers and expires the ops that outlived the timeout. One periodic
   * sweep instead of timers per op: an op costs no timer of the event loop, and a retry or a
   * timeout is late by at most the sweep period.
   */
  private void sweep() {
    long now = System.nanoTime();
    java.util.List<Session> expired = new java.util.ArrayList<>();
    java.util.List<Session> due = new java.util.ArrayList<>();
    for (Session s : busy) {
      if (now - s.deadlineNanos >= 0) {
        expired.add(s);
      } else if (s.timers.anyDue(now)) {
        due.add(s);
      }
    }
    for (Session s : expired) {
      expire(s);
    }
    for (Session s : due) {
      runtime.invoke(
          s.client.address(),
          Session.class,
          (session, fx) -> {
            session.fireDue(now, fx);
            return null;
          });
    }
  }

  /** The op outlived its timeout: it is indeterminate; its session is retired and replaced. */
  private void expire(Session s) {
    CompletableFuture<Result> f = s.future;
    Command command = s.command;
    busy.remove(s);
    if (f == null) {
      return;
    }
    outstandingBytes -= s.commandBytes;
    s.future = null;
    s.command = null;
    runtime.removeNode(s.client.address());
    release(newSession());
    f.completeExceptionally(
        IndeterminateException.timedOut(command, options.timeout().toMillis(), null));
  }

  private void release(Session s) {
    Waiting next = waiting.poll();
    if (next != null) {
      start(s, next.command(), next.bytes(), next.future());
    } else {
      idle.add(s);
    }
  }

  static boolean isBytes(Command c) {
    boolean ok = ByteStrings.isByteString(c.key());
    if (c instanceof Command.Put p) {
      ok &= ByteStrings.isByteString(p.value());
    } else if (c instanceof Command.Append a) {
      ok &= ByteStrings.isByteString(a.value());
    } else if (c instanceof Command.CompareAndSet cas) {
      ok &= ByteStrings.isByteString(cas.update());
      ok &= cas.expected() == null || ByteStrings.isByteString(cas.expected());
    } else if (c instanceof Command.Scan scan) {
      ok &= scan.after() == null || ByteStrings.isByteString(scan.after());
    }
    return ok;
  }

  /** Runs {@code command} and waits for its result. */
  public Result execute(Command command) {
    try {
      return executeAsync(command).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IndeterminateException("interrupted while waiting for \"" + command + "\"");
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RuntimeException re) {
      return re;
    }
    return new PbkvException(cause.toString());
  }

  // --- typed operations ----------------------------------------------------------------------
  //
  // Keys and values are bytes. The String forms take and return text, stored as its UTF-8
  // encoding; the byte[] forms take and return the bytes as they are. A value written as text
  // reads back as its UTF-8 bytes, and the other way round.

  /** The value of {@code key}, or {@code null} if it has none. */
  public String get(String key) {
    return ByteStrings.toText(value(execute(new Command.Get(ByteStrings.fromText(key)))));
  }

  public CompletableFuture<String> getAsync(String key) {
    return executeAsync(new Command.Get(ByteStrings.fromText(key)))
        .thenApply(r -> ByteStrings.toText(value(r)));
  }

  /** The value of {@code key} as bytes, or {@code null} if it has none. */
  public byte[] get(byte[] key) {
    return bytesOrNull(value(execute(new Command.Get(ByteStrings.of(key)))));
  }

  public CompletableFuture<byte[]> getAsync(byte[] key) {
    return executeAsync(new Command.Get(ByteStrings.of(key))).thenApply(r -> bytesOrNull(value(r)));
  }

  /** Sets {@code key} to {@code value}. */
  public void put(String key, String value) {
    ok(execute(putCommand(ByteStrings.fromText(key), ByteStrings.fromText(value))));
  }

  public CompletableFuture<Void> putAsync(String key, String value) {
    return executeAsync(putCommand(ByteStrings.fromText(key), ByteStrings.fromText(value)))
        .thenApply(PbkvClient::ok);
  }

  /** Sets {@code key} to {@code value}, as bytes. */
  public void put(byte[] key, byte[] value) {
    ok(execute(putCommand(ByteStrings.of(key), ByteStrings.of(value))));
  }

  public CompletableFuture<Void> putAsync(byte[] key, byte[] value) {
    return executeAsync(putCommand(ByteStrings.of(key), ByteStrings.of(value)))
        .thenApply(PbkvClient::ok);
  }

  /** Appends {@code value} to {@code key}'s value; returns the new value. */
  public String append(String key, String value) {
    return ByteStrings.toText(
        value(execute(new Command.Append(ByteStrings.fromText(key), ByteStrings.fromText(value)))));
  }

  public CompletableFuture<String> appendAsync(String key, String value) {
    return executeAsync(new Command.Append(ByteStrings.fromText(key), ByteStrings.fromText(value)))
        .thenApply(r -> ByteStrings.toText(value(r)));
  }

  /** Appends {@code value} to {@code key}'s value, as bytes; returns the new value. */
  public byte[] append(byte[] key, byte[] value) {
    return ByteStrings.bytes(
        value(execute(new Command.Append(ByteStrings.of(key), ByteStrings.of(value)))));
  }

  public CompletableFuture<byte[]> appendAsync(byte[] key, byte[] value) {
    return executeAsync(new Command.Append(ByteStrings.of(key), ByteStrings.of(value)))
        .thenApply(r -> ByteStrings.bytes(value(r)));
  }

  /** Removes {@code key}; returns whether it was present. */
  public boolean delete(String key) {
    return existed(execute(new Command.Delete(ByteStrings.fromText(key))));
  }

  public CompletableFuture<Boolean> deleteAsync(String key) {
    return executeAsync(new Command.Delete(ByteStrings.fromText(key)))
        .thenApply(PbkvClient::existed);
  }

  /** Removes {@code key}, given as bytes; returns whether it was present. */
  public boolean delete(byte[] key) {
    return existed(execute(new Command.Delete(ByteStrings.of(key))));
  }

  public CompletableFuture<Boolean> deleteAsync(byte[] key) {
    return executeAsync(new Command.Delete(ByteStrings.of(key))).thenApply(PbkvClient::existed);
  }

  /**
   * Sets {@code key} to {@code update} if its value is {@code expected} ({@code null}: absent);
   * returns whether it did.
   */
  public boolean compareAndSet(String key, String expected, String update) {
    return swapped(
        execute(
            new Command.CompareAndSet(
                ByteStrings.fromText(key),
                ByteStrings.fromText(expected),
                ByteStrings.fromText(update))));
  }

  public CompletableFuture<Boolean> compareAndSetAsync(String key, String expected, String update) {
    return executeAsync(
            new Command.CompareAndSet(
                ByteStrings.fromText(key),
                ByteStrings.fromText(expected),
                ByteStrings.fromText(update)))
        .thenApply(PbkvClient::swapped);
  }

  /** The same as {@link #compareAndSet(String, String, String)}, with bytes. */
  public boolean compareAndSet(byte[] key, byte[] expected, byte[] update) {
    return swapped(execute(cas(key, expected, update)));
  }

  public CompletableFuture<Boolean> compareAndSetAsync(byte[] key, byte[] expected, byte[] update) {
    return executeAsync(cas(key, expected, update)).thenApply(PbkvClient::swapped);
  }

  /**
   * One page of keys in order (docs/design.md §4.4): keys and cursor are byte strings ({@link
   * ByteStrings}); pass the page's {@link Result.Keys#nextCursor()} as {@code after} for the next
   * page, until it is {@code null}. {@code limit} is 1 to {@link Command.Scan#MAX_PAGE_KEYS}.
   */
  public Result.Keys scan(String prefix, String after, int limit) {
    return Results.check(
        execute(new Command.Scan(prefix, after, limit)), Result.Keys.class, v -> (Result.Keys) v);
  }

  private static Command putCommand(String key, String value) {
    return new Command.Put(key, value);
  }

  private static Command cas(byte[] key, byte[] expected, byte[] update) {
    return new Command.CompareAndSet(
        ByteStrings.of(key),
        expected == null ? null : ByteStrings.of(expected),
        ByteStrings.of(update));
  }

  private static String value(Result r) {
    return Results.check(r, Result.Value.class, v -> ((Result.Value) v).value());
  }

  private static Void ok(Result r) {
    return Results.check(r, Result.Ok.class, v -> null);
  }

  private static boolean existed(Result r) {
    return Results.check(r, Result.Deleted.class, v -> ((Result.Deleted) v).existed());
  }

  private static boolean swapped(Result r) {
    return Results.check(r, Result.CasResult.class, v -> ((Result.CasResult) v).swapped());
  }

  private static byte[] bytesOrNull(String byteString) {
    return byteString == null ? null : ByteStrings.bytes(byteString);
  }

  /** The view service's full status (view, liveness, why it is stuck if it is). */
  public dev.pbkv.view.ViewServiceMessage.Status status(Duration timeout) {
    return ViewServiceProbe.status(runtime, viewServices, timeout);
  }

  /** The status as one view-service replica at {@code replica} tells it. */
  public dev.pbkv.view.ViewServiceMessage.Status status(Address replica, Duration timeout) {
    return ViewServiceProbe.status(runtime, replica, timeout);
  }

  /** Every view-service address this client asks (replicas, or the one view service). */
  public java.util.List<Address> viewServices() {
    return viewServices;
  }

  /**
   * One server's view of itself ({@code pbkv info}), or a {@link PbkvException} if it does not
   * answer within {@code timeout}.
   */
  public dev.pbkv.server.ClientMessage.Info info(Address server, Duration timeout) {
    return (dev.pbkv.server.ClientMessage.Info)
        ViewServiceProbe.ask(
            runtime,
            server,
            new dev.pbkv.server.ClientMessage.GetInfo(),
            dev.pbkv.server.ClientMessage.Info.class,
            true,
            timeout,
            "the server");
  }

  /**
   * Asks the view service to forget {@code server} (sent once: a retry after a lost answer would be
   * told the server is unknown), or a {@link PbkvException} if it does not answer in time. With
   * replicas it goes to the one that leads (a follower refuses it), found by asking each for its
   * status within half of {@code timeout}.
   */
  public dev.pbkv.view.ViewServiceMessage.RemoveResult removeServer(
      Address server, Duration timeout) {
    Address to = viewService;
    if (viewServices.size() > 1) {
      to = ViewServiceProbe.leader(runtime, viewServices, timeout.dividedBy(2));
      timeout = timeout.dividedBy(2);
    }
    return (dev.pbkv.view.ViewServiceMessage.RemoveResult)
        ViewServiceProbe.ask(
            runtime,
            to,
            new dev.pbkv.view.ViewServiceMessage.RemoveServer(server),
            dev.pbkv.view.ViewServiceMessage.RemoveResult.class,
            false,
            timeout,
            "the view service");
  }

  /** True if the client's connections run over TLS (the peers proved their certificates). */
  public boolean secured() {
    return runtime.secured();
  }

  /** The view service's address. */
  public Address viewService() {
    return viewService;
  }

  @Override
  public void close() {
    runtime.close();
  }
}
