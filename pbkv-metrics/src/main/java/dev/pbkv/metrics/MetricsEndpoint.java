package dev.pbkv.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} in the Prometheus text format (version 0.0.4) with the JDK's HTTP
 * server, on one thread: scrapes are rare and small. Before each scrape {@code beforeScrape} runs
 * (it samples the nodes' state on their event loop); if that fails (e.g. the event loop did not
 * answer in time) the scrape gets 503. Any other path gets 404, any other method 405.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code bind}.
   *
   * @throws IllegalArgumentException with a one-line message if the address cannot be bound
   */
  public static MetricsEndpoint start(
      InetSocketAddress bind, Supplier<String> scrape, Runnable beforeScrape) {
    HttpServer http;
    try {
      http = HttpServer.create(bind, 16);
    } catch (BindException e) {
      throw new IllegalArgumentException(
          "cannot serve metrics on "
              + bind.getHostString()
              + ":"
              + bind.getPort()
              + ": "
              + e.getMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot serve metrics on " + bind + ": " + e);
    }
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-http");
              t.setDaemon(true);
              return t;
            });
    http.setExecutor(executor);
    http.createContext(
        "/",
        exchange -> {
          try (exchange) {
            handle(exchange, scrape, beforeScrape);
          } catch (IOException | RuntimeException e) {
            log.debug("metrics request failed: {}", e.toString());
          }
        });
    http.start();
    return new MetricsEndpoint(http, executor);
  }

  private static void handle(HttpExchange exchange, Supplier<String> scrape, Runnable before)
      throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (!path.equals("/metrics")) {
      reply(exchange, 404, "not found: the metrics are at /metrics\n");
    } else if (!exchange.getRequestMethod().equals("GET")
        && !exchange.getRequestMethod().equals("HEAD")) {
      reply(exchange, 405, "only GET\n");
    } else {
      try {
        before.run();
      } catch (RuntimeException e) {
        reply(exchange, 503, "not sampled: " + e.getMessage() + "\n");
        return;
      }
      reply(exchange, 200, scrape.get());
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", status == 200 ? CONTENT_TYPE : "text/plain");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The port served (useful with port 0). */
  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
