package dev.pbkv.cli;

import ch.qos.logback.classic.Level;
import dev.pbkv.net.NetRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
