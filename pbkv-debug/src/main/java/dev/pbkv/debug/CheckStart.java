package dev.pbkv.debug;

import dev.pbkv.check.CheckClient;
import dev.pbkv.check.CheckTrace;
import dev.pbkv.check.Envelope;
import dev.pbkv.check.Event;
import dev.pbkv.check.SearchScenario;
import dev.pbkv.check.SearchScenarios;
import dev.pbkv.check.SearchSettings;
import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.view.ViewServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * A saved model-checker trace ({@code pbkv check NAME --save-trace FILE}) as a start point: the
 * search's system with the recorded rules broken, every node started (the checker's initial state),
 * and the trace's events as the plan. A phase that stops a node pauses it; a phase's cut links are
 * cut. The checker keeps a delivered message in flight, so a message it delivers again is a
 * duplicate here, then a delivery.
 */
public final class CheckStart {
  private CheckStart() {}

  /**
   * The start point of {@code trace}.
   *
   * @throws IllegalArgumentException with a one-line message if the trace does not fit its search
   */
  public static Start of(CheckTrace trace) {
    SearchScenario scenario = SearchScenarios.byName(trace.search());
    if (scenario == null) {
      throw new IllegalArgumentException(
          "the trace names an unknown search '" + trace.search() + "'");
    }
    CheckTrace.Replay replay = trace.replay(scenario); // checks that every event fits
    List<Cast.Member> members = new ArrayList<>();
    for (Map.Entry<Address, LongFunction<Node>> e :
        scenario.system().apply(trace.broken()).factories().entrySet()) {
      Node sample = e.getValue().apply(1);
      Cast.Role role =
          sample instanceof ViewServer
              ? Cast.Role.VIEW_SERVICE
              : sample instanceof PbServer
                  ? Cast.Role.SERVER
                  : sample instanceof CheckClient ? Cast.Role.CLIENT : Cast.Role.OTHER;
      members.add(new Cast.Member(e.getKey(), role, e.getValue()));
    }
    Cast cast = new Cast(members);
    World root = World.empty(cast);
    for (Cast.Member m : members) {
      root = root.apply(new Action.Start(m.address()), 0);
    }
    List<Plan.PlanStep> steps = new ArrayList<>();
    List<Plan.Line> story = new ArrayList<>();
    World w = root;
    Set<Address> stopped = Set.of();
    Set<Action.Link> cut = Set.of();
    long micros = 0;
    int number = 0;
    for (int p = 0; p < replay.phases().size(); p++) {
      CheckTrace.ReplayedPhase phase = replay.phases().get(p);
      SearchSettings settings = phase.settings();
      story.add(
          new Plan.Line(
              steps.size(),
              "phase " + (p + 1) + " of search " + trace.search() + ": " + phase.name()));
      Set<Address> nowStopped = new TreeSet<>();
      for (Cast.Member m : members) {
        if (settings.isStopped(m.address())) {
          nowStopped.add(m.address());
        }
      }
      for (Cast.Member m : members) {
        Address a = m.address();
        if (nowStopped.contains(a) && !stopped.contains(a)) {
          w = add(steps, w, new Action.Pause(a), micros += 1000, null);
        } else if (!nowStopped.contains(a) && stopped.contains(a)) {
          w = add(steps, w, new Action.Resume(a), micros += 1000, null);
        }
      }
      stopped = nowStopped;
      Set<Action.Link> links = new TreeSet<>();
      for (List<Address> l : settings.cutLinks()) {
        links.add(new Action.Link(l.get(0), l.get(1)));
      }
      if (!links.equals(cut)) {
        cut = links;
        w = add(steps, w, new Action.Links(links), micros += 1000, null);
      }
      for (Event e : phase.events()) {
        number++;
        if (e instanceof Event.Deliver d) {
          Envelope env = d.envelope();
          long id = inFlight(w, env);
          if (id < 0) {
            id = lastSent(w, env);
            if (id < 0) {
              throw new IllegalStateException("event " + number + ": never sent: " + env);
            }
            w = add(steps, w, new Action.Duplicate(id), micros += 1000, null);
          }
          w = add(steps, w, new Action.Deliver(id), micros += 1000, env.toString());
        } else {
          Event.Fire f = (Event.Fire) e;
          String timer = f.timer().timer().toString();
          w = add(steps, w, new Action.Fire(f.node(), timer), micros += 1000, timer);
        }
      }
    }
    story.add(new Plan.Line(steps.size(), "the model checker's verdict: " + replay.verdict()));
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("kind", "check");
    source.put("trace", trace.text());
    return new Start(
        "counterexample of pbkv check "
            + trace.search()
            + (trace.broken().isEmpty() ? "" : " — broken on purpose: " + trace.broken()),
        scenario.description()
            + "; the search found: "
            + trace.outcome()
            + " ("
            + trace.predicate()
            + ")",
        trace.broken(),
        root,
        new Plan(steps, story),
        source);
  }

  private static World add(
      List<Plan.PlanStep> steps, World w, Action a, long micros, String expect) {
    steps.add(new Plan.PlanStep(a, micros, expect));
    return w.apply(a, micros);
  }

  /** The oldest message in flight equal to {@code env}, or -1. */
  private static long inFlight(World w, Envelope env) {
    for (long id : w.inFlight().keySet()) {
      if (w.sent(id).envelope().equals(env)) {
        return id;
      }
    }
    return -1;
  }

  /** The newest message ever sent equal to {@code env}, or -1. */
  private static long lastSent(World w, Envelope env) {
    for (long id = w.lastId(); id >= 1; id--) {
      World.Sent s = w.sent(id);
      if (s != null && s.envelope().equals(env)) {
        return id;
      }
    }
    return -1;
  }
}
