package dev.pbkv.debug;

import dev.pbkv.check.Envelope;
import dev.pbkv.check.TimerEntry;
import dev.pbkv.clock.VectorClock;
import dev.pbkv.debug.Action.Link;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.PbServer;
import dev.pbkv.trace.TraceEvent;
import dev.pbkv.trace.TraceEvent.Kind;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One state of a debugged run, immutable: every node of the {@link Cast} (running, paused, crashed
 * or not started), the messages in flight with how many copies of each, each node's pending timers
 * in the order they were set, the cut links, each node's Lamport and vector clock (kept outside the
 * nodes, docs/design.md §7), the clients' ops, and what the invariants say.
 *
 * <p>{@link #apply} runs the real node's handler on a copy of it, like the model checker's {@code
 * SearchState.step}, and returns the next state; everything that did not change is shared. A
 * message, once sent, keeps its id in every later state: ids count sends from 1, so the same
 * actions from the same start give the same ids (a saved session replays by them).
 *
 * <p>Unlike the model checker's network, delivering a message consumes one copy: a duplicate is an
 * explicit {@link Action.Duplicate}. The trace events of each step are kept with the state that
 * made them, and {@link #trace()} collects them from the start.
 */
public final class World {
  /** Most messages in flight at once; a step that would exceed it is refused. */
  public static final int MAX_IN_FLIGHT = 5_000;

  /** Where a node is. */
  public enum Status {
    NOT_STARTED,
    UP,
    PAUSED,
    CRASHED
  }

  /** A message as it was sent, with the sender's clocks at the send. */
  public record Sent(long id, Envelope envelope, long lamport, VectorClock vector) {}

  /** A client op as the debugger saw it: called at a step, returned at a later one (or not). */
  public record Op(
      Address client,
      int index,
      dev.pbkv.kv.Command command,
      int callStep,
      Result result,
      int returnStep) {
    boolean returned() {
      return result != null;
    }
  }

  /** The first broken invariant: which, why, at which step and where. */
  public record Violation(String invariant, String explanation, int step, Address node) {}

  final Cast cast;
  private final World parent;
  private final Action action;
  private final int step;
  private final long micros;
  private final Node[] nodes;
  private final Status[] status;
  private final long[] boots;
  private final Node[] remains; // per slot, a crashed view service: its store survives the crash
  private final TimerEntry[][] timers;
  private final Address[][] reports; // per slot, loss reports a paused node hears on resume
  private final TreeMap<Long, Integer> inFlight; // id -> copies; never modified once built
  private final Map<Long, Sent> newSent; // the messages this step sent
  private final Set<Link> cut;
  private final long lastId;
  private final long[] lamport;
  private final VectorClock[] vector;
  private final List<TraceEvent> newEvents;
  private final List<Op> ops;
  private final Map<Long, Address> answeredIn; // view -> the first server that answered a client
  private final String primaryConflict; // the first time two servers answered in one view
  private final Map<String, String> broken; // invariant -> explanation, for those broken now
  private final Violation violation;

  private World(
      Cast cast,
      World parent,
      Action action,
      int step,
      long micros,
      Node[] nodes,
      Status[] status,
      long[] boots,
      Node[] remains,
      TimerEntry[][] timers,
      Address[][] reports,
      TreeMap<Long, Integer> inFlight,
      Map<Long, Sent> newSent,
      Set<Link> cut,
      long lastId,
      long[] lamport,
      VectorClock[] vector,
      List<TraceEvent> newEvents,
      List<Op> ops,
      Map<Long, Address> answeredIn,
      String primaryConflict,
      Map<String, String> broken,
      Violation violation) {
    this.cast = cast;
    this.parent = parent;
    this.action = action;
    this.step = step;
    this.micros = micros;
    this.nodes = nodes;
    this.status = status;
    this.boots = boots;
    this.remains = remains;
    this.timers = timers;
    this.reports = reports;
    this.inFlight = inFlight;
    this.newSent = newSent;
    this.cut = cut;
    this.lastId = lastId;
    this.lamport = lamport;
    this.vector = vector;
    this.newEvents = newEvents;
    this.ops = ops;
    this.answeredIn = answeredIn;
    this.primaryConflict = primaryConflict;
    this.broken = broken;
    this.violation = violation;
  }

  /** The state before anything happened: no node has started. */
  public static World empty(Cast cast) {
    int n = cast.size();
    Status[] status = new Status[n];
    Arrays.fill(status, Status.NOT_STARTED);
    TimerEntry[][] timers = new TimerEntry[n][];
    Arrays.fill(timers, new TimerEntry[0]);
    Address[][] reports = new Address[n][];
    Arrays.fill(reports, new Address[0]);
    VectorClock[] vector = new VectorClock[n];
    Arrays.fill(vector, VectorClock.EMPTY);
    return new World(
        cast,
        null,
        null,
        0,
        0,
        new Node[n],
        status,
        new long[n],
        new Node[n],
        timers,
        reports,
        new TreeMap<>(),
        Map.of(),
        Set.of(),
        0,
        new long[n],
        vector,
        List.of(),
        List.of(),
        Map.of(),
        null,
        Map.of(),
        null);
  }

  // --- what a state shows ----------------------------------------------------------------------

  public Cast cast() {
    return cast;
  }

  /** Steps from the start of the session to this state. */
  public int step() {
    return step;
  }

  /** The action that made this state (null for the first one). */
  public Action action() {
    return action;
  }

  public World parent() {
    return parent;
  }

  /** The time of this state: a scenario's virtual time, else 1 ms per step (microseconds). */
  public long micros() {
    return micros;
  }

  public Status status(Address a) {
    return status[must(a)];
  }

  /** The node at {@code a}, or null while it is not running (crashed or not started). */
  public Node node(Address a) {
    return nodes[must(a)];
  }

  /** The boot id of the node's current (or last) incarnation; 0 before its first start. */
  public long bootId(Address a) {
    return boots[must(a)];
  }

  public List<TimerEntry> timers(Address a) {
    return List.of(timers[must(a)]);
  }

  /** Message ids in flight with their number of copies, oldest first. */
  public Map<Long, Integer> inFlight() {
    return Collections.unmodifiableMap(inFlight);
  }

  /** The message sent with {@code id} in this state's past, or null. */
  public Sent sent(long id) {
    for (World w = this; w != null; w = w.parent) {
      Sent s = w.newSent.get(id);
      if (s != null) {
        return s;
      }
      if (w.lastId < id) {
        return null;
      }
    }
    return null;
  }

  /** The id of the last message sent so far (0 before the first). */
  public long lastId() {
    return lastId;
  }

  public Set<Link> cutLinks() {
    return cut;
  }

  public long lamport(Address a) {
    return lamport[must(a)];
  }

  public VectorClock vector(Address a) {
    return vector[must(a)];
  }

  public List<Op> ops() {
    return ops;
  }

  /** The invariants broken in this state, with why (empty when all hold). */
  public Map<String, String> broken() {
    return broken;
  }

  /** The first violation on the way to this state, or null. */
  public Violation violation() {
    return violation;
  }

  /** The trace events of the step that made this state. */
  public List<TraceEvent> stepEvents() {
    return newEvents;
  }

  /** Every trace event from the start to this state. */
  public List<TraceEvent> trace() {
    List<World> path = new ArrayList<>();
    for (World w = this; w != null; w = w.parent) {
      path.add(w);
    }
    List<TraceEvent> out = new ArrayList<>();
    for (int i = path.size() - 1; i >= 0; i--) {
      out.addAll(path.get(i).newEvents);
    }
    return out;
  }

  /**
   * Timer {@code j} of a node may fire unless a timer set earlier must fire first: its maximum is
   * not above this one's minimum, or it is an equal timer (the model checker's rule, {@code
   * SearchState}).
   */
  public boolean isDue(Address a, int j) {
    TimerEntry[] ts = timers[must(a)];
    for (int k = 0; k < j; k++) {
      if (ts[k].maxMillis() <= ts[j].minMillis() || ts[k].equals(ts[j])) {
        return false;
      }
    }
    return true;
  }

  /** Why {@code action} cannot be taken here, or null if it can. */
  public String refusal(Action action) {
    try {
      apply(action, micros + 1000, false);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private int must(Address a) {
    int i = cast.indexOf(a);
    if (i < 0) {
      throw new IllegalArgumentException("no node " + a);
    }
    return i;
  }

  // --- steps -----------------------------------------------------------------------------------

  /** The state after {@code action}, one millisecond later. */
  public World apply(Action action) {
    return apply(action, micros + 1000);
  }

  /**
   * The state after {@code action} at time {@code atMicros}.
   *
   * @throws IllegalArgumentException with a one-line reason if the action is not possible here
   */
  public World apply(Action action, long atMicros) {
    return apply(action, Math.max(atMicros, micros), true);
  }

  private World apply(Action action, long atMicros, boolean build) {
    Step s = new Step(action, atMicros);
    if (action instanceof Action.Deliver d) {
      s.deliver(d.id());
    } else if (action instanceof Action.Drop d) {
      s.drop(d.id(), "dropped");
    } else if (action instanceof Action.Duplicate d) {
      s.duplicate(d.id());
    } else if (action instanceof Action.Fire f) {
      s.fire(f.node(), f.timer());
    } else if (action instanceof Action.Start st) {
      s.start(st.node());
    } else if (action instanceof Action.Crash c) {
      s.crash(c.node());
    } else if (action instanceof Action.Pause p) {
      s.pause(p.node());
    } else if (action instanceof Action.Resume r) {
      s.resume(r.node());
    } else if (action instanceof Action.Links l) {
      s.links(l.cut());
    } else if (action instanceof Action.Submit sub) {
      s.submit(sub);
    } else {
      throw new IllegalArgumentException("unknown action " + action);
    }
    return build ? s.build() : null;
  }

  /** The effects of one handler: what it sent and the timers it set, in order. */
  private static final class Collector implements Effects {
    final Address self;
    final List<Envelope> sends = new ArrayList<>();
    final List<TimerEntry> timers = new ArrayList<>();

    Collector(Address self) {
      this.self = self;
    }

    @Override
    public void send(Address to, Message msg) {
      sends.add(new Envelope(self, to, msg));
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {
      if (minMillis < 0 || maxMillis < minMillis) {
        throw new IllegalArgumentException(
            "bad timer range [" + minMillis + ", " + maxMillis + "] for " + timer);
      }
      timers.add(new TimerEntry(timer, minMillis, maxMillis));
    }
  }

  /** One step under construction: copies what changes, shares the rest. */
  private final class Step implements Snapshot {
    final Action action;
    final long at;
    Node[] ns = nodes;
    Status[] st = status;
    long[] bs = boots;
    Node[] rs = remains;
    TimerEntry[][] ts = timers;
    Address[][] rp = reports;
    TreeMap<Long, Integer> flight = inFlight;
    boolean flightCopied;
    final Map<Long, Sent> sentNow = new HashMap<>();
    Set<Link> links = cut;
    long ids = lastId;
    long[] lam = lamport;
    VectorClock[] vec = vector;
    final List<TraceEvent> events = new ArrayList<>();
    List<Op> opList = ops;
    Map<Long, Address> answered = answeredIn;
    String conflict = primaryConflict;
    int handled = -1; // the node whose handler ran, if any
    Node before; // its state before
    final List<Envelope> replies = new ArrayList<>();

    Step(Action action, long at) {
      this.action = action;
      this.at = at;
    }

    private void copyFlight() {
      if (!flightCopied) {
        flight = new TreeMap<>(flight);
        flightCopied = true;
      }
    }

    private int copies(long id) {
      Integer c = flight.get(id);
      return c == null ? 0 : c;
    }

    private void take(long id) {
      copyFlight();
      int c = copies(id);
      if (c <= 1) {
        flight.remove(id);
      } else {
        flight.put(id, c - 1);
      }
    }

    private Sent sentOrFail(long id) {
      Sent s = sentNow.get(id);
      if (s == null) {
        s = sent(id);
      }
      if (s == null) {
        throw new IllegalArgumentException("no message m" + id + " was sent");
      }
      return s;
    }

    void deliver(long id) {
      Sent s = sentOrFail(id);
      if (copies(id) == 0) {
        throw new IllegalArgumentException(
            "m" + id + " (" + s.envelope().message().label() + ") is not in flight");
      }
      Address to = s.envelope().to();
      int i = cast.indexOf(to);
      if (i < 0) {
        throw new IllegalArgumentException(
            "m" + id + " goes to " + to + ", which is not a node: it can only be dropped");
      }
      if (links.contains(new Link(s.envelope().from(), to))) {
        throw new IllegalArgumentException(
            "the link "
                + s.envelope().from()
                + " → "
                + to
                + " is cut: m"
                + id
                + " can only be dropped (or heal the partition)");
      }
      if (st[i] == Status.PAUSED) {
        throw new IllegalArgumentException(
            to + " is paused: resume it first (or drop m" + id + ")");
      }
      if (st[i] != Status.UP) {
        drop(id, to + " is down");
        return;
      }
      take(id);
      receiveStamp(i, s);
      events.add(event(i, Kind.RECEIVE, "m" + id, s.envelope().from(), label(s), detail(s)));
      run(i, (node, fx) -> node.onMessage(s.envelope().from(), s.envelope().message(), fx));
    }

    void drop(long id, String why) {
      Sent s = sentOrFail(id);
      if (copies(id) == 0) {
        throw new IllegalArgumentException(
            "m" + id + " (" + s.envelope().message().label() + ") is not in flight");
      }
      take(id);
      // A loss is no event of any node: it carries the stamp of the send (docs/trace-format.md).
      events.add(
          new TraceEvent(
              s.envelope().from().name(),
              Kind.DROP,
              s.lamport(),
              s.vector().asMap(),
              at,
              "m" + id,
              s.envelope().to().name(),
              label(s),
              "lost (" + why + "): " + s.envelope()));
      reportLoss(s.envelope().from(), s.envelope().to());
    }

    /**
     * As the simulator does ({@code Simulation.reportLoss}): both ends of a lost message hear of it
     * through {@link Node#onConnectionReset}, the sender first; a paused node hears when it
     * resumes, a node that is down or not started not at all (docs/design.md §4.1).
     */
    private void reportLoss(Address a, Address b) {
      int ia = cast.indexOf(a);
      int ib = cast.indexOf(b);
      if (ia < 0 || ib < 0) {
        return;
      }
      report(ia, b);
      report(ib, a);
    }

    private void report(int i, Address peer) {
      if (st[i] == Status.PAUSED) {
        Address[] grown = Arrays.copyOf(rp[i], rp[i].length + 1);
        grown[rp[i].length] = peer;
        rp = rp.clone();
        rp[i] = grown;
      } else if (st[i] == Status.UP) {
        tick(i);
        events.add(
            event(
                i,
                Kind.NOTE,
                null,
                null,
                "loss report",
                cast.address(i) + " hears that a message to or from " + peer + " was lost"));
        run(i, (node, fx) -> node.onConnectionReset(peer, fx));
      }
    }

    void duplicate(long id) {
      Sent s = sentOrFail(id);
      if (flight.size() >= MAX_IN_FLIGHT) {
        throw new IllegalArgumentException(MAX_IN_FLIGHT + " messages in flight already");
      }
      copyFlight();
      flight.put(id, copies(id) + 1);
      int from = cast.indexOf(s.envelope().from());
      events.add(
          new TraceEvent(
              s.envelope().from().name(),
              Kind.NOTE,
              lam[from],
              vec[from].asMap(),
              at,
              null,
              null,
              "duplicate m" + id,
              "the network duplicates " + s.envelope()));
    }

    void fire(Address a, String timerText) {
      int i = index(a);
      if (st[i] != Status.UP) {
        throw new IllegalArgumentException(
            a + " is " + describe(st[i]) + ": its timers do not fire");
      }
      TimerEntry[] pending = ts[i];
      int j = -1;
      for (int k = 0; k < pending.length; k++) {
        if (pending[k].timer().toString().equals(timerText)) {
          j = k;
          break;
        }
      }
      if (j < 0) {
        throw new IllegalArgumentException(a + " has no pending timer " + timerText);
      }
      TimerEntry entry = pending[j];
      TimerEntry[] rest = new TimerEntry[pending.length - 1];
      System.arraycopy(pending, 0, rest, 0, j);
      System.arraycopy(pending, j + 1, rest, j, pending.length - j - 1);
      ts = ts.clone();
      ts[i] = rest;
      tick(i);
      events.add(event(i, Kind.TIMER, null, null, shortName(timerText), a + ": " + entry));
      run(i, (node, fx) -> node.onTimer(entry.timer(), fx));
    }

    void start(Address a) {
      int i = index(a);
      if (st[i] == Status.UP || st[i] == Status.PAUSED) {
        throw new IllegalArgumentException(a + " is running: crash it first to restart it");
      }
      boolean first = st[i] == Status.NOT_STARTED;
      if (!first && cast.member(i).role() == Cast.Role.CLIENT) {
        throw new IllegalArgumentException(
            a + " is a client session: it never restarts at its address (docs/design.md §5)");
      }
      bs = bs.clone();
      bs[i]++;
      Node fresh = cast.member(i).factory().apply(bs[i]);
      if (rs[i] instanceof ViewServer old && fresh instanceof ViewServer made) {
        // a view service restarts from its store, which survived the crash (docs/design.md §2.1)
        fresh = new ViewServer(made.config(), old.store().copy());
      }
      ns = ns.clone();
      ns[i] = fresh;
      st = st.clone();
      st[i] = Status.UP;
      ts = ts.clone();
      ts[i] = new TimerEntry[0];
      tick(i);
      events.add(
          event(
              i,
              first ? Kind.NOTE : Kind.RESTART,
              null,
              null,
              first ? "start" : "restart",
              first
                  ? a + " starts (boot id " + bs[i] + ")"
                  : fresh instanceof ViewServer
                      ? a + " restarts from its store (its view and ack survived the crash)"
                      : a + " restarts with fresh state (boot id " + bs[i] + ")"));
      handled = i;
      before = null;
      Collector fx = new Collector(a);
      fresh.init(fx);
      effects(i, fx);
    }

    void crash(Address a) {
      int i = index(a);
      if (st[i] != Status.UP && st[i] != Status.PAUSED) {
        throw new IllegalArgumentException(a + " is " + describe(st[i]) + " already");
      }
      if (ns[i] instanceof ViewServer v) {
        rs = rs.clone();
        rs[i] = v.copy(); // its store outlives it
      }
      ns = ns.clone();
      ns[i] = null;
      st = st.clone();
      st[i] = Status.CRASHED;
      ts = ts.clone();
      ts[i] = new TimerEntry[0];
      if (rp[i].length > 0) {
        rp = rp.clone();
        rp[i] = new Address[0]; // a crashed node's reports are gone with it
      }
      tick(i);
      events.add(event(i, Kind.CRASH, null, null, "crash", a + " crashes: its state is lost"));
    }

    void pause(Address a) {
      int i = index(a);
      if (st[i] != Status.UP) {
        throw new IllegalArgumentException(
            a + " is " + describe(st[i]) + ": only a running node pauses");
      }
      st = st.clone();
      st[i] = Status.PAUSED;
      tick(i);
      events.add(event(i, Kind.PAUSE, null, null, "pause", a + " pauses with its state"));
    }

    void resume(Address a) {
      int i = index(a);
      if (st[i] != Status.PAUSED) {
        throw new IllegalArgumentException(a + " is not paused");
      }
      st = st.clone();
      st[i] = Status.UP;
      tick(i);
      events.add(event(i, Kind.RESUME, null, null, "resume", a + " runs again with its old state"));
      Address[] heard = rp[i];
      if (heard.length > 0) {
        rp = rp.clone();
        rp[i] = new Address[0];
        for (Address peer : heard) {
          report(i, peer);
        }
      }
    }

    void links(Set<Link> next) {
      for (Link l : next) {
        index(l.from());
        index(l.to());
      }
      links = next.isEmpty() ? Set.of() : Set.copyOf(next);
    }

    void submit(Action.Submit sub) {
      int i = index(sub.client());
      if (!(ns[i] instanceof DebugClient client) || st[i] != Status.UP) {
        throw new IllegalArgumentException(
            sub.client()
                + (st[i] != Status.UP
                    ? " is not running"
                    : " is not a client the debugger drives"));
      }
      if (client.isWaiting()) {
        throw new IllegalArgumentException(sub.client() + " is still waiting for its last op");
      }
      tick(i);
      events.add(event(i, Kind.NOTE, null, null, "input", "the user calls " + sub.command()));
      run(i, (node, fx) -> ((DebugClient) node).submit(sub.command(), fx));
    }

    private int index(Address a) {
      int i = cast.indexOf(a);
      if (i < 0) {
        throw new IllegalArgumentException("no node " + a);
      }
      return i;
    }

    /** Runs a handler on a copy of node {@code i}, then records its effects. */
    private void run(int i, java.util.function.BiConsumer<Node, Effects> handler) {
      Node old = ns[i];
      Node copy = Nodes.copy(old);
      Collector fx = new Collector(cast.address(i));
      handler.accept(copy, fx);
      ns = ns.clone();
      ns[i] = copy;
      handled = i;
      before = old;
      effects(i, fx);
    }

    private void effects(int i, Collector fx) {
      if (!fx.timers.isEmpty()) {
        TimerEntry[] grown = Arrays.copyOf(ts[i], ts[i].length + fx.timers.size());
        for (int k = 0; k < fx.timers.size(); k++) {
          grown[ts[i].length + k] = fx.timers.get(k);
        }
        if (ts == timers) {
          ts = ts.clone();
        }
        ts[i] = grown;
      }
      if (flight.size() + fx.sends.size() > MAX_IN_FLIGHT) {
        throw new IllegalArgumentException(
            "more than " + MAX_IN_FLIGHT + " messages would be in flight: deliver or drop some");
      }
      for (Envelope e : fx.sends) {
        long id = ++ids;
        tick(i);
        Sent s = new Sent(id, e, lam[i], vec[i]);
        sentNow.put(id, s);
        copyFlight();
        flight.put(id, 1);
        events.add(event(i, Kind.SEND, "m" + id, e.to(), label(s), e.toString()));
        if (e.message() instanceof Reply) {
          replies.add(e);
        }
      }
    }

    private void tick(int i) {
      if (lam == lamport) {
        lam = lam.clone();
        vec = vec.clone();
      }
      lam[i]++;
      vec[i] = vec[i].increment(cast.address(i).name());
    }

    private void receiveStamp(int i, Sent s) {
      if (lam == lamport) {
        lam = lam.clone();
        vec = vec.clone();
      }
      lam[i] = Math.max(lam[i], s.lamport()) + 1;
      vec[i] = vec[i].merge(s.vector()).increment(cast.address(i).name());
    }

    private TraceEvent event(int i, Kind kind, String id, Address peer, String label, String d) {
      return new TraceEvent(
          cast.address(i).name(),
          kind,
          lam[i],
          vec[i].asMap(),
          at,
          id,
          peer == null ? null : peer.name(),
          label,
          d);
    }

    /** An annotation with the stamp of node {@code i}'s last event (no tick). */
    private void mark(int i, Kind kind, String label, String detail) {
      events.add(event(i, kind, null, null, label, detail));
    }

    World build() {
      if (handled >= 0) {
        annotate(handled);
      }
      Map<String, String> nowBroken = Invariants.check(this);
      Violation v = violation;
      if (v == null && !nowBroken.isEmpty()) {
        Map.Entry<String, String> first = nowBroken.entrySet().iterator().next();
        int where = handled >= 0 ? handled : 0;
        v = new Violation(first.getKey(), first.getValue(), step + 1, cast.address(where));
        mark(where, Kind.VIOLATION, first.getKey(), first.getValue());
      }
      return new World(
          cast,
          World.this,
          action,
          step + 1,
          at,
          ns,
          st,
          bs,
          rs,
          ts,
          rp,
          flight,
          sentNow.isEmpty() ? Map.of() : sentNow,
          links,
          ids,
          lam,
          vec,
          List.copyOf(events),
          opList,
          answered,
          conflict,
          nowBroken,
          v);
    }

    @Override
    public Cast cast() {
      return cast;
    }

    @Override
    public Node node(int i) {
      return ns[i];
    }

    @Override
    public Status status(int i) {
      return st[i];
    }

    @Override
    public List<Op> ops() {
      return opList;
    }

    @Override
    public String primaryConflict() {
      return conflict;
    }

    @Override
    public int step() {
      return step + 1;
    }

    /** VIEW, CALL and RETURN for what changed at node {@code i}; the ops and who answered. */
    private void annotate(int i) {
      Address a = cast.address(i);
      Node after = ns[i];
      View was = viewOf(before);
      View now = viewOf(after);
      if (now != null && now.viewNum() > 0 && (was == null || was.viewNum() != now.viewNum())) {
        if (after instanceof PbServer s) {
          mark(
              i,
              Kind.VIEW,
              "view " + now.viewNum() + ": " + role(s),
              a + " learns view " + now + " and is " + role(s));
        } else {
          mark(i, Kind.VIEW, "view " + now.viewNum() + " " + members(now), "new view " + now);
        }
      }
      if (after instanceof PbServer s && !replies.isEmpty()) {
        long v = s.view().viewNum();
        Address first = answered.get(v);
        if (first == null) {
          Map<Long, Address> next = new TreeMap<>(answered);
          next.put(v, a);
          answered = Collections.unmodifiableMap(next);
        } else if (!first.equals(a) && conflict == null) {
          conflict =
              a
                  + " answered "
                  + replies.get(0).to()
                  + " in view "
                  + v
                  + ", where "
                  + first
                  + " had answered clients already; in its view "
                  + s.view()
                  + " "
                  + a
                  + " is "
                  + role(s)
                  + (s.isPrimary()
                      ? ""
                      : ": a server that is not primary served a client (rule 4)");
        }
      }
      List<Nodes.ClientOp> was2 = before == null ? List.of() : Nodes.clientOps(before);
      List<Nodes.ClientOp> now2 = Nodes.clientOps(after);
      if (now2 == null) {
        return;
      }
      if (was2 == null) {
        was2 = List.of();
      }
      List<Op> next = null;
      for (int k = 0; k < now2.size(); k++) {
        Nodes.ClientOp o = now2.get(k);
        boolean newCall = k >= was2.size();
        boolean newReturn = o.result() != null && (newCall || was2.get(k).result() == null);
        if (newCall || newReturn) {
          if (next == null) {
            next = new ArrayList<>(opList);
          }
        }
        if (newReturn && !newCall) {
          for (int x = 0; x < next.size(); x++) {
            Op op = next.get(x);
            if (op.client().equals(a) && op.index() == k) {
              next.set(x, new Op(a, k, op.command(), op.callStep(), o.result(), step + 1));
            }
          }
          mark(i, Kind.RETURN, "→ " + o.result(), a + ": " + o.command() + " → " + o.result());
        }
        if (newCall) {
          next.add(
              new Op(a, k, o.command(), step + 1, o.result(), o.result() == null ? -1 : step + 1));
          mark(i, Kind.CALL, o.command().toString(), a + " calls " + o.command());
        }
      }
      if (next != null) {
        opList = List.copyOf(next);
      }
    }
  }

  // --- helpers shared with the invariants ------------------------------------------------------

  static View viewOf(Node n) {
    if (n instanceof ViewServer v) {
      return v.view();
    }
    if (n instanceof PbServer s) {
      return s.view();
    }
    return null;
  }

  static String role(PbServer s) {
    return s.isServing()
        ? "primary"
        : s.isPrimary() ? "primary (transfer)" : s.isBackup() ? "backup" : "idle";
  }

  private static String members(View v) {
    return "("
        + (v.primary() == null ? "-" : v.primary())
        + ", "
        + (v.backup() == null ? "-" : v.backup())
        + ")";
  }

  private static String describe(Status s) {
    return switch (s) {
      case NOT_STARTED -> "not started";
      case UP -> "running";
      case PAUSED -> "paused";
      case CRASHED -> "crashed";
    };
  }

  private static String label(Sent s) {
    return s.envelope().message().label();
  }

  private static String detail(Sent s) {
    return s.envelope().toString();
  }

  private static String shortName(String text) {
    int bracket = text.indexOf('[');
    return bracket > 0 ? text.substring(0, bracket) : text;
  }

  /** The state as the invariants see it while a step is built. */
  interface Snapshot {
    Cast cast();

    Node node(int i);

    Status status(int i);

    List<Op> ops();

    /** The first time two servers answered clients in one view, explained; or null. */
    String primaryConflict();

    /** The step this state is (the first step is 1). */
    int step();
  }
}
