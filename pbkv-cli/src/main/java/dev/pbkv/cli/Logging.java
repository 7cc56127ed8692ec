package dev.pbkv.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Sets the log level of the pbkv loggers ({@code --log-level}). */
final class Logging {
  private Logging() {}

  static void setLevel(Level level) {
    ((Logger) LoggerFactory.getLogger("dev.pbkv")).setLevel(level);
  }

  /** Parses ERROR, WARN, INFO, DEBUG or TRACE (any case). */
  static final class LevelConverter implements ITypeConverter<Level> {
    @Override
    public Level convert(String value) {
      String v = value.trim().toUpperCase(Locale.ROOT);
      if (!v.matches("ERROR|WARN|INFO|DEBUG|TRACE|OFF")) {
        throw new TypeConversionException(
            "'" + value + "' is not a log level: expected error, warn, info, debug or trace");
      }
      return Level.toLevel(v);
    }
  }
}
