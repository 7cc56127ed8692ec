package dev.pbkv.sim;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.client.PbClient;
import dev.pbkv.history.History;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.InMemoryViewStore;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A primary/backup deployment inside a {@link Simulation}: one view service, servers and client
 * sessions, with a {@link History} of every client op. Tests and scenarios script it in plain
 * words: start servers, submit commands, wait for views, inject faults through {@link #sim()}.
 */
public final class Cluster {
  /** The view service's address. */
  public static final Address VIEW_SERVICE = Address.of("vs");

  private final Simulation sim;
  private final ViewServiceConfig viewServiceConfig;
  private final ServerConfig serverConfig;
  private final ClientConfig clientConfig;
  private final History history = new History();
  private final List<Address> servers = new ArrayList<>();
  private final List<Address> clients = new ArrayList<>();
  private final InMemoryViewStore viewStore = new InMemoryViewStore();
  private final Map<Address, Long> nextBootIds = new HashMap<>(); // lookups only
  private boolean reuseBootIds;
  private List<Address> viewServices = List.of(VIEW_SERVICE); // every replica, or the one
  private SimElection election; // replicas only

  public Cluster(Simulation sim, ViewServiceConfig vs, ServerConfig server, ClientConfig client) {
    this.sim = sim;
    this.viewServiceConfig = vs;
    this.serverConfig = server;
    this.clientConfig = client;
  }

  /** A cluster with default timings and the given rule switches broken. */
  public static Cluster withRules(long seed, Set<RuleSwitch> rules) {
    return new Cluster(
        new Simulation(seed),
        ViewServiceConfig.defaults().withRules(rules),
        ServerConfig.defaults().withRules(rules),
        ClientConfig.defaults().withRules(rules));
  }

  public static Cluster withDefaults(long seed) {
    return withRules(seed, Set.of());
  }

  public Simulation sim() {
    return sim;
  }

  public ViewServiceConfig viewServiceConfig() {
    return viewServiceConfig;
  }

  public History history() {
    return history;
  }

  /**
   * Starts the view service. Its durable state lives in {@link #viewStore()}, which outlives the
   * node: a {@code sim().restart(VIEW_SERVICE)} resumes from it, as from a disk.
   */
  public void startViewService() {
    sim.addNode(VIEW_SERVICE, incarnation -> new ViewServer(viewServiceConfig, viewStore));
  }

  /**
   * Starts {@code n} view-service replicas {@code vs1..vsN} that share {@link #viewStore()} (as
   * several processes share one ZooKeeper znode; docs/design.md §2.2), and a simulated leader
   * election among them ({@link #election()}); none leads until it is elected. Call it before any
   * server starts: servers and clients ping and ask every replica.
   */
  public List<Address> startViewServiceReplicas(int n) {
    if (n < 2) {
      throw new IllegalArgumentException("replicas: at least 2, got " + n);
    }
    List<Address> replicas = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Address a = Address.of("vs" + i);
      sim.addNode(a, incarnation -> ViewServer.replica(viewServiceConfig, viewStore));
      replicas.add(a);
    }
    viewServices = List.copyOf(replicas);
    election = new SimElection(sim, viewServices);
    return viewServices;
  }

  /** The view-service addresses servers and clients use: every replica, or the one. */
  public List<Address> viewServices() {
    return viewServices;
  }

  /** The replicas' leader election, or {@code null} for a single view service. */
  public SimElection election() {
    return election;
  }

  /** The view service's durable store (it survives crashes of the view service). */
  public InMemoryViewStore viewStore() {
    return viewStore;
  }

  /**
   * Starts a server (it pings the view service at once). Its boot id is the simulator's count of
   * its starts (1, 2, 3…): unique per start, as a random id is over TCP, unless {@link
   * #setNextBootId} or {@link #reuseBootIds} say otherwise.
   */
  public Address startServer(String name) {
    Address a = Address.of(name);
    sim.addNode(
        a, incarnation -> new PbServer(a, viewServices, bootId(a, incarnation), serverConfig));
    servers.add(a);
    return a;
  }

  private long bootId(Address a, long incarnation) {
    Long forced = nextBootIds.remove(a);
    if (forced != null) {
      return forced;
    }
    return reuseBootIds ? 1 : incarnation;
  }

  /**
   * The next start of {@code server} gets boot id {@code bootId} (e.g. lower than the current one,
   * as after a clock stepped back).
   */
  public void setNextBootId(Address server, long bootId) {
    if (bootId == 0) {
      throw new IllegalArgumentException("boot id 0 means \"no incarnation\"");
    }
    nextBootIds.put(server, bootId);
  }

  /**
   * A planted bug for tests: every start of a server gets boot id 1, as when ids come from a clock
   * that does not move between two starts. The view service then cannot tell a restart.
   */
  public void reuseBootIds() {
    reuseBootIds = true;
  }

  /** Adds a client session. */
  public Address addClient(String name) {
    Address a = Address.of(name);
    sim.addNode(
        a, bootId -> new SimClient(new PbClient(a, viewServices, clientConfig), history, sim));
    clients.add(a);
    return a;
  }

  public List<Address> servers() {
    return List.copyOf(servers);
  }

  public List<Address> clients() {
    return List.copyOf(clients);
  }

  // --- state ----------------------------------------------------------------------------------

  /**
   * The view service, or {@code null} while it is crashed. With replicas: the one that leads (the
   * lowest-addressed one if several believe they do), else {@code null}.
   */
  public ViewServer viewServer() {
    if (election == null) {
      return sim.node(VIEW_SERVICE, ViewServer.class);
    }
    for (Address a : viewServices) {
      ViewServer vs = sim.node(a, ViewServer.class);
      if (vs != null && vs.isLeading()) {
        return vs;
      }
    }
    return null;
  }

  /** The view-service replica at {@code a}, or {@code null} while it is crashed. */
  public ViewServer replica(Address a) {
    return sim.node(a, ViewServer.class);
  }

  /**
   * The view service's current view; while it is crashed, the view in its store (the one it will
   * resume from).
   */
  public View view() {
    ViewServer vs = viewServer();
    return vs != null ? vs.view() : viewStore.read().state().view();
  }

  /** The server at {@code a}, or {@code null} while it is crashed. */
  public PbServer server(Address a) {
    return sim.node(a, PbServer.class);
  }

  public PbClient client(Address a) {
    return sim.node(a, SimClient.class).client();
  }

  // --- client operations ----------------------------------------------------------------------

  /** Submits {@code command} from client {@code client} now. */
  public OpHandle submit(Address client, Command command) {
    OpHandle[] handle = new OpHandle[1];
    sim.invoke(client, SimClient.class, (c, fx) -> handle[0] = c.submit(command, fx));
    return handle[0];
  }

  /** Submits and runs until the op returns or {@code limitMillis} pass; the result or null. */
  public Result call(Address client, Command command, long limitMillis) {
    OpHandle h = submit(client, command);
    sim.runUntil(h::isDone, limitMillis);
    return h.result();
  }

  /**
   * Makes {@code client} submit commands from {@code workload} back to back until it returns null.
   */
  public void runWorkload(Address client, Supplier<Command> workload) {
    sim.invoke(client, SimClient.class, (c, fx) -> c.setWorkload(workload, fx));
  }

  // --- waiting --------------------------------------------------------------------------------

  /** Runs until the view service's view satisfies {@code condition}. */
  public boolean awaitView(Predicate<View> condition, long limitMillis) {
    return sim.runUntil(() -> condition.test(view()), limitMillis);
  }

  /** Runs until the view service's view is exactly {@code (num, primary, backup)} and acked. */
  public boolean awaitAckedView(long viewNum, Address primary, Address backup, long limitMillis) {
    return sim.runUntil(
        () -> {
          View v = view();
          return v.viewNum() == viewNum
              && primary.equals(v.primary())
              && java.util.Objects.equals(backup, v.backup())
              && viewServer() != null
              && viewServer().isAcked();
        },
        limitMillis);
  }
}
