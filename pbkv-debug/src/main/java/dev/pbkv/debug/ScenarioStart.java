package dev.pbkv.debug;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.client.PbClient;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.sim.Cluster;
import dev.pbkv.sim.SimClient;
import dev.pbkv.sim.SimListener;
import dev.pbkv.sim.Simulation;
import dev.pbkv.sim.scenario.Scenario;
import dev.pbkv.sim.scenario.ScenarioResult;
import dev.pbkv.sim.scenario.Scenarios;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * A scenario as a start point: the scenario runs once in the simulator, exactly as {@code pbkv
 * scenario NAME} runs it, and a listener writes down every delivery, loss, timer, fault and client
 * call as a debugger {@link Action}. The result is the scenario's cast and its run as a {@link
 * Plan}: the page steps through the very run the scenario narrates, and the user may leave it at
 * any step.
 *
 * <p>The debugger runs its own copies of the nodes, made by the same constructors with the same
 * configuration; each planned delivery and timer is compared with what the simulator handled
 * ({@link Plan.PlanStep#expect}), so a difference shows at the step where it appears.
 */
public final class ScenarioStart {
  private ScenarioStart() {}

  /** The start point of {@code scenario} with {@code seed} and {@code rules}. */
  public static Start of(Scenario scenario, long seed, Set<RuleSwitch> rules) {
    if (scenario.notInDebugger() != null) {
      throw new IllegalArgumentException(
          "the debugger cannot replay scenario "
              + scenario.name()
              + ": "
              + scenario.notInDebugger());
    }
    Recorder rec = new Recorder(rules);
    ScenarioResult result =
        Scenarios.run(
            scenario,
            seed,
            rules,
            rec::say,
            cluster -> {
              rec.sim = cluster.sim();
              cluster.sim().addListener(rec);
              cluster.history().addListener(rec::onOp);
            });
    rec.sync();
    List<String> verdict = new ArrayList<>();
    verdict.add(
        "the scenario's verdict: "
            + (result.passed()
                ? "correct — all " + result.checks().size() + " checks held"
                : result.failures().size() + " of " + result.checks().size() + " checks failed"));
    result.failures().forEach(c -> verdict.add("  failed: " + c));
    verdict.forEach(rec::say);
    Cast cast = new Cast(rec.members());
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("kind", "scenario");
    source.put("name", scenario.name());
    source.put("seed", seed);
    source.put("broken", new ArrayList<>(new TreeSet<>(rules.stream().map(Enum::name).toList())));
    return new Start(
        "scenario " + scenario.name() + (rules.isEmpty() ? "" : " — broken on purpose: " + rules),
        scenario.summary(),
        rules.isEmpty() ? Set.of() : EnumSet.copyOf(rules),
        World.empty(cast),
        new Plan(rec.steps, rec.story),
        source);
  }

  /** Turns the simulator's callbacks into actions. */
  private static final class Recorder implements SimListener {
    final Set<RuleSwitch> rules;
    Simulation sim;
    final List<Plan.PlanStep> steps = new ArrayList<>();
    final List<Plan.Line> story = new ArrayList<>();
    final LinkedHashMap<Address, Cast.Member> members = new LinkedHashMap<>();
    final Map<Address, Node> instances = new HashMap<>(); // lookups only
    final Map<Address, Boolean> paused = new HashMap<>(); // lookups only
    final Map<Long, Integer> copies = new HashMap<>(); // lookups only
    Set<Action.Link> cut = Set.of();

    Recorder(Set<RuleSwitch> rules) {
      this.rules = rules;
    }

    List<Cast.Member> members() {
      return new ArrayList<>(members.values());
    }

    void say(String line) {
      story.add(new Plan.Line(steps.size(), line.strip()));
    }

    private void emit(Action a, String expect) {
      steps.add(new Plan.PlanStep(a, sim.nowMicros(), expect));
    }

    /** Emits starts, crashes, pauses and resumes the simulator made since the last callback. */
    void sync() {
      if (sim == null) {
        return;
      }
      for (Address a : sim.addresses()) {
        Node now = sim.node(a);
        Node seen = instances.get(a);
        if (now != null && now != seen) {
          if (!members.containsKey(a)) {
            members.put(a, member(a, now));
          }
          instances.put(a, now);
          paused.put(a, false);
          emit(new Action.Start(a), null);
        } else if (now == null && seen != null) {
          instances.put(a, null);
          paused.put(a, false);
          emit(new Action.Crash(a), null);
        }
        if (now != null) {
          boolean p = sim.isPaused(a);
          if (p != paused.getOrDefault(a, false)) {
            paused.put(a, p);
            emit(p ? new Action.Pause(a) : new Action.Resume(a), null);
          }
        }
      }
      Set<Action.Link> links = new TreeSet<>();
      for (Address a : sim.addresses()) {
        for (Address b : sim.addresses()) {
          if (!a.equals(b) && !sim.canReach(a, b)) {
            links.add(new Action.Link(a, b));
          }
        }
      }
      if (!links.equals(cut)) {
        cut = Set.copyOf(links);
        emit(new Action.Links(links), null);
      }
    }

    /** How the debugger makes the node the simulator runs at {@code a}. */
    private Cast.Member member(Address a, Node n) {
      LongFunction<Node> factory;
      Cast.Role role;
      if (n instanceof ViewServer) {
        ViewServiceConfig c = ViewServiceConfig.defaults().withRules(rules);
        factory = boot -> new ViewServer(c);
        role = Cast.Role.VIEW_SERVICE;
      } else if (n instanceof PbServer s) {
        ServerConfig c = s.config();
        factory = boot -> new PbServer(a, Cluster.VIEW_SERVICE, boot, c);
        role = Cast.Role.SERVER;
      } else if (n instanceof SimClient) {
        ClientConfig c = ClientConfig.defaults().withRules(rules);
        factory = boot -> new DebugClient(new PbClient(a, Cluster.VIEW_SERVICE, c));
        role = Cast.Role.CLIENT;
      } else {
        throw new IllegalArgumentException(
            "the debugger cannot start a scenario with a " + n.getClass().getSimpleName());
      }
      return new Cast.Member(a, role, factory);
    }

    void onOp(HistoryOp op) {
      if (op.isIndeterminate()) { // a call
        sync();
        emit(new Action.Submit(Address.of(op.client()), op.command()), null);
      }
    }

    @Override
    public void onSend(long micros, long id, Address from, Address to, Message msg) {
      sync();
      copies.put(id, 1);
    }

    @Override
    public void onDeliver(long micros, long id, Address from, Address to, Message msg) {
      sync();
      take(id);
      emit(new Action.Deliver(id), from + " -> " + to + ": " + msg);
    }

    @Override
    public void onDrop(long micros, long id, Address from, Address to, Message msg, String reason) {
      sync();
      take(id);
      emit(new Action.Drop(id), from + " -> " + to + ": " + msg);
    }

    /** One copy of {@code id} leaves the network; a second delivery is a duplicate first. */
    private void take(long id) {
      int c = copies.getOrDefault(id, 0);
      if (c == 0) {
        emit(new Action.Duplicate(id), null);
        c = 1;
      }
      copies.put(id, c - 1);
    }

    @Override
    public void onTimer(long micros, Address node, Timer timer) {
      sync();
      emit(new Action.Fire(node, timer.toString()), timer.toString());
    }

    @Override
    public void onFault(long micros, String description) {
      sync();
    }

    @Override
    public void onHandled(long micros, Address address, Node node) {
      sync();
    }
  }
}
