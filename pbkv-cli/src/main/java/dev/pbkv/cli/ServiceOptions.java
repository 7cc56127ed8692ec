package dev.pbkv.cli;

import ch.qos.logback.classic.Level;
import dev.pbkv.net.NetRuntime;
import dev.pbkv.net.tls.ConnectionSecurity;
import dev.pbkv.net.tls.TlsConfig;
import dev.pbkv.net.tls.Users;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options the long-running processes share: ping interval, log level, trace file, port file.
 */
final class ServiceOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      defaultValue = "${env:PBKV_CONFIG}",
      description =
          "defaults from FILE: KEY = VALUE lines, a key being a long option without its dashes"
              + " (or COMMAND.OPTION); flags and environment variables win [PBKV_CONFIG]")
  Path config;

  @Option(
      names = "--ping-interval",
      paramLabel = "<duration>",
      converter = DurationConverter.class,
      defaultValue = "${env:PBKV_PING_INTERVAL:-100ms}",
      description =
          "how often servers ping and the view service checks; use the same everywhere"
              + " (default: ${DEFAULT-VALUE}) [PBKV_PING_INTERVAL]")
  long pingMillis;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      converter = Logging.LevelConverter.class,
      defaultValue = "${env:PBKV_LOG_LEVEL:-info}",
      description =
          "error, warn, info, debug or trace (default: ${DEFAULT-VALUE}) [PBKV_LOG_LEVEL]")
  Level logLevel;

  @Option(
      names = "--metrics-listen",
      paramLabel = "HOST:PORT",
      defaultValue = "${env:PBKV_METRICS_LISTEN}",
      description =
          "serve Prometheus metrics at http://HOST:PORT/metrics (off unless given)"
              + " [PBKV_METRICS_LISTEN]")
  String metricsListen;

  @Option(
      names = "--outbound-cap",
      paramLabel = "SIZE",
      converter = ByteSizeConverter.class,
      defaultValue = "${env:PBKV_OUTBOUND_CAP:-8MiB}",
      description =
          "the most bytes waiting to go out on one connection (bytes, KiB, MiB, GiB); past it a"
              + " message is dropped, counted (pbkv_sends_dropped_full_total) and logged, and the"
              + " protocol's retries make up for it (default: ${DEFAULT-VALUE})"
              + " [PBKV_OUTBOUND_CAP]")
  long outboundCapBytes;

  @Option(
      names = "--trace",
      paramLabel = "FILE.jsonl",
      description = "record this process's events with their logical clocks (pbkv trace merge)")
  Path trace;

  @Option(
      names = "--port-file",
      paramLabel = "FILE",
      description =
          "once listening, write the port to FILE (with --listen HOST:0, the free port the system"
              + " picked), for scripts and tests")
  Path portFile;

  @Mixin TlsOptions tls;

  /**
   * TLS for every connection the process accepts and opens, or null for plain TCP (logged as one
   * WARN: anyone who can reach the port can act as a member or a client).
   */
  ConnectionSecurity security(org.slf4j.Logger log, String what) {
    return security(log, what, null);
  }

  /** Like {@link #security(org.slf4j.Logger, String)}, with the users file {@code users}. */
  ConnectionSecurity security(org.slf4j.Logger log, String what, Path users) {
    TlsConfig config = tls.config();
    if (config == null && users != null) {
      throw new UserError(
          "--users needs TLS (--tls-cert, --tls-key, --tls-ca): passwords are never taken over"
              + " plain TCP");
    }
    if (config == null) {
      log.warn(
          "{} runs WITHOUT TLS: traffic is clear text and anyone who can reach the port can act"
              + " as a server, the view service or a client (see 'pbkv certs', --tls-cert)",
          what);
      return null;
    }
    log.info("{} uses TLS with the {} engine", what, config.engineName());
    if (config.cert() == null) {
      throw new UserError("a " + what + " needs --tls-cert and --tls-key as well as --tls-ca");
    }
    try {
      Users loaded = users == null ? null : Users.read(users);
      if (loaded != null) {
        log.info("{} users from {}", loaded.size(), users);
      }
      return ConnectionSecurity.member(config, loaded);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }

  /** Writes the port {@code runtime} listens on to {@code --port-file}, if given, atomically. */
  void reportPort(NetRuntime runtime) {
    if (portFile == null) {
      return;
    }
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, runtime.port() + "\n", StandardCharsets.UTF_8);
      Files.move(
          tmp, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      runtime.close();
      throw new UserError("--port-file: cannot write " + portFile + ": " + e.getMessage());
    }
  }
}
