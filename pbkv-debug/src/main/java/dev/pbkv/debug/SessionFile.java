package dev.pbkv.debug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbkv.check.CheckTrace;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.scenario.Scenario;
import dev.pbkv.sim.scenario.Scenarios;
import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A saved session is a pbkv trace (JSON Lines, docs/trace-format.md) whose header line also names
 * the start point and the actions from it: {@code pbkv trace render} draws it like any trace, and
 * {@code pbkv debug --replay FILE} builds the start again and takes the actions again on the real
 * nodes.
 *
 * <pre>
 * {"pbkv-trace":1,"time":"virtual","pbkv-debug":{"version":1,"start":{"kind":"scenario",
 *   "name":"split-brain","seed":1,"broken":["NON_PRIMARY_SERVES"]},"actions":["start vs",…]}}
 * {"node":"vs","kind":"NOTE",…}
 * </pre>
 *
 * {@link #open} also takes a model checker's saved trace ({@code pbkv-check-trace 1}).
 */
public final class SessionFile {
  /** Largest file {@link #open} reads. */
  public static final long MAX_BYTES = 64L << 20;

  /** Most actions a saved session may hold (the session's own limit). */
  public static final int MAX_ACTIONS = Session.MAX_STATES;

  static final ObjectMapper JSON = new ObjectMapper();

  private SessionFile() {}

  /** The session's path from its start, as a saved session's text. */
  public static String text(Session session) {
    Map<String, Object> debug = new LinkedHashMap<>();
    debug.put("version", 1);
    debug.put("start", session.start().source());
    List<String> actions = new ArrayList<>();
    session.actions().forEach(a -> actions.add(a.text()));
    debug.put("actions", actions);
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("pbkv-trace", 1);
    header.put("time", Trace.VIRTUAL);
    header.put("pbkv-debug", debug);
    StringWriter w = new StringWriter();
    try {
      w.write(JSON.writeValueAsString(header));
      w.write('\n');
      for (TraceEvent e : session.world().trace()) {
        w.write(JSON.writeValueAsString(e));
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /**
   * Opens a saved session (replayed up to its last action) or a model checker's saved trace (at its
   * start, its events as the plan).
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException with a one-line message if it is neither, or does not fit
   */
  public static Session open(Path file) throws IOException {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(file + ": larger than " + (MAX_BYTES >> 20) + " MiB");
      }
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file");
    }
    String first;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      first = r.readLine();
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(file + ": not a text file");
    }
    if (first == null) {
      throw new IllegalArgumentException(file + ": empty");
    }
    if (first.strip().equals(CheckTrace.HEADER)) {
      return new Session(CheckStart.of(CheckTrace.read(file)));
    }
    JsonNode header;
    try {
      header = JSON.readTree(first);
    } catch (IOException e) {
      header = null;
    }
    if (header == null || !header.has("pbkv-trace")) {
      throw new IllegalArgumentException(
          file
              + ": neither a saved debugger session nor a model checker trace (its first line is"
              + " neither a pbkv trace header nor '"
              + CheckTrace.HEADER
              + "')");
    }
    JsonNode debug = header.get("pbkv-debug");
    if (debug == null) {
      throw new IllegalArgumentException(
          file
              + ": a trace without a debugger session in its header: the debugger can replay only"
              + " what it can run again (render it with 'pbkv trace render')");
    }
    return replay(debug, file.toString());
  }

  private static Session replay(JsonNode debug, String source) {
    JsonNode start = debug.path("start");
    Start s = start(start, source);
    Session session = new Session(s);
    JsonNode actions = debug.path("actions");
    if (!actions.isArray()) {
      throw new IllegalArgumentException(source + ": the session names no actions");
    }
    if (actions.size() > MAX_ACTIONS) {
      throw new IllegalArgumentException(source + ": more than " + MAX_ACTIONS + " actions");
    }
    int n = 0;
    for (JsonNode a : actions) {
      n++;
      try {
        session.apply(Action.parse(a.asText()));
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException(source + ": action " + n + ": " + e.getMessage());
      }
    }
    return session;
  }

  private static Start start(JsonNode start, String source) {
    String kind = start.path("kind").asText("");
    switch (kind) {
      case "scenario":
        {
          String name = start.path("name").asText("");
          Scenario scenario =
              Scenarios.byName(name)
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              source + ": unknown scenario '" + name + "'"));
          Set<RuleSwitch> rules = EnumSet.noneOf(RuleSwitch.class);
          for (JsonNode r : start.path("broken")) {
            try {
              rules.add(RuleSwitch.valueOf(r.asText().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(
                  source + ": unknown rule switch '" + r.asText() + "'");
            }
          }
          return ScenarioStart.of(scenario, start.path("seed").asLong(1), rules);
        }
      case "check":
        return CheckStart.of(CheckTrace.parse(start.path("trace").asText(""), source));
      default:
        throw new IllegalArgumentException(
            source + ": unknown start '" + kind + "' (expected scenario or check)");
    }
  }
}
