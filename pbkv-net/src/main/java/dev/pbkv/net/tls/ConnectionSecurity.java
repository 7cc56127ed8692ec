package dev.pbkv.net.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What a {@code NetRuntime} adds to each connection's pipeline when it runs over TLS: the {@code
 * SslHandler} (accepted connections: the server context; connections opened: the client context,
 * checking the host connected to), and a watch that turns a failed handshake (no TLS at all, a
 * certificate from another CA, expired, for another host, a key that does not match) into one WARN
 * line per peer and a closed connection. Nothing reaches the nodes before the handshake is done.
 */
public final class ConnectionSecurity {
  /** Logins waiting for a check; more are refused ("busy"). */
  public static final int MAX_QUEUED_LOGINS = 64;

  /**
   * A hash that unknown users' passwords are checked against, so they take as long as a known
   * user's (with the default iterations); made on first use.
   */
  static final class Dummy {
    static final PasswordHash HASH =
        PasswordHash.of("no such user".toCharArray(), PasswordHash.DEFAULT_ITERATIONS);

    private Dummy() {}
  }

  private final SslContext server; // null in a process that only connects out
  private final SslContext client;
  private final Users users; // null: no users file
  private final Login login; // a client's credentials, or null
  private final RefusalLog refusals = new RefusalLog();
  private final LoginThrottle throttle = new LoginThrottle();
  private java.util.concurrent.ExecutorService loginChecks; // made on first use

  /**
   * The system property that plants {@link #plantGateAdmitsAnyRole()} in a whole process (tests of
   * real processes only: {@code -Dpbkv.plant.gateAdmitsAnyRole=true}); it is logged at WARN.
   */
  public static final String PLANT_GATE_ADMITS_ANY_ROLE = "pbkv.plant.gateAdmitsAnyRole";

  private volatile boolean gateAdmitsAnyRole = Boolean.getBoolean(PLANT_GATE_ADMITS_ANY_ROLE);

  private ConnectionSecurity(SslContext server, SslContext client, Users users, Login login) {
    this.server = server;
    this.client = client;
    this.users = users;
    this.login = login;
    if (gateAdmitsAnyRole) {
      org.slf4j.LoggerFactory.getLogger("dev.pbkv.security")
          .warn(
              "PLANTED BUG ({}): the gate admits every message from any certificate role",
              PLANT_GATE_ADMITS_ANY_ROLE);
    }
  }

  /**
   * A planted bug for tests: the gates this makes skip the role checks, so any certificate (or
   * none) may send any member message (ping, forward, view, …) under any address. Client requests
   * are still authenticated and authorised. The refusal tests must catch it ({@code PeerGateTest},
   * {@code SecurityIT}).
   */
  public ConnectionSecurity plantGateAdmitsAnyRole() {
    gateAdmitsAnyRole = true;
    return this;
  }

  boolean gateAdmitsAnyRole() {
    return gateAdmitsAnyRole;
  }

  /** Without TLS contexts: for tests of the gate alone. */
  static ConnectionSecurity forGateTests(Users users, Login login) {
    return new ConnectionSecurity(null, null, users, login);
  }

  /** For a listening process (a server or the view service): accepts and opens connections. */
  public static ConnectionSecurity member(TlsConfig tls) {
    return member(tls, null);
  }

  /**
   * For a server that authenticates and authorises clients by {@code users} (null: any client
   * certificate may do anything, and logins are refused).
   */
  public static ConnectionSecurity member(TlsConfig tls, Users users) {
    return new ConnectionSecurity(tls.serverContext(), tls.clientContext(), users, null);
  }

  /** For a client process: opens connections only. */
  public static ConnectionSecurity client(TlsConfig tls) {
    return client(tls, null);
  }

  /** For a client that logs in with {@code login} on each connection (null: by certificate). */
  public static ConnectionSecurity client(TlsConfig tls, Login login) {
    return new ConnectionSecurity(null, tls.clientContext(), null, login);
  }

  Users users() {
    return users;
  }

  Login login() {
    return login;
  }

  LoginThrottle throttle() {
    return throttle;
  }

  /** One daemon thread that checks passwords (PBKDF2 is slow on purpose: not on the event loop). */
  synchronized java.util.concurrent.Executor loginChecks() {
    if (loginChecks == null) {
      loginChecks =
          new java.util.concurrent.ThreadPoolExecutor(
              1,
              1,
              0,
              java.util.concurrent.TimeUnit.MILLISECONDS,
              new java.util.concurrent.ArrayBlockingQueue<>(MAX_QUEUED_LOGINS),
              r -> {
                Thread t = new Thread(r, "pbkv-login-check");
                t.setDaemon(true);
                return t;
              });
    }
    return loginChecks;
  }

  /**
   * The handler that admits each message by its sender's certificate or login ({@link PeerGate}).
   */
  public io.netty.channel.ChannelHandler gate(boolean accepted) {
    return new PeerGate(this, accepted);
  }

  /** The refusals logged by this process. */
  public RefusalLog refusals() {
    return refusals;
  }

  /**
   * Puts TLS first in {@code p}: at once for an accepted connection, at connect time (when the host
   * is known) for one opened.
   */
  public void installTls(ChannelPipeline p, boolean accepted) {
    if (accepted) {
      if (server == null) {
        throw new IllegalStateException("a client runtime accepts no connections");
      }
      p.addFirst("tls-watch", new HandshakeWatch());
      p.addFirst("tls", server.newHandler(p.channel().alloc()));
    } else {
      p.addFirst("tls-watch", new HandshakeWatch());
      p.addFirst("tls-connect", new TlsOnConnect());
    }
  }

  /** Adds the client side's SslHandler once the host to connect to is known. */
  private final class TlsOnConnect extends ChannelOutboundHandlerAdapter {
    @Override
    public void connect(
        ChannelHandlerContext ctx,
        SocketAddress remote,
        SocketAddress local,
        ChannelPromise promise) {
      if (remote instanceof InetSocketAddress r) {
        ctx.pipeline()
            .addAfter(
                ctx.name(), "tls", client.newHandler(ctx.alloc(), r.getHostString(), r.getPort()));
      }
      ctx.connect(remote, local, promise);
      ctx.pipeline().remove(this);
    }
  }

  /** Logs a failed handshake once per peer and closes; hides errors from before the handshake. */
  private final class HandshakeWatch extends ChannelInboundHandlerAdapter {
    private boolean done;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        done = true;
        if (!e.isSuccess()) {
          refusals.refuse(
              ctx.channel().remoteAddress(),
              "handshake",
              "TLS handshake failed: " + reason(e.cause()));
          ctx.close();
          return;
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (!done) {
        ctx.close(); // reported by the handshake's completion event
        return;
      }
      ctx.fireExceptionCaught(cause);
    }
  }

  /** The remote address of a connection, as the log names it. */
  public static String peer(ChannelHandlerContext ctx) {
    SocketAddress a = ctx.channel().remoteAddress();
    return a == null ? "(unknown)" : a.toString().replaceFirst("^/", "");
  }

  /** A handshake failure's reason, innermost and in one line. */
  static String reason(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    String outer = t.getMessage();
    String line =
        root == t || outer == null
            ? (m == null ? root.getClass().getSimpleName() : m)
            : outer + (m == null || outer.contains(m) ? "" : " (" + m + ")");
    return line.replace('\n', ' ');
  }
}
