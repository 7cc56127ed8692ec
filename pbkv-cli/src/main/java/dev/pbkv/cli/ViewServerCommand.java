package dev.pbkv.cli;

import dev.pbkv.metrics.MeteredViewService;
import dev.pbkv.net.Addresses;
import dev.pbkv.net.FileViewStore;
import dev.pbkv.net.NetRuntime;
import dev.pbkv.node.Address;
import dev.pbkv.view.InMemoryViewStore;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import dev.pbkv.view.ViewStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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
      "after the primary acked the current one. It writes the view to a file in --data-dir",
      "(atomically, before anyone sees the view), so a restarted view service resumes the",
      "cluster where it was; --in-memory keeps nothing (a restart then loses the cluster)."
    })
final class ViewServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("dev.pbkv.viewserver");

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:PBKV_LISTEN:-127.0.0.1:7000}",
      description =
          "address to listen on; port 0 picks a free one (see --port-file) (default:"
              + " ${DEFAULT-VALUE}) [PBKV_LISTEN]")
  String listen;

  @Option(
      names = "--dead-pings",
      defaultValue = "${env:PBKV_DEAD_PINGS:-5}",
      description =
          "missed intervals after which a server is dead (default: ${DEFAULT-VALUE})"
              + " [PBKV_DEAD_PINGS]")
  int deadPings;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "${env:PBKV_DATA_DIR}",
      description =
          "folder for the view service's durable state (default:"
              + " $XDG_STATE_HOME/pbkv/viewserver-HOST_PORT, else"
              + " ~/.local/state/pbkv/viewserver-HOST_PORT) [PBKV_DATA_DIR]")
  String dataDir;

  @Option(
      names = "--in-memory",
      description =
          "keep the state in memory only, as for tests and the demo: a restart of the view"
              + " service then loses the cluster")
  boolean inMemory;

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
    Address listenOn = Addresses.listenAddress(listen);
    MetricsSetup metrics = MetricsSetup.start(service.metricsListen, "viewservice", log);
    MeteredViewService[] metered = new MeteredViewService[1];
    InetSocketAddress parsed = Addresses.parseListen(listen);
    InetSocketAddress bindTo = new InetSocketAddress(parsed.getHostString(), parsed.getPort());
    if (bindTo.isUnresolved()) { // before the store's folder is made: bad input leaves nothing
      throw new UserError(
          "cannot listen on " + listenOn + ": unknown host '" + bindTo.getHostString() + "'");
    }
    if (bindTo.getPort() == 0 && !inMemory && (dataDir == null || dataDir.isBlank())) {
      throw new UserError(
          "--listen "
              + listen
              + ": with port 0 the address changes at every start, so the default state folder"
              + " cannot follow it; give --data-dir DIR or --in-memory");
    }
    var security = service.security(log, "view service");
    ViewStore store = openStore(listenOn);
    ViewStore.Stored stored = store.read();
    NetRuntime runtime =
        NetRuntime.listen(
            listenOn,
            (InetSocketAddress) null,
            a -> {
              ViewServer viewServer = new ViewServer(config, store);
              ViewLogger logger = new ViewLogger(a, log);
              if (metrics == null) {
                return new ObservedNode(viewServer, logger);
              }
              metered[0] = new MeteredViewService(viewServer, metrics.registry());
              return new ObservedNode(metered[0], n -> logger.accept(viewServer));
            },
            service.trace,
            service.outboundCapBytes,
            security);
    Address self = runtime.address();
    service.reportPort(runtime);
    if (metrics != null) {
      metrics.attach(runtime, () -> metered[0].sample());
    }
    log.info(
        "view service {} listening{}; ping interval {} ms, dead after {} missed; state {}{}",
        self,
        security == null ? " (plain TCP)" : " (TLS)",
        service.pingMillis,
        deadPings,
        store.describe(),
        stored.version() == 0
            ? " (new)"
            : ", resumed at view "
                + stored.state().view()
                + (stored.state().acked() ? " (acked)" : " (not acked)"));
    if (store.isVolatile()) {
      log.warn("--in-memory: a restart of this view service loses the cluster");
    }
    return ProcessLife.runUntilStopped(runtime, log, "view service " + self, metrics);
  }

  private ViewStore openStore(Address self) {
    if (inMemory) {
      if (dataDir != null && !dataDir.isBlank()) {
        throw new UserError("--in-memory and --data-dir exclude each other");
      }
      return new InMemoryViewStore();
    }
    Path dir = dataDir == null || dataDir.isBlank() ? defaultDataDir(self) : Path.of(dataDir);
    try {
      return FileViewStore.open(dir);
    } catch (IllegalStateException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** {@code $XDG_STATE_HOME/pbkv/viewserver-HOST_PORT}, else under {@code ~/.local/state}. */
  static Path defaultDataDir(Address self) {
    String xdg = System.getenv("XDG_STATE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("pbkv").resolve("viewserver-" + self.name().replace(':', '_'));
  }
}
