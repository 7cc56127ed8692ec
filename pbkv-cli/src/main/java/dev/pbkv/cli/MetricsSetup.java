package dev.pbkv.cli;

import dev.pbkv.metrics.MetricsEndpoint;
import dev.pbkv.metrics.ProcessMetrics;
import dev.pbkv.net.NetRuntime;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;

/**
 * {@code --metrics-listen}: serves a process's registry at {@code /metrics} over HTTP. The endpoint
 * is bound <em>before</em> the process's node starts, so a taken port stops the process before it
 * ever pings the view service (a server that joined a view and then exited would leave that view
 * waiting for its ack).
 */
final class MetricsSetup implements AutoCloseable {
  /** How long a scrape waits for the event loop to sample the node; then it answers 503. */
  static final long SAMPLE_LIMIT_MILLIS = 2000;

  private final ProcessMetrics metrics;
  private final MetricsEndpoint endpoint;
  private volatile NetRuntime runtime;
  private volatile Runnable sample;

  private MetricsSetup(ProcessMetrics metrics, InetSocketAddress bind, Logger log) {
    this.metrics = metrics;
    try {
      this.endpoint = MetricsEndpoint.start(bind, metrics::scrape, this::sampleOnLoop);
    } catch (IllegalArgumentException e) {
      metrics.close();
      throw new UserError(e.getMessage());
    }
    log.info("metrics at http://{}:{}/metrics", bind.getHostString(), endpoint.port());
  }

  /**
   * Binds the endpoint for a process of kind {@code process}; null when {@code listen} is not
   * given.
   *
   * @throws UserError when the address is malformed or cannot be bound
   */
  static MetricsSetup start(String listen, String process, Logger log) {
    if (listen == null || listen.isBlank()) {
      return null;
    }
    InetSocketAddress bind = parse(listen);
    String[] v = new Main.Version().getVersion()[0].split(" ");
    return new MetricsSetup(new ProcessMetrics(process, v.length > 1 ? v[1] : "dev"), bind, log);
  }

  /** The registry the node's meters go in. */
  io.micrometer.core.instrument.MeterRegistry registry() {
    return metrics.registry();
  }

  /** From now on a scrape also runs {@code sample} on {@code runtime}'s event loop. */
  void attach(NetRuntime runtime, Runnable sample) {
    metrics.watch(runtime);
    this.sample = sample;
    this.runtime = runtime;
  }

  private void sampleOnLoop() {
    NetRuntime rt = runtime;
    Runnable s = sample;
    if (rt == null || s == null) {
      return; // not started yet: the JVM's meters only
    }
    try {
      rt.call(
              () -> {
                s.run();
                return null;
              })
          .get(SAMPLE_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "the process did not sample its state within " + SAMPLE_LIMIT_MILLIS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (ExecutionException e) {
      throw new IllegalStateException("sampling failed: " + e.getCause());
    }
  }

  /** HOST:PORT with a port from 0 (any free one) to 65535. */
  static InetSocketAddress parse(String listen) {
    int colon = listen.lastIndexOf(':');
    String host = colon < 0 ? "" : listen.substring(0, colon);
    int port = -1;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      // reported below
    }
    if (host.isBlank() || port < 0 || port > 65535) {
      throw new UserError(
          "--metrics-listen: '"
              + listen
              + "' is not HOST:PORT (e.g. 127.0.0.1:9100; port 0 picks a free one)");
    }
    InetSocketAddress a = new InetSocketAddress(host, port);
    if (a.isUnresolved()) {
      throw new UserError("--metrics-listen: unknown host '" + host + "'");
    }
    return a;
  }

  @Override
  public void close() {
    endpoint.close();
    metrics.close();
  }
}
