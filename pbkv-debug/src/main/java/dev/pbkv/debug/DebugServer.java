package dev.pbkv.debug;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.pbkv.trace.DiagramRenderer;
import dev.pbkv.trace.TraceEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Serves one {@link Session} as a page on the loopback interface only (JDK {@code
 * com.sun.net.httpserver}): {@code GET /?t=TOKEN} is the page, {@code GET /api/state} its data,
 * {@code POST /api/do} one command ({@code {"op":"act","action":"deliver m12"}}, {@code next},
 * {@code run}, {@code undo}, {@code redo}, {@code go}), {@code GET /api/session?t=TOKEN} the saved
 * session, {@code POST /api/quit} stops the server.
 *
 * <p>Only who has the printed address can use it: every request must carry the random token (the
 * page sends it as {@code X-Pbkv-Token}, which a page of another origin cannot add without a CORS
 * pre-flight that this server never grants), and the {@code Host} header must name the loopback
 * address, against DNS rebinding. A request body is at most {@value #MAX_BODY} bytes; a bad request
 * gets status 400 and one line.
 */
public final class DebugServer implements AutoCloseable {
  /** Largest request body accepted. */
  public static final int MAX_BODY = 16 * 1024;

  /** Most steps one {@code run} command takes. */
  public static final int MAX_RUN = 10_000;

  private static final String PAGE = page();

  private final Session session;
  private final HttpServer http;
  private final ExecutorService executor;
  private final String token;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Object lock = new Object();

  private DebugServer(Session session, int port) throws IOException {
    this.session = session;
    byte[] t = new byte[16];
    new SecureRandom().nextBytes(t);
    this.token = HexFormat.of().formatHex(t);
    this.http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread th = new Thread(r, "pbkv-debug-http");
              th.setDaemon(true);
              return th;
            });
    http.setExecutor(executor);
    http.createContext("/", this::handle);
  }

  /** Serves {@code session} on {@code port} of 127.0.0.1 (0: a free port). */
  public static DebugServer start(Session session, int port) throws IOException {
    DebugServer s = new DebugServer(session, port);
    s.http.start();
    return s;
  }

  /** The page's address, with its token. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port() + "/?t=" + token);
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** Waits until the page's quit button (or {@link #close}) stops the server. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    stopped.countDown();
  }

  // --- requests ----------------------------------------------------------------------------------

  private void handle(HttpExchange x) {
    try (x) {
      String host = x.getRequestHeaders().getFirst("Host");
      if (host == null
          || !(host.equals("127.0.0.1:" + port()) || host.equals("localhost:" + port()))) {
        send(x, 403, "text/plain", "forbidden: this debugger answers only 127.0.0.1:" + port());
        return;
      }
      String path = x.getRequestURI().getPath();
      String query = x.getRequestURI().getRawQuery();
      boolean tokenInQuery = query != null && query.equals("t=" + token);
      boolean tokenInHeader = token.equals(x.getRequestHeaders().getFirst("X-Pbkv-Token"));
      String method = x.getRequestMethod();
      if (path.equals("/") && method.equals("GET")) {
        if (!tokenInQuery) {
          send(x, 403, "text/plain", "forbidden: open the address pbkv debug printed (with ?t=…)");
          return;
        }
        send(x, 200, "text/html; charset=utf-8", PAGE.replace("__TOKEN__", token));
        return;
      }
      if (path.equals("/favicon.ico")) {
        send(x, 404, "text/plain", "none");
        return;
      }
      if (path.equals("/api/session") && method.equals("GET") && tokenInQuery) {
        String text;
        synchronized (lock) {
          text = SessionFile.text(session);
        }
        x.getResponseHeaders()
            .set("Content-Disposition", "attachment; filename=\"pbkv-debug-session.jsonl\"");
        send(x, 200, "application/x-ndjson; charset=utf-8", text);
        return;
      }
      if (!tokenInHeader) {
        send(x, 403, "text/plain", "forbidden: missing or wrong X-Pbkv-Token");
        return;
      }
      if (path.equals("/api/state") && method.equals("GET")) {
        sendState(x, null);
        return;
      }
      if (path.equals("/api/do") && method.equals("POST")) {
        String error = null;
        try {
          command(SessionFile.JSON.readTree(body(x)));
        } catch (IllegalArgumentException | IllegalStateException e) {
          error = e.getMessage();
        } catch (IOException e) {
          error = "not a JSON command: " + e.getMessage().lines().findFirst().orElse("");
        }
        sendState(x, error);
        return;
      }
      if (path.equals("/api/quit") && method.equals("POST")) {
        send(x, 200, "text/plain", "stopped");
        new Thread(this::close, "pbkv-debug-stop").start();
        return;
      }
      send(x, 404, "text/plain", "no such page: " + path);
    } catch (IOException e) {
      // the browser went away: nothing to answer
    }
  }

  private void command(JsonNode c) {
    String op = c.path("op").asText("");
    synchronized (lock) {
      switch (op) {
        case "act" -> session.apply(Action.parse(c.path("action").asText("")));
        case "next" -> {
          if (!session.next()) {
            throw new IllegalArgumentException("no next step: the plan is done or was left");
          }
        }
        case "run" -> session.runPlan(stop(c.path("until").asText("end")), MAX_RUN);
        case "undo" -> {
          if (!session.undo()) {
            throw new IllegalArgumentException("this is the start: nothing to undo");
          }
        }
        case "redo" -> {
          if (!session.redo()) {
            throw new IllegalArgumentException("nothing to redo");
          }
        }
        case "go" -> session.go(c.path("id").asInt(-1));
        default -> throw new IllegalArgumentException("unknown command '" + cut(op) + "'");
      }
    }
  }

  /** When a run along the plan stops (after the step that shows it). */
  private static Predicate<World> stop(String until) {
    Set<TraceEvent.Kind> kinds =
        switch (until) {
          case "view" -> Set.of(TraceEvent.Kind.VIEW);
          case "client" -> Set.of(TraceEvent.Kind.CALL, TraceEvent.Kind.RETURN);
          case "violation" -> Set.of(TraceEvent.Kind.VIOLATION);
          case "fault" ->
              Set.of(
                  TraceEvent.Kind.CRASH,
                  TraceEvent.Kind.RESTART,
                  TraceEvent.Kind.PAUSE,
                  TraceEvent.Kind.RESUME,
                  TraceEvent.Kind.DROP);
          case "end" -> Set.of();
          default ->
              throw new IllegalArgumentException(
                  "run until view, client, fault, violation or end; not '" + cut(until) + "'");
        };
    return w ->
        w.action() instanceof Action.Links && until.equals("fault")
            || w.stepEvents().stream().anyMatch(e -> kinds.contains(e.kind()));
  }

  private void sendState(HttpExchange x, String error) throws IOException {
    Map<String, Object> state;
    synchronized (lock) {
      state = StateView.of(session);
    }
    if (error != null) {
      state.put("error", cut(error));
    }
    send(
        x,
        error == null ? 200 : 400,
        "application/json",
        SessionFile.JSON.writeValueAsString(state));
  }

  private static String body(HttpExchange x) throws IOException {
    try (InputStream in = x.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY + 1);
      if (b.length > MAX_BODY) {
        throw new IllegalArgumentException("request larger than " + MAX_BODY + " bytes");
      }
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  private static void send(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.getResponseHeaders()
        .set(
            "Content-Security-Policy",
            "default-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'");
    x.sendResponseHeaders(status, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  private static String cut(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }

  private static String page() {
    try (InputStream in = DebugServer.class.getResourceAsStream("debugger.html")) {
      if (in == null) {
        throw new IllegalStateException("debugger.html is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("/*DIAGRAM_CSS*/", DiagramRenderer.style())
          .replace("/*DIAGRAM_JS*/", DiagramRenderer.script());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
