package dev.pbkv.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An {@link Effects} for unit tests: records every send and every timer, in order, so a test can
 * deliver one message or fire one timer to a node and then assert exactly what the node asked for.
 * Nothing is delivered anywhere.
 */
public final class RecordingEffects implements Effects {

  /** One recorded send. */
  public record Sent(Address to, Message msg) {}

  /** One recorded timer. */
  public record TimerSet(Timer timer, long minMillis, long maxMillis) {}

  private final List<Sent> sent = new ArrayList<>();
  private final List<TimerSet> timers = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  @Override
  public void warn(String line) {
    warnings.add(Objects.requireNonNull(line, "line"));
  }

  /** Every warning since the last {@link #clear()}, in order. */
  public List<String> warnings() {
    return List.copyOf(warnings);
  }

  @Override
  public void send(Address to, Message msg) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(msg, "msg");
    sent.add(new Sent(to, msg));
  }

  @Override
  public void setTimer(Timer timer, long minMillis, long maxMillis) {
    Objects.requireNonNull(timer, "timer");
    if (minMillis < 0 || maxMillis < minMillis) {
      throw new IllegalArgumentException(
          "bad timer bounds [" + minMillis + ", " + maxMillis + "] for " + timer);
    }
    timers.add(new TimerSet(timer, minMillis, maxMillis));
  }

  /** Every send since the last {@link #clear()}, in order. */
  public List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** The messages sent to {@code to}, in order. */
  public List<Message> sentTo(Address to) {
    List<Message> out = new ArrayList<>();
    for (Sent s : sent) {
      if (s.to().equals(to)) {
        out.add(s.msg());
      }
    }
    return out;
  }

  /** The messages of type {@code type} sent to anyone, in order. */
  public <T extends Message> List<T> messages(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Sent s : sent) {
      if (type.isInstance(s.msg())) {
        out.add(type.cast(s.msg()));
      }
    }
    return out;
  }

  /** The messages of type {@code type} sent to {@code to}, in order. */
  public <T extends Message> List<T> messagesTo(Address to, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (Sent s : sent) {
      if (s.to().equals(to) && type.isInstance(s.msg())) {
        out.add(type.cast(s.msg()));
      }
    }
    return out;
  }

  /** The one message of type {@code type} sent to {@code to}; fails if there is not exactly one. */
  public <T extends Message> T single(Address to, Class<T> type) {
    List<T> found = messagesTo(to, type);
    if (found.size() != 1) {
      throw new AssertionError(
          "expected exactly one "
              + type.getSimpleName()
              + " to "
              + to
              + " but found "
              + found.size()
              + "; all sends: "
              + sent);
    }
    return found.get(0);
  }

  /** True if nothing was sent since the last {@link #clear()}. */
  public boolean nothingSent() {
    return sent.isEmpty();
  }

  /** Every timer set since the last {@link #clear()}, in order. */
  public List<TimerSet> timers() {
    return List.copyOf(timers);
  }

  /** The timers of type {@code type} set since the last {@link #clear()}, in order. */
  public <T extends Timer> List<T> timers(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (TimerSet t : timers) {
      if (type.isInstance(t.timer())) {
        out.add(type.cast(t.timer()));
      }
    }
    return out;
  }

  /** Forgets everything recorded so far. */
  public void clear() {
    warnings.clear();
    sent.clear();
    timers.clear();
  }

  @Override
  public String toString() {
    return "RecordingEffects[sent=" + sent + ", timers=" + timers + "]";
  }
}
