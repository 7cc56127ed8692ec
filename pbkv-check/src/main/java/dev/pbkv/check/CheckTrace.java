package dev.pbkv.check;

import dev.pbkv.rules.RuleSwitch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trace a named search found (a counterexample, or the way to a goal), from the initial state,
 * setup phases included, as a line-based text file that {@link #read} loads and {@link #replay}
 * runs again against the real nodes.
 *
 * <p>The format (UTF-8; {@code #} starts a comment line; blank lines are ignored):
 *
 * <pre>
 * pbkv-check-trace 1
 * search failover
 * broken REPLY_BEFORE_BACKUP_ACK          (rule switches broken on purpose, or "-")
 * outcome INVARIANT_VIOLATED results linearizable   (the outcome, then the predicate's name)
 * phase 1 view 2 ready                    (phase number and name, as the search names them)
 * event deliver s1 -&gt; vs: Ping[viewNum=0, bootId=1]
 * event timer vs: CheckTick[]@100
 * phase 2 append done
 * ...
 * end
 * </pre>
 *
 * An event line holds the event as the checker prints it: {@code deliver FROM -> TO: MESSAGE} or
 * {@code timer NODE: TIMER@MIN..MAX}. Replay finds, in each state, the enabled event with exactly
 * that text, so a file needs no parser per message type and stays readable. When several enabled
 * events print the same (a message whose text leaves out part of its content), the line starts with
 * {@code (k/n)}: the k-th of those n, in the checker's order of events.
 *
 * @param search the search's name
 * @param broken the rule switches broken on purpose
 * @param outcome what the last phase found
 * @param predicate the invariant broken or the goal reached
 * @param phases the phases, in order, each with its events
 */
public record CheckTrace(
    String search,
    Set<RuleSwitch> broken,
    Outcome outcome,
    String predicate,
    List<PhaseEvents> phases) {

  /** The first line of a file. */
  public static final String HEADER = "pbkv-check-trace 1";

  /** One phase's name and events (as text). */
  public record PhaseEvents(String name, List<String> events) {
    public PhaseEvents {
      events = List.copyOf(events);
    }
  }

  public CheckTrace {
    broken = broken.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(broken));
    phases = List.copyOf(phases);
  }

  /**
   * The trace of {@code run} (which must have found a state: a violation or a goal in its last
   * phase), split by phase.
   */
  public static CheckTrace of(
      SearchScenario scenario, Set<RuleSwitch> rules, SearchScenario.Run run) {
    SearchResult last = run.last();
    if (last.state() == null || run.phases().size() != scenario.phases().size()) {
      throw new IllegalArgumentException(
          "no trace to save: the search ended with " + last.outcome());
    }
    List<SearchState> path = new ArrayList<>(); // path.get(k): the state after k events
    for (SearchState x = last.state(); x != null; x = x.parent()) {
      path.add(0, x);
    }
    List<PhaseEvents> phases = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < run.phases().size(); i++) {
      SearchSettings settings = scenario.phases().get(i).settings().get();
      int to = run.phases().get(i).state().depth();
      List<String> events = new ArrayList<>();
      for (int k = from; k < to; k++) {
        events.add(line(path.get(k), settings, path.get(k + 1).event()));
      }
      phases.add(new PhaseEvents(scenario.phases().get(i).name(), events));
      from = to;
    }
    return new CheckTrace(scenario.name(), rules, last.outcome(), last.predicate().name(), phases);
  }

  /**
   * The text of {@code e} in {@code s}; "(k/n) " before it when {@code n} enabled events print the
   * same (a message whose text leaves out some of its content) and {@code e} is the k-th.
   */
  private static String line(SearchState s, SearchSettings settings, Event e) {
    String text = e.toString();
    List<Event> same = same(s, settings, text);
    if (same.size() <= 1) {
      return text;
    }
    return "(" + (same.indexOf(e) + 1) + "/" + same.size() + ") " + text;
  }

  private static List<Event> same(SearchState s, SearchSettings settings, String text) {
    List<Event> out = new ArrayList<>();
    for (Event e : s.events(settings)) {
      if (e.toString().equals(text)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Events in all phases. */
  public int size() {
    return phases.stream().mapToInt(p -> p.events().size()).sum();
  }

  // --- the file ---------------------------------------------------------------------------------

  /** The file's text. */
  public String text() {
    StringBuilder sb = new StringBuilder();
    sb.append(HEADER).append('\n');
    sb.append("# a trace of 'pbkv check ")
        .append(search)
        .append("': ")
        .append(size())
        .append(" events from the initial state; replay it with 'pbkv check ")
        .append(search)
        .append(" --replay FILE'\n");
    sb.append("search ").append(search).append('\n');
    sb.append("broken ")
        .append(broken.isEmpty() ? "-" : String.join(" ", names(broken)))
        .append('\n');
    sb.append("outcome ").append(outcome).append(' ').append(predicate).append('\n');
    for (int i = 0; i < phases.size(); i++) {
      PhaseEvents p = phases.get(i);
      sb.append("phase ").append(i + 1).append(' ').append(p.name()).append('\n');
      for (String e : p.events()) {
        sb.append("event ").append(e).append('\n');
      }
    }
    sb.append("end\n");
    return sb.toString();
  }

  private static List<String> names(Set<RuleSwitch> rules) {
    TreeSet<String> out = new TreeSet<>();
    rules.forEach(r -> out.add(r.name()));
    return List.copyOf(out);
  }

  public void write(Path file) throws IOException {
    Files.writeString(file, text(), StandardCharsets.UTF_8);
  }

  /**
   * Loads a file written by {@link #write}.
   *
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException with a one-line message naming the file and line, if it is not
   *     a trace
   */
  public static CheckTrace read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(file + ": not a pbkv check trace (not UTF-8 text)");
    }
    return parse(text, file.toString());
  }

  /** Parses a trace's text; {@code source} names it in error messages. */
  public static CheckTrace parse(String text, String source) {
    String search = null;
    Set<RuleSwitch> broken = null;
    Outcome outcome = null;
    String predicate = null;
    List<PhaseEvents> phases = new ArrayList<>();
    String phaseName = null;
    List<String> events = null;
    boolean header = false;
    boolean end = false;
    String[] lines = text.split("\r?\n", -1);
    for (int n = 1; n <= lines.length; n++) {
      String line = lines[n - 1];
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (end) {
        throw bad(source, n, "text after 'end'");
      }
      if (!header) {
        if (!line.strip().equals(HEADER)) {
          throw bad(source, n, "not a pbkv check trace (the first line must be '" + HEADER + "')");
        }
        header = true;
        continue;
      }
      int space = line.indexOf(' ');
      String key = space < 0 ? line.strip() : line.substring(0, space);
      String rest = space < 0 ? "" : line.substring(space + 1).strip();
      switch (key) {
        case "search" -> {
          if (rest.isEmpty()) {
            throw bad(source, n, "'search' needs a name");
          }
          search = rest;
        }
        case "broken" -> broken = rules(rest, source, n);
        case "outcome" -> {
          String[] parts = rest.split(" ", 2);
          try {
            outcome = Outcome.valueOf(parts[0]);
          } catch (IllegalArgumentException e) {
            throw bad(source, n, "unknown outcome '" + parts[0] + "'");
          }
          if (outcome != Outcome.INVARIANT_VIOLATED && outcome != Outcome.GOAL_FOUND) {
            throw bad(source, n, "a trace ends in a violation or a goal, not " + outcome);
          }
          if (parts.length < 2 || parts[1].isBlank()) {
            throw bad(source, n, "'outcome' needs the predicate's name after " + outcome);
          }
          predicate = parts[1].strip();
        }
        case "phase" -> {
          if (search == null || broken == null || outcome == null) {
            throw bad(source, n, "'search', 'broken' and 'outcome' must come before the phases");
          }
          if (events != null) {
            phases.add(new PhaseEvents(phaseName, events));
          }
          String[] parts = rest.split(" ", 2);
          if (!parts[0].equals(String.valueOf(phases.size() + 1)) || parts.length < 2) {
            throw bad(source, n, "expected 'phase " + (phases.size() + 1) + " NAME'");
          }
          phaseName = parts[1].strip();
          events = new ArrayList<>();
        }
        case "event" -> {
          if (events == null) {
            throw bad(source, n, "an event before the first phase");
          }
          String event = CHOICE.matcher(rest).replaceFirst("");
          if (!event.startsWith("deliver ") && !event.startsWith("timer ")) {
            throw bad(
                source, n, "an event is 'deliver FROM -> TO: MESSAGE' or 'timer NODE: TIMER'");
          }
          events.add(rest);
        }
        case "end" -> end = true;
        default -> throw bad(source, n, "unknown line '" + abbreviate(line) + "'");
      }
    }
    if (!header) {
      throw bad(source, 1, "empty: not a pbkv check trace");
    }
    if (!end) {
      throw new IllegalArgumentException(source + ": truncated (no 'end' line)");
    }
    if (events == null) {
      throw new IllegalArgumentException(source + ": no phases");
    }
    phases.add(new PhaseEvents(phaseName, events));
    return new CheckTrace(search, broken, outcome, predicate, phases);
  }

  private static Set<RuleSwitch> rules(String text, String source, int n) {
    Set<RuleSwitch> out = EnumSet.noneOf(RuleSwitch.class);
    if (text.equals("-")) {
      return out;
    }
    for (String name : text.split("\\s+")) {
      try {
        out.add(RuleSwitch.valueOf(name.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw bad(source, n, "unknown rule switch '" + name + "'");
      }
    }
    return out;
  }

  private static IllegalArgumentException bad(String source, int line, String message) {
    return new IllegalArgumentException(source + " line " + line + ": " + message);
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  // --- replay -----------------------------------------------------------------------------------

  /** One phase as replayed: its name, settings and events. */
  public record ReplayedPhase(String name, SearchSettings settings, List<Event> events) {}

  /**
   * A replay: the initial and the last state, the phases, and whether the last state breaks the
   * recorded invariant (or reaches the recorded goal) again.
   */
  public record Replay(
      CheckTrace trace,
      SearchState initial,
      SearchState end,
      List<ReplayedPhase> phases,
      boolean reproduced) {

    /** The events of all phases. */
    public List<Event> events() {
      List<Event> out = new ArrayList<>();
      phases.forEach(p -> out.addAll(p.events()));
      return out;
    }

    /** One line: what the last state shows. */
    public String verdict() {
      boolean violation = trace.outcome() == Outcome.INVARIANT_VIOLATED;
      String verb = violation ? "break" : "reach";
      return (reproduced ? "reproduced" : "NOT reproduced")
          + ": after "
          + events().size()
          + " events the last state "
          + (reproduced ? verb + "s" : "does not " + verb)
          + " '"
          + trace.predicate()
          + "'";
    }
  }

  /**
   * Runs the trace again on {@code scenario}'s system with the recorded rules broken: every event
   * must be enabled under its phase's settings (stopped nodes, cut links), every setup phase must
   * end in its goal; then the last state is checked against the recorded invariant or goal.
   *
   * @throws IllegalArgumentException with a one-line message if the trace does not fit the search
   */
  public Replay replay(SearchScenario scenario) {
    if (!scenario.name().equals(search)) {
      throw new IllegalArgumentException(
          "this is a trace of search '" + search + "', not of '" + scenario.name() + "'");
    }
    if (phases.size() != scenario.phases().size()) {
      throw new IllegalArgumentException(
          "the trace has "
              + phases.size()
              + " phases; search '"
              + search
              + "' has "
              + scenario.phases().size());
    }
    SearchState initial = scenario.system().apply(broken).initialState();
    SearchState s = initial;
    List<ReplayedPhase> replayed = new ArrayList<>();
    int number = 0;
    for (int i = 0; i < phases.size(); i++) {
      SearchScenario.Phase phase = scenario.phases().get(i);
      PhaseEvents recorded = phases.get(i);
      if (!phase.name().equals(recorded.name())) {
        throw new IllegalArgumentException(
            "phase "
                + (i + 1)
                + " is '"
                + recorded.name()
                + "' in the trace but '"
                + phase.name()
                + "' in search '"
                + search
                + "'");
      }
      SearchSettings settings = phase.settings().get();
      List<Event> events = new ArrayList<>();
      for (String text : recorded.events()) {
        number++;
        Event e = find(s, settings, text);
        if (e == null) {
          throw new IllegalArgumentException(
              "event " + number + " (phase " + (i + 1) + ") is not enabled: " + text);
        }
        s = s.step(e);
        events.add(e);
      }
      boolean last = i == phases.size() - 1;
      if (!last && settings.reached(s) == null) {
        throw new IllegalArgumentException(
            "setup phase " + (i + 1) + " (" + phase.name() + ") does not end in its goal");
      }
      replayed.add(new ReplayedPhase(phase.name(), settings, events));
      if (last) {
        return new Replay(this, initial, s, replayed, reproduces(settings, s));
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private boolean reproduces(SearchSettings settings, SearchState end) {
    List<StatePredicate> candidates =
        outcome == Outcome.INVARIANT_VIOLATED ? settings.invariants() : settings.goals();
    for (StatePredicate p : candidates) {
      if (p.name().equals(predicate)) {
        return outcome == Outcome.INVARIANT_VIOLATED ? !p.holds(end) : p.holds(end);
      }
    }
    throw new IllegalArgumentException(
        "search '"
            + search
            + "' has no "
            + (outcome == Outcome.INVARIANT_VIOLATED ? "invariant" : "goal")
            + " named '"
            + predicate
            + "' in its last phase");
  }

  private static final Pattern CHOICE = Pattern.compile("^\\((\\d+)/(\\d+)\\) ");

  /** The enabled event {@code line} names (see {@link #line}), or null. */
  private static Event find(SearchState s, SearchSettings settings, String line) {
    Matcher m = CHOICE.matcher(line);
    int k = 1;
    String text = line;
    if (m.find()) {
      k = Integer.parseInt(m.group(1));
      text = line.substring(m.end());
    }
    List<Event> same = same(s, settings, text);
    return k >= 1 && k <= same.size() ? same.get(k - 1) : null;
  }
}
