package dev.pbkv.net.tls;

import dev.pbkv.kv.ByteStrings;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.ViewServiceMessage;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;

/**
 * The door of one TLS connection, between the wire decoder and the runtime: it lets a message
 * through only if the peer's certificate (or login) allows its sender to send it, so the nodes
 * behind it (pbkv-core, unchanged) only ever see messages from peers entitled to send them.
 *
 * <ul>
 *   <li>Member messages — {@code Ping}, {@code Forward}, {@code ForwardAck}, {@code ForwardReject},
 *       {@code StateTransfer}, {@code StateTransferAck}, and a server's {@code Reply} and {@code
 *       WrongServer} — only from a <b>server</b> certificate that names the host of the sender's
 *       address ({@code from}); views ({@code ViewReply}) and {@code Status} only from the
 *       <b>view-service</b> certificate naming the sender's host. A claimed address that its
 *       certificate does not name is refused, not corrected.
 *   <li>{@code GetView} and {@code GetStatus} from anyone over TLS; but a sender that claims a
 *       member's address ({@code HOST:PORT}) must hold that member's certificate.
 *   <li>{@code Request}s come from client sessions (never from a {@code HOST:PORT} sender). The
 *       client must be authenticated — a client certificate ({@code pbkv:user:NAME}), or a {@link
 *       Login} at the start of the connection — and authorised for the key: a refused request is
 *       answered {@code Reply(seq, Error("not authorised for key …"))} here, and never reaches the
 *       node (so never its log or its at-most-once table). Without a users file, any client
 *       certificate may do anything, and logins are refused.
 * </ul>
 *
 * <p>Every other message is dropped. A refusal is logged once per peer host and kind ({@link
 * RefusalLog}); the connection stays open (for a request, the client gets its answer). Password
 * checks run off the event loop ({@link ConnectionSecurity}); messages arriving meanwhile wait.
 *
 * <p>Not sharable: one per connection.
 */
public final class PeerGate extends ChannelDuplexHandler {
  /** The most messages held while a login is checked; more closes the connection. */
  public static final int MAX_PENDING = 1024;

  private final ConnectionSecurity security;
  private final boolean accepted;
  private PeerIdentity identity; // event loop only
  private Users.User user; // the authenticated user, if any
  private boolean anyKey; // a client certificate where no users file limits it
  private String loginProblem;
  private boolean loginSent;
  private boolean loginSeen;
  private boolean checking;
  private final ArrayDeque<Envelope> pending = new ArrayDeque<>();

  PeerGate(ConnectionSecurity security, boolean accepted) {
    this(security, accepted, null);
  }

  /** A gate whose peer is {@code identity} (tests: no TLS handshake needed); null: from TLS. */
  PeerGate(ConnectionSecurity security, boolean accepted, PeerIdentity identity) {
    this.security = security;
    this.accepted = accepted;
    this.identity = identity;
    if (identity != null) {
      admit(identity);
    }
  }

  /** What a client certificate's identity allows, decided once. */
  private void admit(PeerIdentity id) {
    if (id.role() == PeerRole.CLIENT && id.user() != null) {
      Users users = security.users();
      if (users == null) {
        anyKey = true;
      } else {
        user = users.get(id.user());
        if (user == null) {
          loginProblem =
              "the user '" + id.user() + "' of the client certificate is not in the users file";
        }
      }
    }
  }

  private PeerIdentity identity(ChannelHandlerContext ctx) {
    if (identity == null) {
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      identity =
          ssl == null || !ssl.handshakeFuture().isSuccess()
              ? PeerIdentity.NONE
              : PeerIdentity.of(ssl.engine().getSession());
      admit(identity);
    }
    return identity;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Envelope env)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (checking) {
      if (pending.size() >= MAX_PENDING) {
        refuse(ctx, "flood", "over " + MAX_PENDING + " messages during a login check; closing");
        ctx.close();
        return;
      }
      pending.add(env);
      return;
    }
    handle(ctx, env);
  }

  private void handle(ChannelHandlerContext ctx, Envelope env) {
    PeerIdentity id = identity(ctx);
    Message m = env.message();
    String fromHost = PeerIdentity.hostOf(env.from().name());
    if (m instanceof Login login) {
      onLogin(ctx, login);
      return;
    }
    boolean ok;
    if (m instanceof ViewServiceMessage.Ping || m instanceof ReplicationMessage) {
      ok = id.isMember(PeerRole.SERVER, fromHost);
    } else if (m instanceof ClientMessage.Reply || m instanceof ClientMessage.WrongServer) {
      ok = !accepted && id.isMember(PeerRole.SERVER, fromHost);
    } else if (m instanceof ViewServiceMessage.ViewReply
        || m instanceof ViewServiceMessage.Status) {
      ok = id.isMember(PeerRole.VIEWSERVICE, fromHost);
    } else if (m instanceof ViewServiceMessage.GetView
        || m instanceof ViewServiceMessage.GetStatus) {
      ok =
          fromHost == null
              || id.isMember(PeerRole.SERVER, fromHost)
              || id.isMember(PeerRole.VIEWSERVICE, fromHost);
    } else if (m instanceof ClientMessage.Request r) {
      if (accepted && fromHost == null) {
        authorise(ctx, env, r);
        return;
      }
      ok = false;
    } else {
      ok = false;
    }
    if (!ok && security.gateAdmitsAnyRole()) {
      ok = true; // the planted bug: no role check
    }
    if (!ok) {
      refuse(
          ctx,
          "role " + m.getClass().getSimpleName(),
          id.describe()
              + " may not send "
              + m.getClass().getSimpleName()
              + " as "
              + env.from()
              + "; dropped");
      return;
    }
    ctx.fireChannelRead(env);
  }

  private void authorise(ChannelHandlerContext ctx, Envelope env, ClientMessage.Request r) {
    if (anyKey) {
      ctx.fireChannelRead(env);
      return;
    }
    Users.User u = user;
    if (u == null) {
      String why =
          loginProblem != null
              ? loginProblem
              : "log in with a client certificate (--tls-cert) or --user";
      refuse(ctx, "unauthenticated", "request without authentication: " + why);
      answer(ctx, env, r, "not authenticated: " + why);
      return;
    }
    Command c = r.command();
    boolean reads = c instanceof Command.Get || c instanceof Command.CompareAndSet;
    boolean writes = !(c instanceof Command.Get);
    String key = c.key();
    String denied = reads && !u.mayRead(key) ? "read" : writes && !u.mayWrite(key) ? "write" : null;
    if (denied == null) {
      ctx.fireChannelRead(env);
      return;
    }
    String shown = ByteStrings.display(key);
    refuse(
        ctx,
        "acl " + u.name(),
        "user " + u.name() + " may not " + denied + " key " + shown + " (refused, not executed)");
    answer(
        ctx,
        env,
        r,
        "not authorised for key " + shown + ": user " + u.name() + " may not " + denied + " it");
  }

  /** Answers a refused request with an error, from the node it was sent to; never executed. */
  private static void answer(
      ChannelHandlerContext ctx, Envelope env, ClientMessage.Request r, String error) {
    ctx.writeAndFlush(
        new Envelope(
            env.to(), env.from(), new ClientMessage.Reply(r.seq(), new Result.Error(error))));
  }

  private void onLogin(ChannelHandlerContext ctx, Login login) {
    if (!accepted) {
      refuse(ctx, "login", "a login sent to a client; dropped");
      return;
    }
    if (loginSeen) {
      refuse(ctx, "login twice", "a second login on one connection; closing it");
      ctx.close();
      return;
    }
    loginSeen = true;
    Users users = security.users();
    if (users == null) {
      if (identity(ctx).role() != PeerRole.SERVER) {
        loginProblem = "this cluster takes no passwords (no --users): use a client certificate";
      }
      return; // the view service (it has no users) ignores logins
    }
    String host = host(ctx.channel().remoteAddress());
    long now = System.currentTimeMillis();
    if (security.throttle().blocked(host, now)) {
      loginProblem = "too many failed logins from " + host + ": wait a minute";
      refuse(
          ctx, "login blocked", "login as " + login.user() + " refused unchecked: " + loginProblem);
      return;
    }
    checking = true;
    try {
      security
          .loginChecks()
          .execute(
              () -> {
                Users.User ok = check(users, login);
                ctx.executor().execute(() -> checked(ctx, login, host, ok));
              });
    } catch (RejectedExecutionException e) {
      checking = false;
      loginProblem = "the server is busy checking logins: try again";
      refuse(ctx, "login busy", loginProblem);
    }
  }

  /** The user if the password is right; runs a full derivation even for an unknown user. */
  static Users.User check(Users users, Login login) {
    Users.User u = users.get(login.user());
    char[] password = login.password().toCharArray();
    if (u == null || u.hash() == null || login.password().length() > Login.MAX_PASSWORD_CHARS) {
      ConnectionSecurity.Dummy.HASH.matches(password); // the same time as a real check
      return null;
    }
    return u.hash().matches(password) ? u : null;
  }

  private void checked(ChannelHandlerContext ctx, Login login, String host, Users.User ok) {
    checking = false;
    if (ok != null) {
      user = ok;
      loginProblem = null;
      security.throttle().succeeded(host);
    } else {
      int n = security.throttle().failed(host, System.currentTimeMillis());
      loginProblem = "wrong user name or password for '" + login.user() + "'";
      refuse(ctx, "login failed", loginProblem + " (" + n + " in a row from " + host + ")");
      if (n == LoginThrottle.FREE_FAILURES) {
        refuse(
            ctx,
            "login blocked",
            n + " failed logins: " + host + " waits " + LoginThrottle.BLOCK_MILLIS / 1000 + " s");
      }
    }
    Envelope e;
    boolean any = false;
    while (!checking && ctx.channel().isActive() && (e = pending.poll()) != null) {
      handle(ctx, e);
      any = true;
    }
    if (any) {
      ctx.fireChannelReadComplete(); // the runtime flushes what the nodes sent
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    Login login = security.login();
    if (login != null && !loginSent && msg instanceof Envelope env) {
      loginSent = true;
      ctx.write(new Envelope(env.from(), env.to(), login));
    }
    ctx.write(msg, promise);
  }

  private void refuse(ChannelHandlerContext ctx, String kind, String line) {
    security
        .refusals()
        .refuse(ctx.channel().remoteAddress(), kind, ConnectionSecurity.peer(ctx) + ": " + line);
  }

  private static String host(SocketAddress a) {
    return a instanceof InetSocketAddress i && i.getAddress() != null
        ? i.getAddress().getHostAddress()
        : String.valueOf(a);
  }
}
