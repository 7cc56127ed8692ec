package dev.pbkv.cli;

import ch.qos.logback.classic.Level;
import dev.pbkv.net.Addresses;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.ViewServiceProbe;
import dev.pbkv.net.tls.ConnectionSecurity;
import dev.pbkv.net.tls.Login;
import dev.pbkv.net.tls.TlsConfig;
import dev.pbkv.net.tls.UserName;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every client command shares. */
final class ClientOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:PBKV_CONFIG}",
      description =
          "defaults from FILE: KEY = VALUE lines, a key being a long option without its dashes"
              + " (or COMMAND.OPTION); flags and environment variables win [PBKV_CONFIG]")
  Path config;

  @Option(
      names = "--viewserver",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "${env:PBKV_VIEWSERVER:-127.0.0.1:7000}",
      description =
          "the view service, or every replica of a replicated one, comma-separated (default:"
              + " ${DEFAULT-VALUE}) [PBKV_VIEWSERVER]")
  String viewServer;

  @Option(
      names = "--timeout",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      defaultValue = "${env:PBKV_TIMEOUT:-5s}",
      description =
          "give up after this long: a write is then indeterminate (exit code 3), a read failed"
              + " (exit code 2) (default: ${DEFAULT-VALUE}) [PBKV_TIMEOUT]")
  long timeoutMillis;

  @Option(
      names = "--retry-cap",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      defaultValue = "${env:PBKV_RETRY_CAP:-1s}",
      description =
          "the longest wait between two retries of an unanswered request: the first waits 100 ms,"
              + " each next one twice as long up to this, each up to a quarter longer, at random, so that"
              + " clients do not retry in step; at most 60m, and at or below 100ms the retries"
              + " keep a fixed 100 ms (default: ${DEFAULT-VALUE}) [PBKV_RETRY_CAP]")
  long retryCapMillis;

  @Option(
      names = "--outbound-cap",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      defaultValue = "${env:PBKV_CLIENT_OUTBOUND_CAP:-64MiB}",
      description =
          "the most bytes of operations the client holds (waiting or in flight), and waiting to"
              + " go out on one connection; an op past it fails at once, not sent"
              + " (default: ${DEFAULT-VALUE}) [PBKV_CLIENT_OUTBOUND_CAP]")
  long outboundCapBytes;

  @Option(
      names = "--max-key-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      defaultValue = "${env:PBKV_MAX_KEY_BYTES:-64KiB}",
      description =
          "refuse a key over this size before sending it (exit code 2); set it to the servers'"
              + " --max-key-bytes (default: ${DEFAULT-VALUE}) [PBKV_MAX_KEY_BYTES]")
  long maxKeyBytes;

  @Option(
      names = "--max-value-bytes",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      defaultValue = "${env:PBKV_MAX_VALUE_BYTES:-1MiB}",
      description =
          "refuse a value over this size before sending it (exit code 2); set it to the servers'"
              + " --max-value-bytes (default: ${DEFAULT-VALUE}) [PBKV_MAX_VALUE_BYTES]")
  long maxValueBytes;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      converter = Logging.LevelConverter.class,
      defaultValue = "${env:PBKV_LOG_LEVEL:-warn}",
      description =
          "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}) [PBKV_LOG_LEVEL]")
  Level logLevel;

  @Mixin TlsOptions tls;

  @Option(
      names = "--user",
      paramLabel = "NAME",
      defaultValue = "${env:PBKV_USER}",
      description =
          "log in as NAME with a password (over TLS only): the password comes from PBKV_PASSWORD,"
              + " else from --password-file, else a prompt [PBKV_USER]")
  String user;

  @Option(
      names = "--password-file",
      paramLabel = "FILE",
      defaultValue = "${env:PBKV_PASSWORD_FILE}",
      description = "read the --user password from FILE's first line [PBKV_PASSWORD_FILE]")
  Path passwordFile;

  /** TLS (and a login) for the client's connections, or null for plain TCP. */
  ConnectionSecurity security() {
    TlsConfig config = tls.config();
    boolean wantsLogin = user != null && !user.isBlank();
    Login login = config == null ? null : login(); // a password is read only to go over TLS
    if (config == null) {
      if (wantsLogin) {
        throw new UserError(
            "refusing to send a password over plain TCP: give --tls-ca (the cluster's CA"
                + " certificate) to use TLS");
      }
      return null;
    }
    try {
      return ConnectionSecurity.client(config, login);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  private Login login() {
    if (user == null || user.isBlank()) {
      return null;
    }
    if (!UserName.valid(user)) {
      throw new UserError("--user '" + user + "' is not a user name");
    }
    String password = System.getenv("PBKV_PASSWORD");
    if (password == null && passwordFile != null) {
      try {
        java.util.List<String> lines =
            java.nio.file.Files.readAllLines(passwordFile, java.nio.charset.StandardCharsets.UTF_8);
        password = lines.isEmpty() ? "" : lines.get(0);
      } catch (java.io.IOException e) {
        throw FileChecks.failed(passwordFile, e);
      }
    }
    if (password == null && System.console() != null) {
      char[] typed = System.console().readPassword("password for %s: ", user);
      password = typed == null ? null : new String(typed);
    }
    if (password == null || password.isEmpty()) {
      throw new UserError(
          "--user " + user + ": no password (set PBKV_PASSWORD or give --password-file)");
    }
    if (password.length() > Login.MAX_PASSWORD_CHARS) {
      throw new UserError("the password is over " + Login.MAX_PASSWORD_CHARS + " characters");
    }
    return new Login(user, password);
  }

  /**
   * Connects; fails at once (exit code 2) when the view service's host is unknown or its port
   * refuses the connection, instead of waiting out the timeout.
   */
  /**
   * Fails fast when no address of {@code viewServers} (one, or a comma-separated list of replicas)
   * can be reached; with several, one reachable replica is enough.
   */
  static void requireOneReachable(String viewServers, Duration timeout) {
    java.util.List<dev.pbkv.node.Address> all = Addresses.list(viewServers);
    RuntimeException last = null;
    for (dev.pbkv.node.Address a : all) {
      try {
        ViewServiceProbe.requireReachable(a, timeout);
        return;
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  PbkvClient connect(int sessions) {
    Logging.setLevel(logLevel);
    ConnectionSecurity security = security(); // bad TLS flags fail first, before any connection
    PbkvClient.Options options = options(sessions, security); // and bad values
    requireOneReachable(viewServer, Duration.ofMillis(timeoutMillis));
    return PbkvClient.connect(options);
  }

  /**
   * The client's options from these flags, with {@code sessions} and {@code security}.
   *
   * @throws UserError for a value out of range (before any connection)
   */
  PbkvClient.Options options(int sessions, ConnectionSecurity security) {
    return PbkvClient.Options.of(viewServer)
        .withSessions(sessions)
        .withTimeout(Duration.ofMillis(timeoutMillis))
        .withOutboundCap(outboundCapBytes)
        .withSecurity(security)
        .withLimits(limits())
        .withRetryCap(Duration.ofMillis(RetryCapFlag.check(retryCapMillis)));
  }

  /** The size limits of {@code --max-key-bytes} and {@code --max-value-bytes}. */
  dev.pbkv.kv.SizeLimits limits() {
    return SizeLimitFlags.limits(maxKeyBytes, maxValueBytes);
  }
}
