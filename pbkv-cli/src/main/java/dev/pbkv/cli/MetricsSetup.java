package dev.pbkv.cli;

import dev.pbkv.metrics.MetricsEndpoint;
import dev.pbkv.metrics.ProcessMetrics;
import dev.pbkv.net.NetRuntime;
import java.net.InetSocketAddress;
import org.slf4j.Logger;

/** {@code --metrics-listen}: serves a process's registry at {@code /metrics} over HTTP. */
final class MetricsSetup {
  private MetricsSetup() {}

  /** The registry of a process, or null when {@code listen} is not given. */
  static ProcessMetrics registry(String listen, String process) {
    if (listen == null || listen.isBlank()) {
      return null;
    }
    parse(listen); // a bad address is reported before anything starts
    String[] v = new Main.Version().getVersion()[0].split(" ");
    return new ProcessMetrics(process, v.length > 1 ? v[1] : "dev");
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

  /**
   * Starts the endpoint; {@code sample} runs on the runtime's event loop before each scrape.
   *
   * @throws UserError when the address is malformed or cannot be bound
   */
  static AutoCloseable serve(
      String listen, ProcessMetrics metrics, NetRuntime runtime, Runnable sample, Logger log) {
    metrics.watch(runtime);
    InetSocketAddress bind = parse(listen);
    try {
      MetricsEndpoint endpoint =
          MetricsEndpoint.start(
              bind,
              metrics::scrape,
              () ->
                  runtime
                      .call(
                          () -> {
                            sample.run();
                            return null;
                          })
                      .join());
      log.info("metrics at http://{}:{}/metrics", bind.getHostString(), endpoint.port());
      return () -> {
        endpoint.close();
        metrics.close();
      };
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
