package dev.pbkv.cli;

import dev.pbkv.metrics.MeteredServer;
import dev.pbkv.net.Addresses;
import dev.pbkv.net.NetRuntime;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pbkv server}: one primary/backup server process. */
@Command(
    name = "server",
    header = "Run a key-value server (its role comes from the view service).",
    footer = {
      "",
      "Example:  pbkv server --listen 127.0.0.1:7001 --viewserver 127.0.0.1:7000",
      "          pbkv server --listen 0.0.0.0:7001 --advertise 10.0.0.5:7001 --viewserver 10.0.0.4:7000"
    },
    mixinStandardHelpOptions = true,
    description = {
      "Runs one pbkv server until it is stopped (Ctrl-C or SIGTERM). It pings the view service,",
      "which decides whether it is primary, backup or idle. Its state lives in memory: a",
      "restarted server starts empty and gets the state from the primary when it becomes backup.",
      "Every flag can also be set by an environment variable (shown in brackets)."
    })
final class ServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger("dev.pbkv.server");

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:PBKV_LISTEN}",
      description =
          "address to listen on and to be known by; port 0 picks a free one (see --port-file)"
              + " [PBKV_LISTEN]")
  String listen;

  @Option(
      names = "--advertise",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:PBKV_ADVERTISE}",
      description =
          "the address clients and servers reach this server at, when --listen binds a wildcard"
              + " (0.0.0.0 or [::]) or a NAT is in between; the view names this address"
              + " (default: the --listen address) [PBKV_ADVERTISE]")
  String advertise;

  @Option(
      names = "--viewserver",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "${env:PBKV_VIEWSERVER:-127.0.0.1:7000}",
      description =
          "the view service, or every replica of a replicated one (comma-separated): the server"
              + " pings each and follows the newest view (default: ${DEFAULT-VALUE})"
              + " [PBKV_VIEWSERVER]")
  String viewServer;

  @Option(
      names = "--viewserver-id",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "${env:PBKV_VIEWSERVER_ID}",
      description =
          "the address(es) the view service sends its views from, when it differs from"
              + " --viewserver (a proxy, a translated address); views from any other sender are"
              + " ignored (default: --viewserver) [PBKV_VIEWSERVER_ID]")
  String viewServerId;

  @Option(
      names = "--session-expiry",
      paramLabel = "DURATION",
      defaultValue = "${env:PBKV_SESSION_EXPIRY:-10m}",
      description =
          "drop a client session's at-most-once entry once it has been idle this long, or 'never'"
              + "; clients must give up on an op well before it (default: ${DEFAULT-VALUE})"
              + " [PBKV_SESSION_EXPIRY]")
  String sessionExpiry;

  @Option(
      names = "--retry-cap",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      defaultValue = "${env:PBKV_RETRY_CAP:-1s}",
      description =
          "the longest wait between two retries of the forwards to the backup and of a state"
              + " transfer: they first wait 50 ms and 100 ms, each next retry without progress"
              + " twice as long up to this, each up to a quarter longer at random; at most 60m, and a retry"
              + " whose first wait is this or more keeps that fixed wait (default:"
              + " ${DEFAULT-VALUE}) [PBKV_RETRY_CAP]")
  long retryCapMillis;

  @Option(
      names = "--max-key-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      defaultValue = "${env:PBKV_MAX_KEY_BYTES:-64KiB}",
      description =
          "refuse a request whose key is over this size, with an error (never executed); give"
              + " every server of a cluster the same (default: ${DEFAULT-VALUE})"
              + " [PBKV_MAX_KEY_BYTES]")
  long maxKeyBytes;

  @Option(
      names = "--max-value-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      defaultValue = "${env:PBKV_MAX_VALUE_BYTES:-1MiB}",
      description =
          "refuse a request whose value, or an append whose result, is over this size, with an"
              + " error (never executed); give every server of a cluster the same (default:"
              + " ${DEFAULT-VALUE}) [PBKV_MAX_VALUE_BYTES]")
  long maxValueBytes;

  @Option(
      names = "--users",
      paramLabel = "FILE",
      defaultValue = "${env:PBKV_USERS}",
      description =
          "clients log in as these users (password or client certificate) and may use only their"
              + " keys (see 'pbkv users add'); needs TLS. Without it, any client certificate of the"
              + " CA may do anything [PBKV_USERS]")
  java.nio.file.Path users;

  @Mixin ServiceOptions service;

  @Override
  public Integer call() throws InterruptedException {
    Logging.setLevel(service.logLevel);
    ServerConfig config = config(); // bad values first, before anything else is looked at
    if (listen == null || listen.isBlank()) {
      throw new UserError("--listen HOST:PORT is required (or set PBKV_LISTEN)");
    }
    InetSocketAddress bind = Addresses.parseListen(listen);
    if (advertise == null || advertise.isBlank()) {
      if (isWildcard(bind.getHostString())) {
        throw new UserError(
            "--listen "
                + listen
                + " binds every interface, and nobody can connect to "
                + bind.getHostString()
                + ": give --advertise HOST:PORT, the address others reach this server at");
      }
      advertise = listen;
    } else if (isWildcard(Addresses.parse(advertise).getHostString())) {
      throw new UserError(
          "--advertise " + advertise + " is a wildcard address: give one others can reach");
    }
    Address listenOn =
        advertise.equals(listen) ? Addresses.listenAddress(listen) : Addresses.of(advertise);
    java.util.List<Address> viewServices;
    try {
      viewServices = Addresses.list(viewServer);
    } catch (IllegalArgumentException e) {
      throw new UserError("--viewserver: " + e.getMessage());
    }
    for (Address one : viewServices) {
      String vsHost = Addresses.parse(one.name()).getHostString();
      try {
        java.net.InetAddress.getByName(vsHost);
      } catch (java.net.UnknownHostException e) {
        throw new UserError("--viewserver " + viewServer + ": unknown host '" + vsHost + "'");
      }
    }
    java.util.Set<Address> viewSenders = new java.util.TreeSet<>();
    if (viewServerId == null || viewServerId.isBlank()) {
      viewSenders.addAll(viewServices);
    } else {
      for (String id : viewServerId.split(",")) {
        viewSenders.add(Addresses.of(id.trim()));
      }
    }
    var security = service.security(log, "server", users);
    long bootId = newBootId();
    MetricsSetup metrics = MetricsSetup.start(service.metricsListen, "server", log);
    MeteredServer[] metered = new MeteredServer[1];
    NetRuntime runtime =
        NetRuntime.listen(
            listenOn,
            advertise.equals(listen) ? null : bind,
            a -> {
              PbServer server = new PbServer(a, viewServices, viewSenders, bootId, config);
              ViewLogger logger = new ViewLogger(a, log);
              if (metrics == null) {
                return new InfoNode(new ObservedNode(server, logger), server::executedOps);
              }
              metered[0] = new MeteredServer(server, metrics.registry());
              return new InfoNode(
                  new ObservedNode(metered[0], n -> logger.accept(server)), server::executedOps);
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
        "server {} listening{}{} (boot id {}); view service {}",
        self,
        advertise.equals(listen) ? "" : " on " + listen,
        security == null ? " (plain TCP)" : " (TLS)",
        bootId,
        viewServices.size() == 1 ? viewServices.get(0) : viewServices);
    return ProcessLife.runUntilStopped(runtime, log, "server " + self, metrics);
  }

  /**
   * The server's settings from these flags.
   *
   * @throws UserError for a value out of range
   */
  ServerConfig config() {
    return ServerConfig.defaults()
        .withPingIntervalMillis(service.pingMillis)
        .withSessionExpiryMillis(sessionExpiryMillis())
        .withSizeLimits(SizeLimitFlags.limits(maxKeyBytes, maxValueBytes))
        .withRetryCapMillis(RetryCapFlag.check(retryCapMillis));
  }

  private long sessionExpiryMillis() {
    if (sessionExpiry.trim().equalsIgnoreCase("never")) {
      return 0;
    }
    try {
      return new DurationConverter().convert(sessionExpiry);
    } catch (picocli.CommandLine.TypeConversionException e) {
      throw new UserError("--session-expiry: " + e.getMessage() + ", or 'never'");
    }
  }

  /**
   * A random, non-zero boot id: unique per start with overwhelming probability, whatever the clock
   * does (docs/design.md §1). The view service recognises ids, it never compares them.
   */
  static long newBootId() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }
}
