package dev.pbkv.sim;

import dev.pbkv.history.History;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records a simulation as a {@link Trace}: every event stamped by {@link LogicalClocks}, plus the
 * annotations a reader needs — lost messages, view changes and client calls and returns — each
 * carrying the stamp of the node's event it belongs to.
 *
 * <p>Attach it with {@link #attach(Simulation)} before any node is added.
 */
public final class TraceRecorder implements SimListener {
  private record Annotation(
      int afterEvent,
      TraceEvent.Kind kind,
      String peer,
      String messageId,
      String label,
      String detail,
      Address node) {}

  private final LogicalClocks clocks;
  private final List<Annotation> annotations = new ArrayList<>();
  private final Map<Address, String> pendingCalls = new HashMap<>();
  private final Map<Address, Long> viewSeen = new HashMap<>();
  private final Map<Long, String> labels = new HashMap<>(); // message id -> label

  private TraceRecorder(LogicalClocks clocks) {
    this.clocks = clocks;
  }

  /** Records {@code sim} from now on (attaches its own {@link LogicalClocks} first). */
  public static TraceRecorder attach(Simulation sim) {
    TraceRecorder r = new TraceRecorder(LogicalClocks.attach(sim));
    sim.addListener(r);
    return r;
  }

  /** Also records client calls and returns from {@code history}. */
  public TraceRecorder recordCalls(History history) {
    history.addListener(this::onOp);
    return this;
  }

  private void onOp(HistoryOp op) {
    Address client = Address.of(op.client());
    if (op.isIndeterminate()) {
      pendingCalls.put(client, "call: " + op.command());
    } else {
      annotate(client, TraceEvent.Kind.RETURN, null, null, "return: " + op.result(), op.toString());
    }
  }

  private int latestEventOf(Address node) {
    List<LogicalClocks.Event> events = clocks.events();
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).node().equals(node)) {
        return i;
      }
    }
    return -1;
  }

  private void annotate(
      Address node,
      TraceEvent.Kind kind,
      Address peer,
      String messageId,
      String label,
      String detail) {
    int at = latestEventOf(node);
    if (at >= 0) {
      annotations.add(
          new Annotation(
              at, kind, peer == null ? null : peer.name(), messageId, label, detail, node));
    }
  }

  private void flushCall(Address node) {
    String call = pendingCalls.remove(node);
    if (call != null) {
      annotate(node, TraceEvent.Kind.CALL, null, null, call, call);
    }
  }

  @Override
  public void onSend(long micros, long id, Address from, Address to, Message msg) {
    labels.put(id, msg.label());
    flushCall(from);
  }

  @Override
  public void onDrop(long micros, long id, Address from, Address to, Message msg, String reason) {
    LogicalClocks.Event send = clocks.sendOf(id);
    if (send != null) {
      annotations.add(
          new Annotation(
              send.index(),
              TraceEvent.Kind.DROP,
              to.name(),
              "m" + id,
              msg.label(),
              "lost: " + reason,
              from));
    }
  }

  @Override
  public void onHandled(long micros, Address address, Node node) {
    flushCall(address);
    if (node instanceof ViewServer vs) {
      View v = vs.view();
      Long before = viewSeen.put(address, v.viewNum());
      if (before == null || before != v.viewNum()) {
        if (v.viewNum() > 0) {
          annotate(address, TraceEvent.Kind.VIEW, null, null, "view " + v, "new view " + v);
        }
      }
    } else if (node instanceof PbServer s) {
      View v = s.view();
      Long before = viewSeen.put(address, v.viewNum());
      if ((before == null || before != v.viewNum()) && v.viewNum() > 0) {
        String role = s.isPrimary() ? "primary" : s.isBackup() ? "backup" : "idle";
        annotate(
            address,
            TraceEvent.Kind.VIEW,
            null,
            null,
            "view " + v.viewNum() + ": " + role,
            address + " learns view " + v + " and is " + role);
      }
    }
  }

  @Override
  public void onFault(long micros, String description) {
    // crashes, pauses and resumes are events of LogicalClocks; other faults are not node events
  }

  /** The trace so far. */
  public Trace trace() {
    List<LogicalClocks.Event> events = clocks.events();
    List<TraceEvent> out = new ArrayList<>(events.size() + annotations.size());
    int next = 0;
    List<Annotation> sorted = new ArrayList<>(annotations);
    sorted.sort((a, b) -> Integer.compare(a.afterEvent(), b.afterEvent()));
    for (LogicalClocks.Event e : events) {
      out.add(convert(e));
      while (next < sorted.size() && sorted.get(next).afterEvent() == e.index()) {
        Annotation a = sorted.get(next++);
        out.add(
            new TraceEvent(
                a.node().name(),
                a.kind(),
                e.lamport(),
                clockMap(e),
                e.micros(),
                a.messageId(),
                a.peer(),
                a.label(),
                a.detail()));
      }
    }
    return new Trace(Trace.VIRTUAL, out);
  }

  private TraceEvent convert(LogicalClocks.Event e) {
    TraceEvent.Kind kind =
        switch (e.kind()) {
          case SEND -> TraceEvent.Kind.SEND;
          case RECEIVE -> TraceEvent.Kind.RECEIVE;
          case TIMER -> TraceEvent.Kind.TIMER;
          case CRASH -> TraceEvent.Kind.CRASH;
          case PAUSE -> TraceEvent.Kind.PAUSE;
          case RESUME -> TraceEvent.Kind.RESUME;
          case RESTART -> TraceEvent.Kind.RESTART;
          case START, INVOKE -> TraceEvent.Kind.NOTE;
        };
    String label =
        switch (e.kind()) {
          case SEND, RECEIVE -> labels.getOrDefault(e.messageId(), shortLabel(e.detail()));
          case TIMER -> shortLabel(e.detail());
          case START -> "";
          case INVOKE -> "";
          default -> e.kind().name().toLowerCase(java.util.Locale.ROOT);
        };
    return new TraceEvent(
        e.node().name(),
        kind,
        e.lamport(),
        clockMap(e),
        e.micros(),
        e.messageId() == null ? null : "m" + e.messageId(),
        e.peer() == null ? null : e.peer().name(),
        label,
        e.detail());
  }

  private static Map<String, Long> clockMap(LogicalClocks.Event e) {
    return e.vector().asMap();
  }

  /** The record's name and its first fields, from a message's or timer's text. */
  private static String shortLabel(String text) {
    if (text == null) {
      return "";
    }
    int paren = text.indexOf('[');
    String name = paren > 0 ? text.substring(0, paren) : text;
    return name.length() > 40 ? name.substring(0, 40) + "…" : name;
  }
}
