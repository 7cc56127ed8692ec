package dev.pbkv.trace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A recorded execution: the header (how time is measured) and the events in the order they were
 * recorded. Stored as JSON Lines (see {@code docs/trace-format.md}): a header line {@code
 * {"pbkv-trace":1,"time":"virtual"}} then one {@link TraceEvent} per line.
 */
public record Trace(String timeBase, List<TraceEvent> events) {
  /** Virtual time of the simulator. */
  public static final String VIRTUAL = "virtual";

  /** Wall-clock time of real processes. */
  public static final String REAL = "real";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public Trace {
    events = List.copyOf(events);
  }

  /** Writes this trace as JSON Lines. */
  public void write(Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(w);
    }
  }

  /** Writes this trace as JSON Lines. */
  public void write(Writer w) throws IOException {
    w.write(JSON.writeValueAsString(Map.of("pbkv-trace", 1, "time", timeBase)));
    w.write('\n');
    for (TraceEvent e : events) {
      w.write(JSON.writeValueAsString(e));
      w.write('\n');
    }
  }

  /**
   * Reads a trace written by {@link #write}.
   *
   * @throws IOException if the file cannot be read, or with a one-line message naming the line that
   *     is not a trace event
   */
  public static Trace read(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (header == null || !header.contains("\"pbkv-trace\"")) {
        throw new IOException(file + ": not a pbkv trace (the first line must be its header)");
      }
      String timeBase = JSON.readTree(header).path("time").asText(VIRTUAL);
      List<TraceEvent> events = new ArrayList<>();
      String line;
      int n = 1;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          events.add(JSON.readValue(line, TraceEvent.class));
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
          throw new IOException(
              file
                  + " line "
                  + n
                  + ": not a trace event: "
                  + e.getMessage().lines().findFirst().orElse(""));
        }
      }
      return new Trace(timeBase, events);
    }
  }

  /** The nodes of this trace, in order of first appearance. */
  public List<String> nodes() {
    return events.stream().map(TraceEvent::node).distinct().toList();
  }

  /**
   * Merges traces recorded by several processes into one, ordered by Lamport time, then node (a
   * total order consistent with happens-before).
   */
  public static Trace merge(List<Trace> traces) {
    if (traces.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    List<TraceEvent> all = new ArrayList<>();
    for (Trace t : traces) {
      all.addAll(t.events());
    }
    all.sort(Comparator.comparingLong(TraceEvent::lamport).thenComparing(TraceEvent::node));
    return new Trace(traces.get(0).timeBase(), all);
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
