package dev.pbkv.debug;

import dev.pbkv.check.TimerEntry;
import dev.pbkv.node.Address;
import dev.pbkv.trace.DiagramRenderer;
import dev.pbkv.trace.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the page shows of a session, as one JSON object: the current state's nodes, messages in
 * flight and timers with what can be done to each, the invariants, the plan and its story, the path
 * with its branches, and the space-time diagram's data.
 */
final class StateView {
  private StateView() {}

  static Map<String, Object> of(Session session) {
    World w = session.world();
    Start start = session.start();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("title", start.title());
    out.put("summary", start.summary());
    out.put("state", session.current().id());
    out.put("step", w.step());
    out.put("states", session.nodes().size());

    // the invariants, and the first violation on the way here
    List<Map<String, Object>> inv = new ArrayList<>();
    for (String name : Invariants.NAMES) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("ok", !w.broken().containsKey(name));
      m.put("why", w.broken().get(name));
      inv.add(m);
    }
    out.put("invariants", inv);
    World.Violation v = w.violation();
    if (v != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("invariant", v.invariant());
      m.put("explanation", v.explanation());
      m.put("step", v.step());
      m.put("node", v.node().name());
      out.put("violation", m);
    }

    // messages in flight
    List<Map<String, Object>> messages = new ArrayList<>();
    List<Map<String, Object>> pending = new ArrayList<>();
    for (Map.Entry<Long, Integer> e : w.inFlight().entrySet()) {
      World.Sent s = w.sent(e.getKey());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", "m" + s.id());
      m.put("label", s.envelope().message().label());
      m.put("from", s.envelope().from().name());
      m.put("to", s.envelope().to().name());
      m.put("copies", e.getValue());
      m.put("detail", cut(s.envelope().toString()));
      m.put("refusal", w.refusal(new Action.Deliver(s.id())));
      messages.add(m);
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("m", "m" + s.id());
      p.put("to", s.envelope().to().name());
      p.put("copies", e.getValue());
      pending.add(p);
    }
    out.put("messages", messages);

    // timers and nodes
    List<Map<String, Object>> timers = new ArrayList<>();
    List<Map<String, Object>> nodes = new ArrayList<>();
    for (Cast.Member member : w.cast().members()) {
      Address a = member.address();
      World.Status status = w.status(a);
      List<TimerEntry> ts = w.timers(a);
      for (int j = 0; j < ts.size(); j++) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("node", a.name());
        t.put("text", ts.get(j).timer().toString());
        t.put(
            "bounds",
            ts.get(j).minMillis()
                + (ts.get(j).minMillis() == ts.get(j).maxMillis()
                    ? ""
                    : ".." + ts.get(j).maxMillis())
                + " ms");
        t.put("due", w.isDue(a, j));
        t.put(
            "refusal",
            status == World.Status.UP
                ? null
                : a + " is " + status.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        timers.add(t);
      }
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("name", a.name());
      n.put("role", member.role().name());
      n.put("status", status.name());
      n.put("boot", w.bootId(a));
      n.put("lamport", w.lamport(a));
      n.put("vector", w.vector(a).asMap());
      n.put("headline", NodeInspector.headline(w.node(a), status));
      n.put("state", NodeInspector.state(w.node(a)));
      n.put(
          "canSubmit",
          status == World.Status.UP && w.node(a) instanceof DebugClient c && !c.isWaiting());
      nodes.add(n);
    }
    out.put("timers", timers);
    out.put("nodes", nodes);
    List<String> links = new ArrayList<>();
    w.cutLinks().forEach(l -> links.add(l.toString()));
    out.put("cut", links);

    // the plan and its story
    Plan plan = start.plan();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("total", plan.steps().size());
    int index = session.current().planIndex();
    p.put("index", index);
    int told = index;
    for (Session.Node x = session.current(); told < 0 && x != null; x = x.parent()) {
      told = x.planIndex(); // off the plan: the story up to where the path left it
    }
    p.put("told", told);
    Plan.PlanStep next = session.nextPlanned();
    if (next != null) {
      p.put("next", next.action().text());
      p.put("nextText", describe(w, next.action()));
    }
    List<Map<String, Object>> story = new ArrayList<>();
    for (Plan.Line line : plan.story()) {
      Map<String, Object> l = new LinkedHashMap<>();
      l.put("after", line.afterSteps());
      l.put("text", line.text());
      story.add(l);
    }
    p.put("story", story);
    out.put("plan", p);

    // the path from the start, with the branches at each state
    List<Map<String, Object>> path = new ArrayList<>();
    List<Session.Node> nodesOnPath = session.path();
    for (int i = 0; i < nodesOnPath.size(); i++) {
      Session.Node x = nodesOnPath.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", x.id());
      m.put("step", x.world().step());
      m.put(
          "text",
          x.parent() == null ? "(start)" : describe(x.parent().world(), x.world().action()));
      m.put("onPlan", x.planIndex() >= 0);
      m.put(
          "violation",
          x.world().violation() != null
              && (x.parent() == null || x.parent().world().violation() == null));
      Session.Node onPath = i + 1 < nodesOnPath.size() ? nodesOnPath.get(i + 1) : null;
      List<Map<String, Object>> others = new ArrayList<>();
      for (Session.Node c : x.children()) {
        if (c != onPath) {
          Map<String, Object> o = new LinkedHashMap<>();
          o.put("id", leaf(c).id());
          o.put("text", describe(x.world(), c.world().action()));
          others.add(o);
        }
      }
      m.put("branches", others);
      path.add(m);
    }
    out.put("path", path);
    out.put("canRedo", session.current().children().size() > 0);

    Map<String, Object> trace = DiagramRenderer.data(new Trace(Trace.VIRTUAL, w.trace()));
    trace.put("pending", pending);
    out.put("trace", trace);
    return out;
  }

  /** The last state along the branch that starts at {@code n} (where going there lands). */
  private static Session.Node leaf(Session.Node n) {
    Session.Node x = n;
    while (!x.children().isEmpty()) {
      x = x.lastChild != null ? x.lastChild : x.children().get(x.children().size() - 1);
    }
    return x;
  }

  /** An action in words, in the state it is taken from. */
  static String describe(World w, Action a) {
    if (a instanceof Action.Deliver d) {
      return "deliver " + message(w, d.id());
    }
    if (a instanceof Action.Drop d) {
      return "drop " + message(w, d.id());
    }
    if (a instanceof Action.Duplicate d) {
      return "duplicate " + message(w, d.id());
    }
    return a.text();
  }

  private static String message(World w, long id) {
    World.Sent s = w.sent(id);
    return s == null
        ? "m" + id
        : "m"
            + id
            + " "
            + s.envelope().from()
            + " → "
            + s.envelope().to()
            + ": "
            + s.envelope().message().label();
  }

  private static String cut(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "…" : s;
  }
}
