package dev.pbkv.check;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.PbServer;
import dev.pbkv.view.ViewServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One state of the system as the model checker sees it: every node's protocol state, the messages
 * in flight (a delivered message stays in flight, which models duplication and reordering; one
 * never delivered models a loss) and each node's pending timers in the order they were set.
 *
 * <p>States are immutable once built: a successor copies only the node that handled the event and
 * shares everything else. Equality covers nodes, network and timers; the parent link, the event and
 * the depth are bookkeeping for traces and take no part in it.
 */
public final class SearchState {

  /** Who is in the system, in a fixed order. Shared by every state of a search. */
  static final class Layout {
    final Address[] addresses;
    final Map<Address, Integer> index = new HashMap<>();
    final int[] clientSlots; // node indexes of CheckClients, in order

    Layout(Address[] addresses, Node[] nodes) {
      this.addresses = addresses;
      List<Integer> cs = new ArrayList<>();
      for (int i = 0; i < addresses.length; i++) {
        index.put(addresses[i], i);
        if (nodes[i] instanceof CheckClient) {
          cs.add(i);
        }
      }
      clientSlots = cs.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  private final Layout layout;
  private final Node[] nodes;
  private final TimerEntry[][] timers;
  private final Network network;
  private final SearchState parent;
  private final Event event;
  private final int depth;
  private int hash;
  private final int[] nodeHashes; // node hash and timers hash, per node

  private SearchState(
      Layout layout,
      Node[] nodes,
      TimerEntry[][] timers,
      Network network,
      SearchState parent,
      Event event,
      int depth,
      int[] nodeHashes) {
    this.layout = layout;
    this.nodes = nodes;
    this.timers = timers;
    this.network = network;
    this.parent = parent;
    this.event = event;
    this.depth = depth;
    this.nodeHashes = nodeHashes;
  }

  private int nodeHash(int i) {
    return nodes[i].hashCode() * 31 + Arrays.hashCode(timers[i]);
  }

  private SearchState(
      Layout layout,
      Node[] nodes,
      TimerEntry[][] timers,
      Network network,
      SearchState parent,
      Event event,
      int depth) {
    this.layout = layout;
    this.nodes = nodes;
    this.timers = timers;
    this.network = network;
    this.parent = parent;
    this.event = event;
    this.depth = depth;
    this.nodeHashes = new int[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      nodeHashes[i] = nodeHash(i);
    }
  }

  /**
   * The initial state: {@code nodes} (in this order) each run {@code init}; what they send is in
   * flight and the timers they set are pending.
   */
  public static SearchState initial(LinkedHashMap<Address, Node> nodes) {
    Address[] addrs = nodes.keySet().toArray(new Address[0]);
    Node[] ns = new Node[addrs.length];
    for (int i = 0; i < addrs.length; i++) {
      ns[i] = copyNode(nodes.get(addrs[i]));
    }
    Layout layout = new Layout(addrs, ns);
    TimerEntry[][] timers = new TimerEntry[addrs.length][];
    Network net = Network.EMPTY;
    for (int i = 0; i < addrs.length; i++) {
      Collector fx = new Collector(addrs[i]);
      ns[i].init(fx);
      timers[i] = fx.timers.toArray(new TimerEntry[0]);
      for (Envelope e : fx.sends) {
        net = net.plus(e);
      }
    }
    for (int c = 0; c < layout.clientSlots.length; c++) {
      CheckClient cc = (CheckClient) ns[layout.clientSlots[c]];
      if (cc.submitted() > 0) {
        cc.recordCall(0, new int[layout.clientSlots.length]);
      }
    }
    return new SearchState(layout, ns, timers, net, null, null, 0);
  }

  /**
   * A deep copy of a node's protocol state: the view service, the server, and any {@link Copyable}
   * node (the checker's clients, test nodes).
   */
  public static Node copyNode(Node n) {
    if (n instanceof PbServer s) {
      return s.copy();
    } else if (n instanceof ViewServer v) {
      return v.copy();
    } else if (n instanceof Copyable c) {
      return c.copy();
    }
    throw new IllegalArgumentException("the model checker cannot copy " + n.getClass().getName());
  }

  // --- successors ---------------------------------------------------------------------------

  /** The events enabled in this state under {@code settings}. */
  public List<Event> events(SearchSettings settings) {
    List<Event> out = new ArrayList<>();
    for (int k = 0; k < network.size(); k++) {
      Envelope e = network.get(k);
      Integer to = layout.index.get(e.to());
      if (to != null && settings.deliverable(e)) {
        out.add(new Event.Deliver(e));
      }
    }
    for (int i = 0; i < nodes.length; i++) {
      if (!settings.timersDelivered(layout.addresses[i])) {
        continue;
      }
      TimerEntry[] ts = timers[i];
      for (int j = 0; j < ts.length; j++) {
        if (eligible(ts, j)) {
          out.add(new Event.Fire(layout.addresses[i], ts[j]));
        }
      }
    }
    return out;
  }

  /**
   * Timer {@code j} may fire unless a timer set earlier must fire first (its maximum is not above
   * this one's minimum); an equal timer set earlier is the one to fire.
   */
  private static boolean eligible(TimerEntry[] ts, int j) {
    for (int k = 0; k < j; k++) {
      if (ts[k].maxMillis() <= ts[j].minMillis() || ts[k].equals(ts[j])) {
        return false;
      }
    }
    return true;
  }

  /** True if {@code event} can happen in this state under {@code settings}. */
  public boolean enabled(Event event, SearchSettings settings) {
    if (event instanceof Event.Deliver d) {
      return network.contains(d.envelope())
          && layout.index.containsKey(d.envelope().to())
          && settings.deliverable(d.envelope());
    }
    Event.Fire f = (Event.Fire) event;
    Integer i = layout.index.get(f.node());
    if (i == null || !settings.timersDelivered(f.node())) {
      return false;
    }
    TimerEntry[] ts = timers[i];
    for (int j = 0; j < ts.length; j++) {
      if (ts[j].equals(f.timer())) {
        return eligible(ts, j);
      }
    }
    return false;
  }

  /** The state after {@code event} (which must be enabled). */
  public SearchState step(Event event) {
    int i = layout.index.get(event.node());
    Node node = copyNode(nodes[i]);
    Collector fx = new Collector(event.node());
    TimerEntry[] ts = timers[i];
    if (event instanceof Event.Deliver d) {
      node.onMessage(d.envelope().from(), d.envelope().message(), fx);
    } else {
      Event.Fire f = (Event.Fire) event;
      int j = indexOf(ts, f.timer());
      if (j < 0) {
        throw new IllegalArgumentException("no pending timer " + f);
      }
      TimerEntry[] rest = new TimerEntry[ts.length - 1];
      System.arraycopy(ts, 0, rest, 0, j);
      System.arraycopy(ts, j + 1, rest, j, ts.length - j - 1);
      ts = rest;
      node.onTimer(f.timer().timer(), fx);
    }
    Node[] ns = nodes.clone();
    ns[i] = node;
    TimerEntry[][] tss = timers;
    if (ts != timers[i] || !fx.timers.isEmpty()) {
      tss = timers.clone();
      if (!fx.timers.isEmpty()) {
        TimerEntry[] grown = Arrays.copyOf(ts, ts.length + fx.timers.size());
        for (int k = 0; k < fx.timers.size(); k++) {
          grown[ts.length + k] = fx.timers.get(k);
        }
        ts = grown;
      }
      tss[i] = ts;
    }
    Network net = network;
    for (Envelope e : fx.sends) {
      net = net.plus(e);
    }
    if (node instanceof CheckClient cc) {
      int op = cc.submitted() - 1;
      if (op >= 0 && cc.callAfter(op) == null) {
        int[] done = new int[layout.clientSlots.length];
        for (int c = 0; c < done.length; c++) {
          done[c] = ((CheckClient) ns[layout.clientSlots[c]]).completed();
        }
        cc.recordCall(op, done);
      }
    }
    int[] hs = nodeHashes.clone();
    hs[i] = node.hashCode() * 31 + Arrays.hashCode(tss[i]);
    return new SearchState(layout, ns, tss, net, this, event, depth + 1, hs);
  }

  private static int indexOf(TimerEntry[] ts, TimerEntry t) {
    for (int j = 0; j < ts.length; j++) {
      if (ts[j].equals(t)) {
        return j;
      }
    }
    return -1;
  }

  /** All successors under {@code settings}. */
  public List<SearchState> successors(SearchSettings settings) {
    List<Event> es = events(settings);
    List<SearchState> out = new ArrayList<>(es.size());
    for (Event e : es) {
      out.add(step(e));
    }
    return out;
  }

  /** Collects a handler's effects. */
  static final class Collector implements Effects {
    final Address self;
    final List<Envelope> sends = new ArrayList<>(4);
    final List<TimerEntry> timers = new ArrayList<>(2);

    Collector(Address self) {
      this.self = self;
    }

    @Override
    public void send(Address to, Message msg) {
      sends.add(new Envelope(self, to, msg));
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {
      timers.add(new TimerEntry(timer, minMillis, maxMillis));
    }
  }

  // --- what predicates look at -----------------------------------------------------------------

  public List<Address> addresses() {
    return List.of(layout.addresses);
  }

  public Node node(Address a) {
    Integer i = layout.index.get(a);
    if (i == null) {
      throw new IllegalArgumentException("no node " + a);
    }
    return nodes[i];
  }

  public ViewServer viewServer() {
    for (Node n : nodes) {
      if (n instanceof ViewServer v) {
        return v;
      }
    }
    throw new IllegalStateException("no view service in this state");
  }

  public List<PbServer> servers() {
    List<PbServer> out = new ArrayList<>();
    for (Node n : nodes) {
      if (n instanceof PbServer s) {
        out.add(s);
      }
    }
    return out;
  }

  public PbServer server(Address a) {
    return (PbServer) node(a);
  }

  public List<CheckClient> clients() {
    List<CheckClient> out = new ArrayList<>(layout.clientSlots.length);
    for (int slot : layout.clientSlots) {
      out.add((CheckClient) nodes[slot]);
    }
    return out;
  }

  public CheckClient client(Address a) {
    return (CheckClient) node(a);
  }

  /** The messages in flight. */
  public List<Envelope> network() {
    return network.asList();
  }

  /** How many distinct messages are in flight. */
  public int networkSize() {
    return network.size();
  }

  public List<TimerEntry> timers(Address a) {
    return List.of(timers[layout.index.get(a)]);
  }

  /** The state this one was reached from (null for an initial state). */
  public SearchState parent() {
    return parent;
  }

  /** The event that produced this state (null for an initial state). */
  public Event event() {
    return event;
  }

  /** Events from the start of the search (or the initial state) to this state. */
  public int depth() {
    return depth;
  }

  /** The events from the root of this state's search to this state. */
  public List<Event> trace() {
    List<Event> out = new ArrayList<>();
    for (SearchState s = this; s.event != null; s = s.parent) {
      out.add(s.event);
    }
    Collections.reverse(out);
    return out;
  }

  /** The same state as the root of a new search (depth 0, no parent): for phased searches. */
  public SearchState asRoot() {
    return new SearchState(layout, nodes, timers, network, null, null, 0, nodeHashes);
  }

  // --- equality -----------------------------------------------------------------------------

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof SearchState s
        && hashCode() == s.hashCode()
        && Arrays.equals(nodes, s.nodes)
        && Arrays.deepEquals(timers, s.timers)
        && network.equals(s.network);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      long x = network.hash();
      for (int nh : nodeHashes) {
        x = x * 0x9E3779B97F4A7C15L + nh;
      }
      h = (int) (mix64(x) ^ (mix64(x) >>> 32));
      if (h == 0) {
        h = 1;
      }
      hash = h;
    }
    return h;
  }

  /** A 64-bit fingerprint (for statistics and de-duplication of probes). */
  public long fingerprint() {
    long x = network.hash();
    for (int nh : nodeHashes) {
      x = x * 0x9E3779B97F4A7C15L + nh;
    }
    return mix64(x);
  }

  static long mix(int h) {
    return mix64(h * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nodes.length; i++) {
      sb.append("  ")
          .append(nodes[i])
          .append(" timers=")
          .append(Arrays.toString(timers[i]))
          .append('\n');
    }
    sb.append("  in flight: ").append(network.size()).append(" messages");
    return sb.toString();
  }
}
