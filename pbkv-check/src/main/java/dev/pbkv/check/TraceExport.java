package dev.pbkv.check;

import dev.pbkv.clock.LamportClock;
import dev.pbkv.clock.VectorClock;
import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import dev.pbkv.trace.TraceEvent.Kind;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a replayed model-checker trace into a {@link Trace} (JSON Lines, space-time diagram),
 * stamped like the simulator's traces (see {@code LogicalClocks}): every node event ticks the
 * node's Lamport and vector clocks, a receive first merges the stamp of the message's send; {@code
 * VIEW}, {@code CALL} and {@code RETURN} carry the stamp of the event they annotate.
 *
 * <p>The model has no time, so an event's {@code micros} is its number in the trace times 1000: the
 * real-time layout shows the order of the trace. A delivered message stays in flight in the model,
 * so one send may have several receives; a message never delivered is drawn without one. A node
 * stopped in a phase gets a {@code PAUSE} at the phase's start (and a {@code RESUME} when a later
 * phase runs it again). A reproduced violation is marked at the last event with a {@code VIOLATION}
 * (the invariant, the verdict, the clients' ops and results and the servers' state); otherwise a
 * {@code NOTE} with the verdict follows the last event.
 */
public final class TraceExport {
  private final Map<Address, LamportClock> lamport = new HashMap<>();
  private final Map<Address, VectorClock> vector = new HashMap<>();
  private final Map<Envelope, String> lastSend = new HashMap<>();
  private final Map<String, TraceEvent> sends = new HashMap<>();
  private final Map<Address, Long> viewSeen = new HashMap<>();
  private final List<TraceEvent> out = new ArrayList<>();
  private long messages;
  private long micros;

  private TraceExport() {}

  /** The trace of {@code replay}, from the initial state. */
  public static Trace of(CheckTrace.Replay replay) {
    return new TraceExport().export(replay);
  }

  private Trace export(CheckTrace.Replay replay) {
    SearchState s = replay.initial();
    for (Address a : s.addresses()) {
      tick(a, Kind.NOTE, null, null, "start", "initial state of " + a);
      for (Envelope e : s.network()) {
        if (e.from().equals(a)) {
          send(e);
        }
      }
      annotate(null, s, a);
    }
    List<Address> stopped = List.of();
    int number = 0;
    for (int p = 0; p < replay.phases().size(); p++) {
      CheckTrace.ReplayedPhase phase = replay.phases().get(p);
      micros += 1000;
      List<Address> nowStopped = new ArrayList<>();
      for (Address a : s.addresses()) {
        if (phase.settings().isStopped(a)) {
          nowStopped.add(a);
          if (!stopped.contains(a)) {
            tick(a, Kind.PAUSE, null, null, "stopped", "stopped in phase " + (p + 1));
          }
        } else if (stopped.contains(a)) {
          tick(a, Kind.RESUME, null, null, "runs again", "runs again in phase " + (p + 1));
        }
      }
      stopped = nowStopped;
      String where = "phase " + (p + 1) + " (" + phase.name() + "), event ";
      for (Event e : phase.events()) {
        number++;
        micros += 1000;
        List<Envelope> sent = new ArrayList<>();
        SearchState next = s.step(e, sent);
        Address a = e.node();
        if (e instanceof Event.Deliver d) {
          receive(d.envelope(), where + number + ": " + e);
        } else {
          Event.Fire f = (Event.Fire) e;
          tick(
              a,
              Kind.TIMER,
              null,
              null,
              shortName(f.timer().timer().toString()),
              where + number + ": " + e);
        }
        for (Envelope m : sent) {
          send(m);
        }
        annotate(s, next, a);
        s = next;
      }
    }
    Address last =
        replay.events().isEmpty()
            ? s.addresses().get(0)
            : replay.events().get(replay.events().size() - 1).node();
    if (replay.reproduced() && replay.trace().outcome() == Outcome.INVARIANT_VIOLATED) {
      // The last event broke the invariant: mark it there, with the state that shows why.
      mark(
          last,
          Kind.VIOLATION,
          replay.trace().predicate(),
          replay.verdict() + "\n" + explain(replay.end()));
    } else {
      tick(last, Kind.NOTE, null, null, replay.verdict(), replay.verdict());
    }
    return new Trace(Trace.VIRTUAL, out);
  }

  /**
   * What the clients saw and what the servers hold, in words: enough to see why an invariant over
   * results or stores broke.
   */
  static String explain(SearchState s) {
    StringBuilder sb = new StringBuilder("the clients' ops, in each client's order:");
    java.util.TreeSet<String> keys = new java.util.TreeSet<>();
    for (CheckClient c : s.clients()) {
      for (int i = 0; i < c.submitted(); i++) {
        Object r = c.result(i);
        sb.append("\n  ")
            .append(c.address())
            .append(": ")
            .append(c.workload().get(i))
            .append(" -> ")
            .append(r == null ? "(no answer yet)" : r);
        keys.add(c.workload().get(i).key());
      }
    }
    sb.append("\nthe servers' state:");
    ViewServer vs = s.viewServer();
    sb.append("\n  view service: view ").append(vs.view()).append(vs.isAcked() ? " (acked)" : "");
    for (PbServer server : s.servers()) {
      sb.append("\n  ").append(server.address()).append(": view ").append(server.view().viewNum());
      sb.append(server.isPrimary() ? " primary" : server.isBackup() ? " backup" : " idle");
      for (String k : keys) {
        String v = server.valueOf(k);
        sb.append(", ").append(k).append(" = ").append(v == null ? "(absent)" : "\"" + v + "\"");
      }
    }
    return sb.toString();
  }

  private void send(Envelope e) {
    String id = "m" + ++messages;
    lastSend.put(e, id);
    TraceEvent ev = tick(e.from(), Kind.SEND, id, e.to(), e.message().label(), e.toString());
    sends.put(id, ev);
  }

  private void receive(Envelope e, String detail) {
    Address a = e.to();
    String id = lastSend.get(e);
    TraceEvent send = id == null ? null : sends.get(id);
    LamportClock l = lamport.computeIfAbsent(a, x -> new LamportClock(x.name()));
    VectorClock v = vector.getOrDefault(a, VectorClock.EMPTY);
    if (send == null) {
      l.tick();
    } else {
      l.receive(send.lamport());
      v = v.merge(VectorClock.of(send.clock()));
    }
    v = v.increment(a.name());
    vector.put(a, v);
    out.add(
        new TraceEvent(
            a.name(),
            Kind.RECEIVE,
            l.time(),
            v.asMap(),
            micros,
            id,
            e.from().name(),
            e.message().label(),
            detail));
  }

  private TraceEvent tick(Address a, Kind kind, String id, Address peer, String label, String d) {
    LamportClock l = lamport.computeIfAbsent(a, x -> new LamportClock(x.name()));
    l.tick();
    VectorClock v = vector.getOrDefault(a, VectorClock.EMPTY).increment(a.name());
    vector.put(a, v);
    TraceEvent ev =
        new TraceEvent(
            a.name(),
            kind,
            l.time(),
            v.asMap(),
            micros,
            id,
            peer == null ? null : peer.name(),
            label,
            d);
    out.add(ev);
    return ev;
  }

  /** VIEW, CALL and RETURN for what changed at {@code a} (null {@code before}: its start). */
  private void annotate(SearchState before, SearchState after, Address a) {
    Node n = after.node(a);
    View view =
        RestartableViewServer.unwrap(n) instanceof ViewServer vs
            ? vs.view()
            : n instanceof PbServer ps ? ps.view() : null;
    if (view != null && view.viewNum() > 0) {
      Long seen = viewSeen.put(a, view.viewNum());
      if (seen == null || seen != view.viewNum()) {
        String label =
            n instanceof PbServer ps ? "view " + view.viewNum() + ": " + role(ps) : "view " + view;
        mark(a, Kind.VIEW, label, a + " in view " + view);
      }
    }
    if (n instanceof CheckClient c) {
      CheckClient b = before == null ? null : before.client(a);
      int doneBefore = b == null ? 0 : b.completed();
      for (int i = doneBefore; i < c.completed(); i++) {
        mark(a, Kind.RETURN, "return: " + c.result(i), c.workload().get(i) + " -> " + c.result(i));
      }
      int calledBefore = b == null ? 0 : b.submitted();
      for (int i = calledBefore; i < c.submitted(); i++) {
        mark(a, Kind.CALL, "call: " + c.workload().get(i), "call: " + c.workload().get(i));
      }
    }
  }

  private static String role(PbServer s) {
    return s.isPrimary() ? "primary" : s.isBackup() ? "backup" : "idle";
  }

  /** An annotation with the stamp of the node's last event (no tick). */
  private void mark(Address a, Kind kind, String label, String detail) {
    LamportClock l = lamport.computeIfAbsent(a, x -> new LamportClock(x.name()));
    VectorClock v = vector.getOrDefault(a, VectorClock.EMPTY);
    out.add(new TraceEvent(a.name(), kind, l.time(), v.asMap(), micros, null, null, label, detail));
  }

  private static String shortName(String text) {
    int bracket = text.indexOf('[');
    return bracket > 0 ? text.substring(0, bracket) : text;
  }
}
