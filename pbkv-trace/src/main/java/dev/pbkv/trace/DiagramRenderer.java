package dev.pbkv.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a {@link Trace} as one self-contained HTML page (no network needed) holding an SVG
 * space-time diagram: one line per node, an arrow per delivered message, lost messages drawn as
 * dashed lines ending in a cross, view changes and client operations labelled, details on hover.
 * The page lays out by Lamport time or by real time, filters by node and time window, and zooms.
 */
public final class DiagramRenderer {
  private static final String TEMPLATE = loadTemplate();

  private DiagramRenderer() {}

  /** The page for {@code trace}. */
  public static String render(Trace trace) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("timeBase", trace.timeBase());
    data.put("nodes", trace.nodes());
    List<Map<String, Object>> events = new ArrayList<>();
    for (TraceEvent e : trace.events()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("n", e.node());
      m.put("k", e.kind().name());
      m.put("l", e.lamport());
      m.put("t", e.micros());
      if (e.messageId() != null) {
        m.put("m", e.messageId());
      }
      if (e.peer() != null) {
        m.put("p", e.peer());
      }
      m.put("lb", e.label());
      if (!e.detail().isEmpty()) {
        m.put("d", e.detail());
      }
      m.put(
          "c",
          e.clock().entrySet().stream()
              .map(x -> x.getKey() + ":" + x.getValue())
              .collect(Collectors.joining(", ", "{", "}")));
      events.add(m);
    }
    data.put("events", events);
    // "</" must not end the script element early.
    String json = Trace.toJson(data).replace("</", "<\\/");
    return TEMPLATE.replace("/*TRACE_DATA*/", json);
  }

  /** Writes the page for {@code trace} to {@code file}. */
  public static void render(Trace trace, Path file) throws IOException {
    Files.writeString(file, render(trace), StandardCharsets.UTF_8);
  }

  private static String loadTemplate() {
    try (InputStream in = DiagramRenderer.class.getResourceAsStream("diagram.html")) {
      if (in == null) {
        throw new IllegalStateException("diagram.html is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
