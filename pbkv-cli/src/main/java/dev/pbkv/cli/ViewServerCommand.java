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
import dev.pbkv.zookeeper.ZooKeeperClients;
import dev.pbkv.zookeeper.ZooKeeperLeadership;
import dev.pbkv.zookeeper.ZooKeeperViewStore;
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
    footer = {
      "",
      "Example:  pbkv viewserver --listen 127.0.0.1:7000",
      "          pbkv viewserver --listen 0.0.0.0:7000 --advertise 10.0.0.4:7000",
      "Replicated, on each of three hosts (see README, Running without a single point of"
          + " failure):",
      "          pbkv viewserver --listen 10.0.0.1:7000 --zookeeper"
          + " 10.0.0.1:2181,10.0.0.2:2181,10.0.0.3:2181"
    },
    mixinStandardHelpOptions = true,
    description = {
      "Runs the view service until it is stopped (Ctrl-C or SIGTERM). Servers ping it; it",
      "declares a server dead after --dead-pings missed intervals and changes the view only",
      "after the primary acked the current one. It writes the view to a file in --data-dir",
      "(atomically, before anyone sees the view), so a restarted view service resumes the",
      "cluster where it was; --in-memory keeps nothing (a restart then loses the cluster).",
      "With --zookeeper it is one replica of several: the view lives in a znode under",
      "--zk-path, one replica leads (ZooKeeper leader election) and writes every view on the",
      "version it read, the others answer with the newest stored view."
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
      names = "--advertise",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:PBKV_ADVERTISE}",
      description =
          "the address servers and clients reach the view service at, when --listen binds a"
              + " wildcard (0.0.0.0 or [::]) or a NAT is in between; it sends its views from this"
              + " address (default: the --listen address) [PBKV_ADVERTISE]")
  String advertise;

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

  @Option(
      names = "--zookeeper",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "${env:PBKV_ZOOKEEPER}",
      description =
          "run as one replica of a replicated view service whose state and leader election live"
              + " in this ZooKeeper ensemble (instead of --data-dir) [PBKV_ZOOKEEPER]")
  String zookeeper;

  @Option(
      names = "--zk-path",
      paramLabel = "PATH",
      defaultValue = "${env:PBKV_ZK_PATH:-/pbkv/default}",
      description =
          "the cluster's folder in ZooKeeper: the view in PATH/view, the election in"
              + " PATH/leader; one folder per pbkv cluster (default: ${DEFAULT-VALUE})"
              + " [PBKV_ZK_PATH]")
  String zkPath;

  @Option(
      names = "--zk-session-timeout",
      paramLabel = "DURATION",
      defaultValue = "${env:PBKV_ZK_SESSION_TIMEOUT:-4s}",
      description =
          "ZooKeeper session timeout: a leader that cannot reach ZooKeeper this long is replaced;"
              + " shorter means faster failover, but a GC pause or a slow network that long also"
              + " deposes a healthy leader; each store call waits at most a third of it"
              + " (default: ${DEFAULT-VALUE}) [PBKV_ZK_SESSION_TIMEOUT]")
  String zkSessionTimeout;

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
    InetSocketAddress bind = Addresses.parseListen(listen);
    if (advertise == null || advertise.isBlank()) {
      if (isWildcard(bind.getHostString())) {
        throw new UserError(
            "--listen "
                + listen
                + " binds every interface, and nobody can connect to "
                + bind.getHostString()
                + ": give --advertise HOST:PORT, the address others reach the view service at");
      }
      advertise = listen;
    } else {
      InetSocketAddress adv = Addresses.parse(advertise);
      if (isWildcard(adv.getHostString())) {
        throw new UserError(
            "--advertise " + advertise + " is a wildcard address: give one others can reach");
      }
    }
    boolean advertised = !advertise.equals(listen);
    Address listenOn = advertised ? Addresses.of(advertise) : Addresses.listenAddress(listen);
    MetricsSetup metrics = MetricsSetup.start(service.metricsListen, "viewservice", log);
    MeteredViewService[] metered = new MeteredViewService[1];
    InetSocketAddress parsed = Addresses.parseListen(listen);
    InetSocketAddress bindTo = new InetSocketAddress(parsed.getHostString(), parsed.getPort());
    if (bindTo.isUnresolved()) { // before the store's folder is made: bad input leaves nothing
      throw new UserError(
          "cannot listen on " + listenOn + ": unknown host '" + bindTo.getHostString() + "'");
    }
    if (zookeeper != null && !zookeeper.isBlank()) {
      return runReplica(config, listenOn, metrics, metered);
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
            advertised ? bind : null,
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

  /** {@code --zookeeper}: one replica of a replicated view service (docs/design.md §2.2). */
  private int runReplica(
      ViewServiceConfig config,
      Address listenOn,
      MetricsSetup metrics,
      MeteredViewService[] metered)
      throws InterruptedException {
    if (inMemory || (dataDir != null && !dataDir.isBlank())) {
      throw new UserError(
          "--zookeeper excludes --data-dir and --in-memory (the state is in ZooKeeper)");
    }
    java.time.Duration session;
    try {
      ZooKeeperClients.checkEnsemble(zookeeper);
      ZooKeeperClients.checkPath(zkPath);
      session = java.time.Duration.ofMillis(new DurationConverter().convert(zkSessionTimeout));
    } catch (IllegalArgumentException | picocli.CommandLine.TypeConversionException e) {
      throw new UserError(e.getMessage());
    }
    if (session.toMillis() < 1_000 || session.toMillis() > 60_000) {
      throw new UserError(
          "--zk-session-timeout must be between 1s and 60s, got " + zkSessionTimeout);
    }
    org.apache.curator.framework.CuratorFramework zk = ZooKeeperClients.start(zookeeper, session);
    ZooKeeperViewStore store =
        new ZooKeeperViewStore(zk, zookeeper, zkPath, session.dividedBy(3)).startWatching();
    ViewServer[] replica = new ViewServer[1];
    NetRuntime runtime;
    try {
      runtime =
          NetRuntime.listen(
              listenOn,
              (InetSocketAddress) null,
              a -> {
                ViewServer viewServer = ViewServer.replica(config, store);
                replica[0] = viewServer;
                ViewLogger logger = new ViewLogger(a, log);
                if (metrics == null) {
                  return new ObservedNode(viewServer, logger);
                }
                metered[0] = new MeteredViewService(viewServer, metrics.registry());
                return new ObservedNode(metered[0], n -> logger.accept(viewServer));
              },
              service.trace);
    } catch (RuntimeException e) {
      zk.close();
      throw e;
    }
    Address self = runtime.address();
    service.reportPort(runtime);
    if (metrics != null) {
      metrics.attach(runtime, () -> metered[0].sample());
    }
    ZooKeeperLeadership leadership =
        new ZooKeeperLeadership(
            zk,
            zkPath,
            self.name(),
            new ZooKeeperLeadership.Listener() {
              @Override
              public void leadershipGained() {
                runtime.call(
                    () -> {
                      replica[0].leadershipGained();
                      log.info(
                          "view service {} leads now: took over view {} from {}",
                          self,
                          replica[0].view(),
                          store.describe());
                      return null;
                    });
              }

              @Override
              public void leadershipLost() {
                runtime.call(
                    () -> {
                      replica[0].leadershipLost();
                      log.warn(
                          "view service {} lost the leadership (ZooKeeper session suspended,"
                              + " lost or closed): it stops deciding",
                          self);
                      return null;
                    });
              }
            });
    warnIfSessionDiffers(zk, session);
    try {
      leadership.start();
    } catch (Exception e) {
      runtime.close();
      zk.close();
      throw new UserError("cannot join the leader election in ZooKeeper " + zookeeper + ": " + e);
    }
    log.info(
        "view service {} listening as a replica; ping interval {} ms, dead after {} missed;"
            + " state and election in {} (session timeout {} ms)",
        self,
        service.pingMillis,
        deadPings,
        store.describe(),
        session.toMillis());
    // on SIGTERM: leave the election first (another replica takes over at once), then ZooKeeper
    return ProcessLife.runUntilStopped(
        runtime,
        log,
        "view service " + self,
        leadership,
        () -> {
          store.close();
          zk.close();
        },
        metrics);
  }

  /**
   * ZooKeeper bounds a session by its own minSessionTimeout and maxSessionTimeout (by default 2 and
   * 20 ticks): a WARN, once per connection, when it granted another timeout than was asked for,
   * since failover takes about as long as the granted one.
   */
  private static void warnIfSessionDiffers(
      org.apache.curator.framework.CuratorFramework zk, java.time.Duration asked) {
    zk.getConnectionStateListenable()
        .addListener(
            (client, state) -> {
              if (!state.isConnected()) {
                return;
              }
              try {
                int granted = client.getZookeeperClient().getZooKeeper().getSessionTimeout();
                if (granted > 0 && granted != asked.toMillis()) {
                  log.warn(
                      "ZooKeeper granted a session timeout of {} ms, not the {} ms asked for (the"
                          + " ensemble's minSessionTimeout/maxSessionTimeout, by default 2 and 20"
                          + " ticks): a failover takes about {} ms",
                      granted,
                      asked.toMillis(),
                      granted);
                }
              } catch (Exception e) {
                // the client is closing: nothing to say
              }
            });
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

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
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
