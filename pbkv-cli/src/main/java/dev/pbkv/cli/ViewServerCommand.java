package dev.pbkv.cli;

import dev.pbkv.net.Addresses;
import dev.pbkv.net.NetRuntime;
import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pbkv viewserver}: the view service process. */
@Command(
    name = "viewserver",
    header = "Run the view service (decides who is primary and backup).",
    footer = {"", "Example:  pbkv viewserver --listen 127.0.0.1:7000"},
    mixinStandardHelpOptions = true,
    description = {
      "Runs the view service until it is stopped (Ctrl-C or SIGTERM). Servers ping it; it",
      "declares a server dead after --dead-pings missed intervals and changes the view only",
      "after the primary acked the current one. Its state lives in memory: run one, and keep it."
    })
final class ViewServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("dev.pbkv.viewserver");

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:PBKV_LISTEN:-127.0.0.1:7000}",
      description = "address to listen on (default: ${DEFAULT-VALUE}) [PBKV_LISTEN]")
  String listen;

  @Option(
      names = "--dead-pings",
      defaultValue = "${env:PBKV_DEAD_PINGS:-5}",
      description =
          "missed intervals after which a server is dead (default: ${DEFAULT-VALUE})"
              + " [PBKV_DEAD_PINGS]")
  int deadPings;

  @Mixin ServiceOptions service;

  @Override
  public Integer call() throws InterruptedException {
    Logging.setLevel(service.logLevel);
    if (deadPings < 1) {
      throw new UserError("--dead-pings must be at least 1, got " + deadPings);
    }
    ViewServiceConfig config;
    try {
      config = new ViewServiceConfig(service.pingMillis, deadPings, Set.of());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    Address self = Addresses.of(listen);
    NetRuntime runtime =
        NetRuntime.listen(
            self,
            (InetSocketAddress) null,
            a -> new ObservedNode(new ViewServer(config), new ViewLogger(a, log)),
            service.trace);
    log.info(
        "view service {} listening; ping interval {} ms, dead after {} missed",
        self,
        service.pingMillis,
        deadPings);
    return ProcessLife.runUntilStopped(runtime, log, "view service " + self);
  }
}
