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
 * space-time diagram: one line per node, an arrow per delivered message with its name, lost
 * messages drawn as dashed lines ending in a cross, view changes, client operations, faults and a
 * broken invariant labelled without overlap (a label with no room is shortened, then left to the
 * hover), a legend drawn by the same code as the marks, filters by message type (pings and timers
 * hidden with one click, and from the start for real-cluster traces), details on hover. The page
 * fills the window and lays out by time in causal order (idle gaps shortened) or by Lamport time.
 *
 * <p>The drawing is one script, {@link #script()}, with its stylesheet {@link #style()}: the
 * debugger's page embeds the same two.
 */
public final class DiagramRenderer {
  private static final String SCRIPT = load("diagram.js");
  private static final String STYLE = load("diagram.css");
  private static final String TEMPLATE =
      load("diagram.html").replace("/*DIAGRAM_CSS*/", STYLE).replace("/*DIAGRAM_JS*/", SCRIPT);

  private DiagramRenderer() {}

  /** The drawing code: {@code PbkvDiagram(container, options)} (see diagram.js). */
  public static String script() {
    return SCRIPT;
  }

  /** The stylesheet of the marks, the legend and the controls. */
  public static String style() {
    return STYLE;
  }

  /** The page for {@code trace}. */
  public static String render(Trace trace) {
    // "</" must not end the script element early.
    String json = Trace.toJson(data(trace)).replace("</", "<\\/");
    return TEMPLATE.replace("/*TRACE_DATA*/", json);
  }

  /** What the drawing code draws: the time base, the nodes and the events, in short keys. */
  public static Map<String, Object> data(Trace trace) {
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
    return data;
  }

  /** Writes the page for {@code trace} to {@code file}. */
  public static void render(Trace trace, Path file) throws IOException {
    Files.writeString(file, render(trace), StandardCharsets.UTF_8);
  }

  private static String load(String name) {
    try (InputStream in = DiagramRenderer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
