package dev.pbkv.cli;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options the long-running processes share: ping interval, log level, trace file. */
final class ServiceOptions {
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
      names = "--trace",
      paramLabel = "FILE.jsonl",
      description = "record this process's events with their logical clocks (pbkv trace merge)")
  Path trace;
}
