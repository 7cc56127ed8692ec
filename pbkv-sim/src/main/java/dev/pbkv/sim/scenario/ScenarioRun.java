package dev.pbkv.sim.scenario;

import dev.pbkv.history.CheckResult;
import dev.pbkv.history.LinearizabilityChecker;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.ClientMessage.WrongServer;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ReplicationMessage.ForwardReject;
import dev.pbkv.sim.Cluster;
import dev.pbkv.sim.OpHandle;
import dev.pbkv.sim.SentMessage;
import dev.pbkv.sim.SimListener;
import dev.pbkv.sim.Simulation;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The context a {@link Scenario} script runs in: a {@link Cluster}, a narration of what happens
 * (views, who served what, what was rejected and why) and the list of checks.
 */
public final class ScenarioRun {
  /** Thrown by {@link #require} to end a script whose precondition did not hold. */
  static final class Aborted extends RuntimeException {
    Aborted(String message) {
      super(message, null, false, false);
    }
  }

  private final long seed;
  private final Set<RuleSwitch> rules;
  private final Cluster cluster;
  private final List<Check> checks = new ArrayList<>();
  private final List<String> narration = new ArrayList<>();
  private final Consumer<String> live;
  private final dev.pbkv.sim.ViewServiceChecks viewChecks;

  ScenarioRun(long seed, Set<RuleSwitch> rules, Consumer<String> live, Consumer<Cluster> setup) {
    this.seed = seed;
    this.rules = Set.copyOf(rules);
    this.live = live;
    this.cluster = Cluster.withRules(seed, rules);
    setup.accept(cluster);
    cluster.sim().recordSends(true);
    cluster.sim().addListener(new Narrator());
    viewChecks = new dev.pbkv.sim.ViewServiceChecks(cluster.sim(), cluster.viewServiceConfig());
    viewChecks.watchStore(cluster.viewStore());
    cluster.sim().addListener(viewChecks);
  }

  public long seed() {
    return seed;
  }

  public Set<RuleSwitch> rules() {
    return rules;
  }

  public Cluster cluster() {
    return cluster;
  }

  public Simulation sim() {
    return cluster.sim();
  }

  // --- narration and checks -------------------------------------------------------------------

  /** Adds a line to the narration, stamped with the virtual time. */
  public void say(String line) {
    String stamped = String.format("%9s  %s", Simulation.formatMillis(sim().nowMicros()), line);
    narration.add(stamped);
    live.accept(stamped);
  }

  /** Records whether {@code expectation} held. */
  public boolean expect(String expectation, boolean held, String detail) {
    Check check = new Check(expectation, held, detail == null ? "" : detail);
    checks.add(check);
    say("check: " + check);
    return held;
  }

  public boolean expect(String expectation, boolean held) {
    return expect(expectation, held, "");
  }

  /** Like {@link #expect}, but a failure ends the script (the rest would be meaningless). */
  public void require(String expectation, boolean held, String detail) {
    if (!expect(expectation, held, detail)) {
      throw new Aborted(expectation);
    }
  }

  /** Runs the linearizability checker over every client op of the run, as one more check. */
  void checkLinearizable() {
    CheckResult r = LinearizabilityChecker.check(cluster.history().ops(), Duration.ofSeconds(10));
    String detail =
        r.passed()
            ? r.ops() + " ops on " + r.keys() + " keys"
            : r.verdict() + "\n" + r.explanation();
    expect("the clients' history is linearizable", r.passed(), detail);
  }

  /**
   * The view service's checks (one view per number; nobody judged dead right after a start), as one
   * more check each, for scenarios in which the view service restarts.
   */
  void checkViewService() {
    List<String> v = viewChecks.violations();
    List<String> twoViews =
        v.stream().filter(x -> x.contains("names two different views")).toList();
    List<String> early = v.stream().filter(x -> x.contains("before a full dead interval")).toList();
    expect("every view number names one view", twoViews.isEmpty(), String.join("\n", twoViews));
    expect(
        "after its restart or takeover the view service judged nobody dead before a full dead interval",
        early.isEmpty(),
        String.join("\n", early));
  }

  ScenarioResult result(String name) {
    return new ScenarioResult(name, seed, checks, narration);
  }

  // --- script helpers -------------------------------------------------------------------------

  /** Starts the view service and the named servers one after another; waits for A's view 1. */
  public List<Address> startCluster(String... serverNames) {
    cluster.startViewService();
    List<Address> started = new ArrayList<>();
    for (String name : serverNames) {
      started.add(cluster.startServer(name));
      sim().runFor(30);
    }
    return started;
  }

  /**
   * Starts three view-service replicas vs1..vs3 sharing one store, elects vs1, and starts the named
   * servers one after another (docs/design.md §2.2).
   */
  public List<Address> startReplicatedCluster(String... serverNames) {
    List<Address> replicas = cluster.startViewServiceReplicas(3);
    cluster.election().elect(replicas.get(0));
    List<Address> started = new ArrayList<>();
    for (String name : serverNames) {
      started.add(cluster.startServer(name));
      sim().runFor(30);
    }
    return started;
  }

  /** Waits until the view service shows view {@code (num, primary, backup)} acked; required. */
  public void awaitView(long num, Address primary, Address backup, long limitMillis) {
    boolean ok = cluster.awaitAckedView(num, primary, backup, limitMillis);
    require(
        "view " + new View(num, primary, backup) + " is formed and acked",
        ok,
        "view service has "
            + cluster.view()
            + (cluster.viewServer() != null && cluster.viewServer().isAcked()
                ? " (acked)"
                : " (not acked)"));
  }

  /** Submits {@code command} from {@code client} and narrates it. */
  public OpHandle submit(Address client, Command command) {
    say(
        client
            + " sends \""
            + command
            + "\" (cached view "
            + cluster.client(client).view().viewNum()
            + ")");
    return cluster.submit(client, command);
  }

  /**
   * Submits and waits up to {@code limitMillis}; returns the result or null if it did not return.
   */
  public Result call(Address client, Command command, long limitMillis) {
    OpHandle h = submit(client, command);
    sim().runUntil(h::isDone, limitMillis);
    if (!h.isDone()) {
      say(client + "'s \"" + command + "\" has not returned after " + limitMillis + " ms");
    }
    return h.result();
  }

  /** Messages sent at or after {@code sinceMicros} that match {@code filter}. */
  public List<SentMessage> sentSince(long sinceMicros, Predicate<SentMessage> filter) {
    return sim().sent(m -> m.sentMicros() >= sinceMicros && filter.test(m));
  }

  /** Replies to clients that {@code server} sent at or after {@code sinceMicros}. */
  public List<SentMessage> repliesFrom(Address server, long sinceMicros) {
    return sentSince(sinceMicros, m -> m.from().equals(server) && m.message() instanceof Reply);
  }

  public PbServer server(Address a) {
    return cluster.server(a);
  }

  // --- narration of protocol events -----------------------------------------------------------

  private final class Narrator implements SimListener {
    private View lastView = View.INITIAL;
    private boolean lastAcked = true;
    private final Map<Address, String> serverStates = new HashMap<>();
    private final Set<String> toldOnce = new HashSet<>();

    @Override
    public void onFault(long micros, String description) {
      say("** " + description);
    }

    @Override
    public void onWarn(long micros, Address node, String line) {
      tellOnce("WARN " + node + ": " + line);
    }

    @Override
    public void onHandled(long micros, Address address, Node node) {
      if (node instanceof ViewServer vs && vs.isReplica()) {
        narrateReplica(address, vs);
      } else if (node instanceof ViewServer vs) {
        if (!vs.view().equals(lastView)) {
          lastView = vs.view();
          lastAcked = vs.isAcked();
          say("view service: view " + describe(lastView));
        } else if (vs.isAcked() != lastAcked) {
          lastAcked = vs.isAcked();
          if (lastAcked) {
            say(
                "view service: view "
                    + lastView.viewNum()
                    + " acked by its primary "
                    + lastView.primary());
          }
        }
      } else if (node instanceof PbServer s) {
        String state =
            "view "
                + s.view().viewNum()
                + (s.isServing() ? "/serving" : "")
                + (s.hasInstalledState() ? "/installed" : "");
        String before = serverStates.put(address, state);
        if (!state.equals(before)) {
          describeServer(address, s, before);
        }
      }
    }

    private final Map<Address, String> replicaStates = new HashMap<>();

    /** A replica's leadership, and the views and acks of a leading one (docs/design.md §2.2). */
    private void narrateReplica(Address a, ViewServer vs) {
      String state =
          (vs.isLeading() ? "leads" : "follows")
              + " "
              + vs.view()
              + (vs.isAcked() ? " acked" : "")
              + " t"
              + vs.takeovers();
      String before = replicaStates.put(a, state);
      if (state.equals(before)) {
        return;
      }
      boolean ledBefore = before != null && before.startsWith("leads");
      if (vs.isLeading() && (!ledBefore || !before.endsWith(" t" + vs.takeovers()))) {
        say(
            a
                + " takes over as view-service leader: it read view "
                + describe(vs.view())
                + (vs.isAcked() ? " (acked)" : " (not acked)")
                + " from the store");
      } else if (!vs.isLeading() && ledBefore) {
        say(
            a
                + " no longer leads"
                + (vs.isElected()
                    ? " (its write found the store moved on: it stepped down)"
                    : " (told it lost the leadership)"));
      } else if (vs.isLeading()) {
        if (!before.contains(vs.view().toString())) {
          say("view service " + a + ": view " + describe(vs.view()));
        } else if (vs.isAcked()) {
          say(
              "view service "
                  + a
                  + ": view "
                  + vs.view().viewNum()
                  + " acked by its primary "
                  + vs.view().primary());
        }
      }
    }

    private void describeServer(Address a, PbServer s, String before) {
      View v = s.view();
      if (before == null
          || !before.startsWith("view " + v.viewNum() + "/")
              && !before.equals("view " + v.viewNum())) {
        if (v.viewNum() > 0) {
          say(
              a
                  + " learns view "
                  + v.viewNum()
                  + ": it is "
                  + (s.isPrimary()
                      ? "primary"
                      : s.isBackup() ? "backup" : "neither primary nor backup"));
        }
      }
      if (s.isServing() && (before == null || !before.contains("serving"))) {
        say(
            a
                + " is primary of view "
                + v.viewNum()
                + " and starts serving"
                + (v.hasBackup()
                    ? " (its backup " + v.backup() + " holds the state)"
                    : " (no backup)"));
      }
      if (s.hasInstalledState() && (before == null || !before.contains("installed"))) {
        say(a + " installed " + v.primary() + "'s state transfer for view " + v.viewNum());
      }
    }

    @Override
    public void onDeliver(long micros, long id, Address from, Address to, Message msg) {
      if (msg instanceof Reply r) {
        say(
            to
                + " gets the answer to its request #"
                + r.seq()
                + " from "
                + from
                + ": "
                + shorten(String.valueOf(r.result())));
      } else if (msg instanceof WrongServer w) {
        tellOnce(
            from
                + " rejects "
                + to
                + "'s request #"
                + w.seq()
                + ": not primary (it knows view "
                + describe(w.view())
                + ")");
      } else if (msg instanceof ForwardReject r) {
        tellOnce(from + " refuses " + to + "'s forward of view " + r.viewNum() + ": " + r.reason());
      }
    }

    private void tellOnce(String line) {
      if (toldOnce.add(line)) {
        say(line);
      }
    }
  }

  /**
   * {@code text}, or its first 60 chars and its length when it is longer than 100 (large values).
   */
  static String shorten(String text) {
    return text.length() <= 100 ? text : text.substring(0, 60) + "… (" + text.length() + " chars)";
  }

  static String describe(View v) {
    return v.viewNum()
        + " (primary "
        + Objects.toString(v.primary(), "none")
        + ", backup "
        + Objects.toString(v.backup(), "none")
        + ")";
  }
}
