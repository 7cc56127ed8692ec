package dev.pbkv.cli;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options the long-running processes share: ping interval, log level, trace file. */
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
      converter = DurationConverter.class,
      defaultValue = "${env:PBKV_PING_INTERVAL:-100ms}",
      description =
          "how often servers ping and the view service checks; use the same everywhere"
              + " (default: ${DEFAULT-VALUE})")
  long pingMillis;

  @Option(
      names = "--log-level",
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
      names = "--trace",
      paramLabel = "FILE.jsonl",
      description = "record this process's events with their logical clocks (pbkv trace merge)")
  Path trace;
}
