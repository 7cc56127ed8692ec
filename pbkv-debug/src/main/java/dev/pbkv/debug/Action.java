package dev.pbkv.debug;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Commands;
import dev.pbkv.node.Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One step the debugger takes on the real nodes: a delivery, a loss, a duplicate, a timer, a fault
 * or a client call. Each action has a one-line text form ({@link #text()}) that {@link #parse}
 * reads back: a saved session is its start point and these lines.
 *
 * <pre>
 * deliver m12          drop m12          duplicate m12
 * fire A: PingTick[]   (the first pending timer of A that prints exactly so)
 * start A   crash A   pause A   resume A
 * links A&gt;vs vs&gt;A   (the links that are cut, one way each; "links -" heals everything)
 * submit c1 put x 2
 * </pre>
 */
public sealed interface Action {
  /** Longest action text {@link #parse} accepts. */
  int MAX_TEXT = 2000;

  /** The line that {@link #parse} reads back. */
  String text();

  /** Delivers one copy of message {@code id} (it is consumed). */
  record Deliver(long id) implements Action {
    @Override
    public String text() {
      return "deliver m" + id;
    }
  }

  /** Loses one copy of message {@code id}. */
  record Drop(long id) implements Action {
    @Override
    public String text() {
      return "drop m" + id;
    }
  }

  /** Adds one more copy of message {@code id} to the network (it will arrive twice). */
  record Duplicate(long id) implements Action {
    @Override
    public String text() {
      return "duplicate m" + id;
    }
  }

  /** Fires the first pending timer of {@code node} whose text is {@code timer}. */
  record Fire(Address node, String timer) implements Action {
    @Override
    public String text() {
      return "fire " + node + ": " + timer;
    }
  }

  /** Starts a node that is not running: its first start, or a restart with fresh state. */
  record Start(Address node) implements Action {
    @Override
    public String text() {
      return "start " + node;
    }
  }

  /** Stops a node and discards its state and timers. */
  record Crash(Address node) implements Action {
    @Override
    public String text() {
      return "crash " + node;
    }
  }

  /** Stops a node with its state: it handles nothing until resumed (a "zombie"). */
  record Pause(Address node) implements Action {
    @Override
    public String text() {
      return "pause " + node;
    }
  }

  /** A paused node runs again with its old state. */
  record Resume(Address node) implements Action {
    @Override
    public String text() {
      return "resume " + node;
    }
  }

  /** From now on exactly these one-way links are cut (a partition); empty heals everything. */
  record Links(Set<Link> cut) implements Action {
    public Links {
      cut = Collections.unmodifiableSet(new TreeSet<>(cut));
    }

    @Override
    public String text() {
      if (cut.isEmpty()) {
        return "links -";
      }
      List<String> parts = new ArrayList<>();
      cut.forEach(l -> parts.add(l.toString()));
      return "links " + String.join(" ", parts);
    }
  }

  /** A client calls {@code command} (an input from outside the system). */
  record Submit(Address client, Command command) implements Action {
    @Override
    public String text() {
      return "submit " + client + " " + command; // Command.toString is its text form
    }
  }

  /** A one-way link. */
  record Link(Address from, Address to) implements Comparable<Link> {
    @Override
    public int compareTo(Link o) {
      int c = from.compareTo(o.from);
      return c != 0 ? c : to.compareTo(o.to);
    }

    @Override
    public String toString() {
      return from + ">" + to;
    }
  }

  /**
   * Reads an action's text.
   *
   * @throws IllegalArgumentException with a one-line message if it is not an action
   */
  static Action parse(String line) {
    if (line == null || line.isBlank()) {
      throw new IllegalArgumentException("empty action");
    }
    if (line.length() > MAX_TEXT) {
      throw new IllegalArgumentException("action longer than " + MAX_TEXT + " characters");
    }
    String text = line.strip();
    int space = text.indexOf(' ');
    String verb = space < 0 ? text : text.substring(0, space);
    String rest = space < 0 ? "" : text.substring(space + 1).strip();
    switch (verb) {
      case "deliver":
        return new Deliver(messageId(rest));
      case "drop":
        return new Drop(messageId(rest));
      case "duplicate":
        return new Duplicate(messageId(rest));
      case "fire":
        {
          int colon = rest.indexOf(": ");
          if (colon <= 0) {
            throw new IllegalArgumentException(
                "expected 'fire NODE: TIMER', got '" + cut(text) + "'");
          }
          return new Fire(address(rest.substring(0, colon)), rest.substring(colon + 2));
        }
      case "start":
        return new Start(address(rest));
      case "crash":
        return new Crash(address(rest));
      case "pause":
        return new Pause(address(rest));
      case "resume":
        return new Resume(address(rest));
      case "links":
        {
          Set<Link> links = new TreeSet<>();
          if (!rest.equals("-")) {
            for (String part : rest.split("\\s+")) {
              String[] ends = part.split(">", -1);
              if (ends.length != 2) {
                throw new IllegalArgumentException(
                    "a cut link is FROM>TO, got '" + cut(part) + "'");
              }
              links.add(new Link(address(ends[0]), address(ends[1])));
            }
          }
          return new Links(links);
        }
      case "submit":
        {
          List<String> words = Arrays.asList(rest.split("\\s+"));
          if (rest.isEmpty() || words.size() < 2) {
            throw new IllegalArgumentException("expected 'submit CLIENT COMMAND…'");
          }
          return new Submit(address(words.get(0)), Commands.parse(words.subList(1, words.size())));
        }
      default:
        throw new IllegalArgumentException(
            "unknown action '"
                + cut(verb)
                + "'; expected deliver, drop, duplicate, fire, start, crash, pause, resume,"
                + " links or submit");
    }
  }

  private static long messageId(String s) {
    if (!s.matches("m\\d{1,18}")) {
      throw new IllegalArgumentException("expected a message id like m12, got '" + cut(s) + "'");
    }
    return Long.parseLong(s.substring(1));
  }

  private static Address address(String s) {
    if (s.isBlank() || s.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("expected a node name, got '" + cut(s) + "'");
    }
    return Address.of(s);
  }

  private static String cut(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
