package dev.pbkv.trace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exports a {@link Trace} as a ShiViz log file: a first line with the parser regular expression, an
 * empty second line (one execution), then two lines per event — a description, and {@code host
 * {"host": n, …}} with the event's vector clock. ShiViz wants each host's own entry to count its
 * logged events 1, 2, 3…; the runtimes tick on events a trace may leave out, so the clocks are
 * renumbered to count logged events only, which keeps happens-before exactly as it was. A lost
 * message is not an event of any process: ShiViz shows its send without a receive.
 */
public final class ShiVizExporter {
  /** ShiViz's default parser: an event line, then the host and its vector clock. */
  public static final String PARSER = "(?<event>.*)\\n(?<host>\\S*) (?<clock>{.*})";

  private ShiVizExporter() {}

  /** The ShiViz log for {@code trace}. */
  public static String export(Trace trace) {
    // Each host's own counters at its logged events, in order: renumbered to 1, 2, 3, …
    Map<String, List<Long>> own = new HashMap<>();
    List<TraceEvent> events =
        trace.events().stream().filter(e -> e.kind() != TraceEvent.Kind.DROP).toList();
    for (TraceEvent e : events) {
      Long mine = e.clock().get(e.node());
      if (mine != null) {
        own.computeIfAbsent(e.node(), k -> new ArrayList<>()).add(mine);
      }
    }
    own.values().forEach(Collections::sort);
    StringBuilder out = new StringBuilder(PARSER).append("\n\n");
    for (TraceEvent e : events) {
      if (!e.clock().containsKey(e.node())) {
        continue; // ShiViz needs the host's own entry on every event
      }
      String description =
          e.kind()
              + (e.label().isEmpty() ? "" : " " + e.label())
              + (e.peer() == null
                  ? ""
                  : (e.kind() == TraceEvent.Kind.SEND ? " to " : " from ") + e.peer());
      out.append(description.replace('\n', ' ')).append('\n');
      Map<String, Long> renumbered = new TreeMap<>();
      for (Map.Entry<String, Long> c : e.clock().entrySet()) {
        List<Long> counters = own.get(c.getKey());
        long logged = counters == null ? 0 : countAtMost(counters, c.getValue());
        if (logged > 0) {
          renumbered.put(host(c.getKey()), logged);
        }
      }
      out.append(host(e.node())).append(' ').append(Trace.toJson(renumbered)).append('\n');
    }
    return out.toString();
  }

  public static void export(Trace trace, Path file) throws IOException {
    Files.writeString(file, export(trace), StandardCharsets.UTF_8);
  }

  /** ShiViz hosts are one word. */
  static String host(String node) {
    return node.replaceAll("\\s+", "_");
  }

  /** How many of the sorted {@code values} are at most {@code limit}. */
  private static int countAtMost(List<Long> values, long limit) {
    int lo = 0;
    int hi = values.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values.get(mid) <= limit) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
