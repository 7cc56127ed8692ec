package dev.pbkv.check;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.client.PbClient;
import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Builds the initial state of a primary/backup system for the model checker, with the same node
 * classes the simulator and the TCP runtime drive: a view service {@code vs}, servers {@code s1…}
 * and clients {@code c1…} with fixed workloads.
 */
public final class CheckSystem {
  public static final Address VS = Address.of("vs");

  /** The node that restarts the view service, when {@link #viewServiceRestarts} is on. */
  public static final Address VS_CRASHER = Address.of("vs-crasher");

  /** The replicas of a replicated view service, when {@link #replicatedViewService} is on. */
  public static final Address VS1 = Address.of("vs1");

  public static final Address VS2 = Address.of("vs2");

  /** The node that moves leadership from vs1 to vs2, when {@link #replicatedViewService} is on. */
  public static final Address ELECTION = Address.of("election");

  private int servers = 1;
  private boolean replicated;
  private final List<List<Command>> workloads = new ArrayList<>();
  private Set<RuleSwitch> rules = Set.of();
  private int deadPings = 1;
  private boolean viewServiceRestarts;

  public static CheckSystem create() {
    return new CheckSystem();
  }

  public static Address server(int i) {
    return Address.of("s" + i);
  }

  public static Address client(int i) {
    return Address.of("c" + i);
  }

  public CheckSystem servers(int n) {
    this.servers = n;
    return this;
  }

  /** Adds a client with this workload (called in order, one at a time). */
  public CheckSystem client(Command... workload) {
    workloads.add(List.of(workload));
    return this;
  }

  public CheckSystem rules(Set<RuleSwitch> rules) {
    this.rules = Set.copyOf(rules);
    return this;
  }

  /**
   * The view service may restart from its store: it runs as a {@link RestartableViewServer}, and a
   * {@link RestartableViewServer.ViewServiceCrasher} at {@link #VS_CRASHER} restarts it once its
   * timer fires (stop that node in phases that must not see a restart).
   */
  public CheckSystem viewServiceRestarts(boolean on) {
    this.viewServiceRestarts = on;
    return this;
  }

  /**
   * The view service is two replicas sharing one store ({@link ReplicatedViewService} at {@link
   * #VS}, answering at {@link #VS1} and {@link #VS2}); servers and clients talk to both. vs1 leads
   * from the start; an {@link ReplicatedViewService.Election} at {@link #ELECTION} hands leadership
   * to vs2 once its timer fires, and vs1 may never hear that it lost (stop that node in phases that
   * must not see a leader change).
   */
  public CheckSystem replicatedViewService(boolean on) {
    this.replicated = on;
    return this;
  }

  public CheckSystem deadPings(int n) {
    this.deadPings = n;
    return this;
  }

  public List<Address> serverAddresses() {
    List<Address> out = new ArrayList<>();
    for (int i = 1; i <= servers; i++) {
      out.add(server(i));
    }
    return out;
  }

  public List<Address> clientAddresses() {
    List<Address> out = new ArrayList<>();
    for (int i = 1; i <= workloads.size(); i++) {
      out.add(client(i));
    }
    return out;
  }

  /** The initial state: every node has run {@code init}. */
  public SearchState initialState() {
    LinkedHashMap<Address, Node> nodes = new LinkedHashMap<>();
    factories().forEach((a, f) -> nodes.put(a, f.apply(1)));
    return SearchState.initial(nodes);
  }

  /**
   * How to make each node, in order, from its boot id (1 at its first start): the view service, the
   * servers, the clients. The debugger restarts nodes with these.
   */
  public LinkedHashMap<Address, LongFunction<Node>> factories() {
    ViewServiceConfig vsc =
        new ViewServiceConfig(ViewServiceConfig.DEFAULT_PING_INTERVAL_MILLIS, deadPings, rules);
    // No session expiry: the checker has no time, so a sweep timer could fire after any ping.
    // No back-off either (the cap at the base): the retries' intervals are then constants, exact,
    // and not states; what a retry sends (a probe, the gap it reports) is explored as usual.
    ServerConfig sd = ServerConfig.defaults();
    ServerConfig sc =
        sd.withRules(rules)
            .withSessionExpiryMillis(0)
            .withRetryCapMillis(Math.min(sd.forwardRetryMillis(), sd.transferRetryMillis()));
    ClientConfig cc =
        ClientConfig.defaults()
            .withRules(rules)
            .withRetryCapMillis(ClientConfig.DEFAULT_RETRY_MILLIS);
    LinkedHashMap<Address, LongFunction<Node>> nodes = new LinkedHashMap<>();
    List<Address> viewServices = replicated ? List.of(VS1, VS2) : List.of(VS);
    if (replicated) {
      nodes.put(VS, boot -> new ReplicatedViewService(viewServices, vsc));
    } else if (viewServiceRestarts) {
      nodes.put(VS, boot -> new RestartableViewServer(new ViewServer(vsc)));
    } else {
      nodes.put(VS, boot -> new ViewServer(vsc));
    }
    for (int i = 1; i <= servers; i++) {
      Address a = server(i);
      nodes.put(
          a,
          boot ->
              replicated ? new PbServer(a, viewServices, boot, sc) : new PbServer(a, VS, boot, sc));
    }
    for (int i = 1; i <= workloads.size(); i++) {
      Address a = client(i);
      List<Command> workload = workloads.get(i - 1);
      nodes.put(
          a,
          boot ->
              new CheckClient(
                  replicated ? new PbClient(a, viewServices, cc) : new PbClient(a, VS, cc),
                  workload));
    }
    if (replicated) {
      nodes.put(ELECTION, boot -> new ReplicatedViewService.Election(VS1, VS2));
    }
    if (viewServiceRestarts) {
      nodes.put(VS_CRASHER, boot -> new RestartableViewServer.ViewServiceCrasher(VS));
    }
    return nodes;
  }

  public static Command append(String key, String value) {
    return new Command.Append(key, value);
  }

  public static Command get(String key) {
    return new Command.Get(key);
  }

  public static Command put(String key, String value) {
    return new Command.Put(key, value);
  }
}
