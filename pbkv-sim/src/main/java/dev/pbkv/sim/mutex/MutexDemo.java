package dev.pbkv.sim.mutex;

import dev.pbkv.clock.LamportStamp;
import dev.pbkv.mutex.LamportMutex;
import dev.pbkv.mutex.MutexConfig;
import dev.pbkv.mutex.MutexRule;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.sim.SimListener;
import dev.pbkv.sim.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Lamport's mutual exclusion in the simulator, checked as it runs: a group of {@link LamportMutex}
 * nodes over a network that loses, duplicates and reorders messages; each node asks for the lock a
 * number of times, holds it for a random while, releases it and thinks for a random while.
 *
 * <p>Checked on every event: <b>safety</b> (never two holders at once, after every handler),
 * <b>fairness</b> (each grant goes to the smallest {@code (timestamp, node)} among the requests
 * waiting at that moment, so grants happen in request-stamp order), and at the end <b>liveness</b>
 * (every request was granted and released within the time limit). No node crashes: the algorithm
 * does not tolerate crashed nodes (see {@link LamportMutex}).
 *
 * <p>Each request, grant and release is narrated in plain words. The same seed gives the same run.
 */
public final class MutexDemo {
  private MutexDemo() {}

  /**
   * What to run.
   *
   * @param nodes group size, at least 1
   * @param seed the simulation's seed
   * @param drop probability that a message is lost
   * @param duplicate probability that a message is delivered twice
   * @param minDelayMillis least network delay
   * @param maxDelayMillis greatest network delay (delays in between reorder messages)
   * @param requestsPerNode how often each node asks for the lock
   * @param maxHoldMillis a holder releases after 1 to this many milliseconds
   * @param maxThinkMillis a node asks (again) after 0 to this many milliseconds
   * @param limitMillis virtual time after which the run stops, finished or not
   * @param config the nodes' configuration (timing and rule switches)
   */
  public record Options(
      int nodes,
      long seed,
      double drop,
      double duplicate,
      double minDelayMillis,
      double maxDelayMillis,
      int requestsPerNode,
      long maxHoldMillis,
      long maxThinkMillis,
      long limitMillis,
      MutexConfig config) {

    public Options {
      if (nodes < 1) {
        throw new IllegalArgumentException("a group needs at least 1 node, got " + nodes);
      }
      if (!(drop >= 0 && drop < 1)) {
        throw new IllegalArgumentException("drop must be in [0, 1), got " + drop);
      }
      if (!(duplicate >= 0 && duplicate <= 1)) {
        throw new IllegalArgumentException("duplicate must be in [0, 1], got " + duplicate);
      }
      if (requestsPerNode < 0 || maxHoldMillis < 1 || maxThinkMillis < 0 || limitMillis < 1) {
        throw new IllegalArgumentException(
            "bad workload: requests "
                + requestsPerNode
                + ", hold "
                + maxHoldMillis
                + ", think "
                + maxThinkMillis
                + ", limit "
                + limitMillis);
      }
      Objects.requireNonNull(config, "config");
    }

    /**
     * {@code nodes} nodes, 3 requests each, holds up to 20 ms, thinks up to 30 ms, delays of 1 to
     * 10 ms, no loss, a limit of 10 minutes of virtual time, default configuration.
     */
    public static Options of(int nodes, long seed) {
      return new Options(nodes, seed, 0, 0, 1, 10, 3, 20, 30, 600_000, MutexConfig.defaults());
    }

    /** These options with the given loss and duplication. */
    public Options withFaults(double newDrop, double newDuplicate) {
      return new Options(
          nodes,
          seed,
          newDrop,
          newDuplicate,
          minDelayMillis,
          maxDelayMillis,
          requestsPerNode,
          maxHoldMillis,
          maxThinkMillis,
          limitMillis,
          config);
    }

    /** These options with network delays between {@code min} and {@code max} milliseconds. */
    public Options withDelay(double min, double max) {
      return new Options(
          nodes,
          seed,
          drop,
          duplicate,
          min,
          max,
          requestsPerNode,
          maxHoldMillis,
          maxThinkMillis,
          limitMillis,
          config);
    }

    /** These options with another number of requests per node. */
    public Options withRequestsPerNode(int n) {
      return new Options(
          nodes,
          seed,
          drop,
          duplicate,
          minDelayMillis,
          maxDelayMillis,
          n,
          maxHoldMillis,
          maxThinkMillis,
          limitMillis,
          config);
    }

    /** These options with {@code rules} broken on purpose. */
    public Options withRules(Set<MutexRule> rules) {
      return new Options(
          nodes,
          seed,
          drop,
          duplicate,
          minDelayMillis,
          maxDelayMillis,
          requestsPerNode,
          maxHoldMillis,
          maxThinkMillis,
          limitMillis,
          config.withRules(rules));
    }

    /** The node addresses: n1, n2, … */
    public List<Address> addresses() {
      List<Address> out = new ArrayList<>();
      for (int i = 1; i <= nodes; i++) {
        out.add(Address.of("n" + i));
      }
      return out;
    }
  }

  /**
   * One entry into the critical section.
   *
   * @param order 1 for the first grant of the run, 2 for the next, …
   * @param node who entered
   * @param request the stamp of the request that was granted
   * @param requestedMicros when the node asked (virtual time)
   * @param grantedMicros when it entered
   */
  public record Grant(
      int order, Address node, LamportStamp request, long requestedMicros, long grantedMicros) {
    @Override
    public String toString() {
      return "#" + order + " " + node + " (request " + request + ")";
    }
  }

  /**
   * What happened.
   *
   * @param options what was run
   * @param grants every entry into the critical section, in the order they happened
   * @param requestsMade requests made ({@code nodes × requestsPerNode} when the run finished)
   * @param releases releases made
   * @param maxHolders the most nodes that held the lock at the same moment
   * @param unfairGrants grants that went to a request while an earlier-stamped one was waiting
   * @param messagesSent messages sent on the network (channel data, retransmissions, acks)
   * @param messagesLost messages the network lost
   * @param virtualMicros virtual time the run took
   * @param problems safety, fairness and liveness violations, in words (empty when correct)
   */
  public record Report(
      Options options,
      List<Grant> grants,
      int requestsMade,
      int releases,
      int maxHolders,
      int unfairGrants,
      long messagesSent,
      long messagesLost,
      long virtualMicros,
      List<String> problems) {

    public Report {
      grants = List.copyOf(grants);
      problems = List.copyOf(problems);
    }

    /** Never two holders at once. */
    public boolean safe() {
      return maxHolders <= 1;
    }

    /** Every request of the workload was made, granted and released. */
    public boolean live() {
      int expected = options.nodes() * options.requestsPerNode();
      return requestsMade == expected && grants.size() == expected && releases == expected;
    }

    /** Every grant went to the smallest request stamp waiting at that moment. */
    public boolean fair() {
      return unfairGrants == 0;
    }

    /** Safe, live and fair. */
    public boolean passed() {
      return safe() && live() && fair();
    }

    /** One line: the outcome and its numbers. */
    public String summary() {
      return String.format(
          Locale.ROOT,
          "%d node%s, seed %d: %d of %d requests granted, at most %d holder%s at once,"
              + " %d messages sent (%d lost), %s virtual — %s",
          options.nodes(),
          options.nodes() == 1 ? "" : "s",
          options.seed(),
          grants.size(),
          options.nodes() * options.requestsPerNode(),
          maxHolders,
          maxHolders == 1 ? "" : "s",
          messagesSent,
          messagesLost,
          Simulation.formatMillis(virtualMicros),
          (safe() ? "safe" : "UNSAFE")
              + ", "
              + (live() ? "live" : "NOT LIVE")
              + ", "
              + (fair() ? "fair" : "UNFAIR"));
    }
  }

  /** Runs {@code nodes} nodes, 3 requests each, with the given faults; narrates each step. */
  public static Report run(
      int nodes, long seed, double drop, double duplicate, Consumer<String> narration) {
    return run(Options.of(nodes, seed).withFaults(drop, duplicate), narration, sim -> {});
  }

  /**
   * Runs {@code options}, narrating each request, grant and release. {@code beforeStart} sees the
   * simulation before any node is added (e.g. to attach a tracing listener).
   */
  public static Report run(
      Options options, Consumer<String> narration, Consumer<Simulation> beforeStart) {
    return new Runner(options, narration).run(beforeStart);
  }

  /** The driver and checker of one run. */
  private static final class Runner implements SimListener {
    private static final int MAX_PROBLEMS = 20;

    final Options o;
    final Consumer<String> narration;
    final Simulation sim;
    final List<Address> addresses;
    final TreeMap<Address, RandomGenerator> workload = new TreeMap<>();
    final TreeMap<Address, Integer> requestsLeft = new TreeMap<>();
    final TreeMap<Address, LamportStamp> waiting = new TreeMap<>(); // asked, not yet granted
    final TreeMap<Address, Long> askedAt = new TreeMap<>();
    final TreeMap<Address, LamportStamp> holders = new TreeMap<>();
    final List<Grant> grants = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    int requestsMade;
    int releases;
    int maxHolders;
    int unfairGrants;
    Address asking; // the node whose request() is running
    long sent;
    long lost;

    Runner(Options o, Consumer<String> narration) {
      this.o = o;
      this.narration = narration;
      this.sim = new Simulation(o.seed());
      this.addresses = o.addresses();
    }

    Report run(Consumer<Simulation> beforeStart) {
      sim.setDelay(o.minDelayMillis(), o.maxDelayMillis());
      sim.setDropProbability(o.drop());
      sim.setDuplicateProbability(o.duplicate());
      beforeStart.accept(sim);
      sim.addListener(this);
      for (Address a : addresses) {
        sim.addNode(a, bootId -> new LamportMutex(a, addresses, o.config()));
        workload.put(a, sim.stream("mutex-workload:" + a));
        requestsLeft.put(a, o.requestsPerNode());
      }
      say(
          o.nodes()
              + (o.nodes() == 1 ? " node " : " nodes ")
              + addresses
              + (o.nodes() == 1 ? " uses" : " share")
              + " one lock; each asks for it "
              + (o.requestsPerNode() == 1 ? "once" : o.requestsPerNode() + " times")
              + (o.config().rules().isEmpty()
                  ? ""
                  : "; broken on purpose: "
                      + o.config().rules().stream()
                          .map(r -> r + " (" + r.description() + ")")
                          .collect(Collectors.joining(", "))));
      for (Address a : addresses) {
        if (o.requestsPerNode() > 0) {
          sim.at(think(a), () -> request(a));
        }
      }
      int total = o.nodes() * o.requestsPerNode();
      sim.runUntil(() -> releases == total, o.limitMillis());
      long end = sim.nowMicros();
      if (releases < total) {
        problem(livenessProblem(total));
      }
      return new Report(
          o,
          grants,
          requestsMade,
          releases,
          maxHolders,
          unfairGrants,
          sent,
          lost,
          end,
          List.copyOf(problems));
    }

    private long think(Address a) {
      return workload.get(a).nextLong(o.maxThinkMillis() + 1);
    }

    private void request(Address a) {
      requestsMade++;
      requestsLeft.merge(a, -1, Integer::sum);
      askedAt.put(a, sim.nowMicros());
      asking = a; // onHandled narrates the request (it may be granted at once)
      sim.invoke(a, LamportMutex.class, (m, fx) -> m.request(fx));
      asking = null;
    }

    private void release(Address a) {
      LamportStamp request = holders.get(a);
      sim.invoke(a, LamportMutex.class, (m, fx) -> m.release(fx));
      releases++;
      say(
          a
              + " leaves the critical section and releases request "
              + request
              + " (release stamped "
              + mutex(a).time()
              + "@"
              + a
              + ")");
      if (requestsLeft.get(a) > 0) {
        sim.at(think(a), () -> request(a));
      }
    }

    private LamportMutex mutex(Address a) {
      return sim.node(a, LamportMutex.class);
    }

    @Override
    public void onSend(long micros, long id, Address from, Address to, Message msg) {
      sent++;
    }

    @Override
    public void onDrop(long micros, long id, Address from, Address to, Message msg, String why) {
      lost++;
    }

    /** Safety and fairness, after every handler of every node. */
    @Override
    public void onHandled(long micros, Address address, Node node) {
      if (!(node instanceof LamportMutex m)) {
        return;
      }
      if (address.equals(asking)) {
        asking = null;
        waiting.put(address, m.ownRequest());
        say(
            address
                + " asks for the lock: request "
                + m.ownRequest()
                + (addresses.size() == 1 ? "" : " goes to every other node"));
      }
      boolean holds = m.holdsLock();
      boolean held = holders.containsKey(address);
      if (holds && !held) {
        granted(address, m);
      } else if (!holds && held) {
        holders.remove(address);
      }
    }

    private void granted(Address a, LamportMutex m) {
      LamportStamp request = m.ownRequest();
      waiting.remove(a);
      holders.put(a, request);
      maxHolders = Math.max(maxHolders, holders.size());
      Grant g =
          new Grant(grants.size() + 1, a, request, askedAt.getOrDefault(a, 0L), sim.nowMicros());
      grants.add(g);
      List<Address> without = new ArrayList<>();
      for (Address peer : addresses) {
        LamportStamp latest = m.latestFrom().get(peer);
        if (!peer.equals(a) && (latest == null || !request.isBefore(latest))) {
          without.add(peer);
        }
      }
      say(
          a
              + " enters the critical section (grant #"
              + g.order()
              + "): its request "
              + request
              + " heads its queue"
              + (addresses.size() == 1
                  ? ""
                  : without.isEmpty()
                      ? " and every other node has sent it a later-stamped message"
                      : ", but it has no later-stamped message from " + without));
      if (holders.size() > 1) {
        problem(
            "unsafe: "
                + holders.size()
                + " holders at once at "
                + Simulation.formatMillis(sim.nowMicros())
                + ": "
                + holders);
        say("!! two nodes hold the lock at once: " + holders);
      }
      boolean fair = true;
      for (Map.Entry<Address, LamportStamp> w : waiting.entrySet()) {
        if (w.getValue().isBefore(request)) {
          fair = false;
          problem(
              "unfair: "
                  + a
                  + " was granted request "
                  + request
                  + " while the earlier request "
                  + w.getValue()
                  + " was waiting");
        }
      }
      if (grants.size() > 1) {
        Grant previous = grants.get(grants.size() - 2);
        if (!previous.request().isBefore(request)) {
          fair = false;
          problem(
              "unfair: grant #"
                  + g.order()
                  + " (request "
                  + request
                  + ") came after grant #"
                  + previous.order()
                  + " (request "
                  + previous.request()
                  + ")");
        }
      }
      if (!fair) {
        unfairGrants++;
      }
      long hold = 1 + workload.get(a).nextLong(o.maxHoldMillis());
      sim.at(hold, () -> release(a));
    }

    private String livenessProblem(int total) {
      StringBuilder sb =
          new StringBuilder("not live: ")
              .append(releases)
              .append(" of ")
              .append(total)
              .append(" requests done within ")
              .append(o.limitMillis())
              .append(" ms");
      for (Map.Entry<Address, LamportStamp> w : waiting.entrySet()) {
        LamportMutex m = mutex(w.getKey());
        sb.append("; ")
            .append(w.getKey())
            .append(" waits with ")
            .append(w.getValue())
            .append(" (queue ")
            .append(m.queue())
            .append(", no later-stamped message yet from ")
            .append(m.waitingFor())
            .append(")");
      }
      return sb.toString();
    }

    private void problem(String p) {
      if (problems.size() < MAX_PROBLEMS) {
        problems.add(p);
      }
    }

    private void say(String line) {
      narration.accept(Simulation.formatMillis(sim.nowMicros()) + "  " + line);
    }
  }
}
