package dev.pbkv.trace;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a trace as it happens, one JSON line per event (the format {@link Trace#read} reads). Not
 * thread-safe: a runtime writes from its one event-loop thread.
 */
public final class TraceWriter implements AutoCloseable {
  private final BufferedWriter out;

  /** Creates {@code file} (replacing it) and writes the header with {@code timeBase}. */
  public TraceWriter(Path file, String timeBase) throws IOException {
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    out.write(Trace.toJson(Map.of("pbkv-trace", 1, "time", timeBase)));
    out.write('\n');
  }

  /** Appends one event. */
  public void write(TraceEvent event) {
    try {
      out.write(Trace.toJson(event));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
