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
 * the depth are bookkeeping for traces and take no part in it. A state made by {@link
 * #stepUnlinked} has no parent link (breadth-first search keeps its own compact links, so that the
 * states of earlier levels can be dropped).
 *
 * <p>The 128-bit {@linkplain #fingerprintHigh() fingerprint} identifies a state by the exact ids
 * its parts get from the system's {@link Interner}: equal states have equal fingerprints, and
 * different ones share one only by a 128-bit hash collision (see {@link FingerprintSet}).
 */
public final class SearchState {

  /** Who is in the system, in a fixed order. Shared by every state of a search. */
  static final class Layout {
    final Address[] addresses;
    final Map<Address, Integer> index = new HashMap<>();
    final int[] clientSlots; // node indexes of CheckClients, in order
    final Interner ids = new Interner();

    Layout(Address[] addresses, Node[] nodes) {
      this.addresses = addresses;
      List<Integer> cs = new ArrayList<>();
      for (int i = 0; i < addresses.length; i++) {
        index.put(addresses[i], i);
        if (nodes[i] instanceof AddressedNode an) {
          for (Address alias : an.addresses()) {
            index.put(alias, i);
          }
        }
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
  private final int[] slotIds; // interned id of node and timers, per node; -1 until needed
  private final ClientsMemo clientsMemo; // shared with the parent while the clients are the same
  private long fpHigh;
  private long fpLow;
  private volatile boolean fpDone;

  /**
   * Results of predicates over the clients only, cached for every state that shares these client
   * objects (a successor shares them unless a client handled its event).
   */
  static final class ClientsMemo {
    volatile byte linearizable; // 0 unknown, 1 yes, 2 no
  }

  private SearchState(
      Layout layout,
      Node[] nodes,
      TimerEntry[][] timers,
      Network network,
      SearchState parent,
      Event event,
      int depth,
      int[] nodeHashes,
      int[] slotIds,
      ClientsMemo clientsMemo) {
    this.layout = layout;
    this.nodes = nodes;
    this.timers = timers;
    this.network = network;
    this.parent = parent;
    this.event = event;
    this.depth = depth;
    this.nodeHashes = nodeHashes;
    this.slotIds = slotIds;
    this.clientsMemo = clientsMemo;
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
    this.slotIds = new int[nodes.length];
    Arrays.fill(slotIds, -1);
    this.clientsMemo = new ClientsMemo();
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
        net = net.plus(e, layout.ids);
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

  /** How many events are enabled under {@code settings} (as {@code events(settings).size()}). */
  int eventCount(SearchSettings settings) {
    int n = 0;
    for (int m = 0; m < network.size(); m++) {
      if (deliverable(network.get(m), settings)) {
        n++;
      }
    }
    for (int i = 0; i < nodes.length; i++) {
      if (settings.timersDelivered(layout.addresses[i])) {
        for (int j = 0; j < timers[i].length; j++) {
          if (eligible(timers[i], j)) {
            n++;
          }
        }
      }
    }
    return n;
  }

  /**
   * Enabled event {@code k} (as {@code events(settings).get(k)}), without building the list: for
   * random probes, which take one event of each state.
   */
  Event event(SearchSettings settings, int k) {
    int n = 0;
    for (int m = 0; m < network.size(); m++) {
      if (deliverable(network.get(m), settings) && n++ == k) {
        return new Event.Deliver(network.get(m));
      }
    }
    for (int i = 0; i < nodes.length; i++) {
      if (settings.timersDelivered(layout.addresses[i])) {
        for (int j = 0; j < timers[i].length; j++) {
          if (eligible(timers[i], j) && n++ == k) {
            return new Event.Fire(layout.addresses[i], timers[i][j]);
          }
        }
      }
    }
    throw new IndexOutOfBoundsException("event " + k + " of " + n);
  }

  private boolean deliverable(Envelope e, SearchSettings settings) {
    return layout.index.containsKey(e.to()) && settings.deliverable(e);
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

  /** The state after {@code event} (which must be enabled), linked to this one as its parent. */
  public SearchState step(Event event) {
    return step(event, true, null);
  }

  /** The state after {@code event}, without a parent link (for breadth-first search). */
  SearchState stepUnlinked(Event event) {
    return step(event, false, null);
  }

  /**
   * The state after {@code event}, linked to this one; the messages the handler sent, in order, are
   * added to {@code sent} (for traces).
   */
  SearchState step(Event event, List<Envelope> sent) {
    return step(event, true, sent);
  }

  private SearchState step(Event event, boolean link, List<Envelope> sent) {
    int i = layout.index.get(event.node());
    Node node = copyNode(nodes[i]);
    Collector fx = new Collector(event.node());
    TimerEntry[] ts = timers[i];
    if (event instanceof Event.Deliver d && node instanceof AddressedNode an) {
      an.onMessageAt(d.envelope().to(), d.envelope().from(), d.envelope().message(), fx);
    } else if (event instanceof Event.Deliver d) {
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
      net = net.plus(e, layout.ids);
    }
    if (sent != null) {
      sent.addAll(fx.sends);
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
    int[] ids = slotIds.clone();
    ids[i] = -1;
    ClientsMemo memo = node instanceof CheckClient ? new ClientsMemo() : clientsMemo;
    return new SearchState(
        layout, ns, tss, net, link ? this : null, event, depth + 1, hs, ids, memo);
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
      if (RestartableViewServer.unwrap(n) instanceof ViewServer v) {
        return v;
      }
    }
    throw new IllegalStateException("no view service in this state");
  }

  /** Every view-service node: the one view service, or each replica of a replicated one. */
  public List<ViewServer> viewServers() {
    List<ViewServer> out = new ArrayList<>(2);
    for (Node n : nodes) {
      if (n instanceof ReplicatedViewService r) {
        out.addAll(r.replicas());
      } else if (RestartableViewServer.unwrap(n) instanceof ViewServer v) {
        out.add(v);
      }
    }
    return out;
  }

  /** The replicated view service of this state, or null when it has a single view service. */
  public ReplicatedViewService replicatedViewService() {
    for (Node n : nodes) {
      if (n instanceof ReplicatedViewService r) {
        return r;
      }
    }
    return null;
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

  /**
   * The state this one was reached from (null for an initial state, and for a state made by {@link
   * #stepUnlinked}).
   */
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
    return new SearchState(
        layout, nodes, timers, network, null, null, 0, nodeHashes, slotIds.clone(), clientsMemo);
  }

  ClientsMemo clientsMemo() {
    return clientsMemo;
  }

  Interner interner() {
    return layout.ids;
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

  /**
   * The high half of this state's 128-bit fingerprint: the sum over nodes of a mix of (node index,
   * interned id of the node with its timers), plus the sum over messages in flight of a mix of the
   * message's interned id. The low half uses a second, independent mix. Both are sums, so a
   * successor's fingerprint costs one interning of the node that changed.
   */
  public long fingerprintHigh() {
    if (!fpDone) {
      computeFingerprint();
    }
    return fpHigh;
  }

  /** The low half of the 128-bit fingerprint (see {@link #fingerprintHigh()}). */
  public long fingerprintLow() {
    if (!fpDone) {
      computeFingerprint();
    }
    return fpLow;
  }

  private void computeFingerprint() {
    long h = network.fingerprintHigh();
    long l = network.fingerprintLow();
    for (int i = 0; i < nodes.length; i++) {
      int id = slotIds[i];
      if (id < 0) {
        id = layout.ids.slotId(nodes[i], timers[i], nodeHashes[i]);
        slotIds[i] = id; // racy but idempotent: every thread computes the same id
      }
      long key = ((long) i << 32) | id;
      h += mixHigh(key);
      l += mixLow(key);
    }
    fpHigh = h;
    fpLow = l;
    fpDone = true;
  }

  /** A 64-bit fingerprint (the high half of the 128-bit one). */
  public long fingerprint() {
    return fingerprintHigh();
  }

  static long mix(int h) {
    return mix64(h * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
  }

  /** SplitMix64's finalizer: a bijection with good avalanche. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long mixHigh(long key) {
    return mix64(key * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
  }

  /** MurmurHash3's fmix64 on a differently scrambled key: independent of {@link #mixHigh}. */
  static long mixLow(long key) {
    long z = key * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
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
