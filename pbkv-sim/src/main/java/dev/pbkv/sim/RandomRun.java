package dev.pbkv.sim;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.history.AppendCheck;
import dev.pbkv.history.CheckResult;
import dev.pbkv.history.HistoryOp;
import dev.pbkv.history.LinearizabilityChecker;
import dev.pbkv.history.ScanCheck;
import dev.pbkv.history.Slowdown;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * A random workload under random faults, then a healing phase, then the checks. Faults come from
 * the run's "faults" stream, the workload from one stream per client, so a seed reproduces the run
 * exactly ({@link RandomRunReport#fingerprint()}).
 *
 * <p>Safety, checked on every run: never two servers answering clients as primary of the same view
 * ({@link PrimaryPerViewCheck}); the history is linearizable ({@link LinearizabilityChecker}) and
 * in the default swarm every page of the scanner session's scans passes {@link ScanCheck}; on
 * append-only keys nothing acknowledged is lost or applied twice ({@link AppendCheck}). Liveness:
 * once every fault is healed and every crashed server restarted, every pending op completes and
 * primary and backup hold equal state (data and at-most-once table). Faults come one at a time (the
 * next only once the cluster has an acked view with a backup again), except in {@link
 * SwarmMode#OVERLAP}; where overlapping failures reach one of the lecture's stuck cases, the run
 * reports it as expected. {@link RandomRunOptions#mode()} sets chunk sizes, windows and the session
 * expiry, whether clients retire a session on timeout, and whether the view service crashes ({@link
 * SwarmMode#VIEWSERVICE}; {@link ViewServiceChecks} watches it in every mode).
 */
public final class RandomRun {
  private static final long HEAL_LIMIT_MILLIS = 30_000;
  private static final long RETIRE_CHECK_MILLIS = 20;
  private static final long DEAD_MILLIS =
      ViewServiceConfig.DEFAULT_PING_INTERVAL_MILLIS * ViewServiceConfig.DEFAULT_DEAD_PINGS;

  /** The linearizability checker's time budget per run; UNKNOWN never counts as a pass. */
  // Wall-clock (the checker counts no work): stretched on a busy machine, see Slowdown.
  private static final Duration CHECK_BUDGET = Slowdown.scale(Duration.ofSeconds(20));

  private final RandomRunOptions options;
  private final Cluster cluster;
  private final Simulation sim;
  private final RandomGenerator faults;
  private final List<String> faultLog = new ArrayList<>();
  private final List<Address> crashed = new ArrayList<>();
  private final RunFingerprint fingerprint = new RunFingerprint();
  private final PrimaryPerViewCheck primaryPerView;
  private final SwarmMode.Knobs knobs;
  private final List<Address> workers = new ArrayList<>(); // client sessions running the workload
  private int retired;
  private final ViewServiceChecks viewServiceChecks;
  private final RandomGenerator viewServiceFaults;
  private boolean crashViewServiceAtNextChange;
  private boolean stopFaults;
  private final boolean replicas; // SwarmMode.REPLICAS: three view-service replicas
  private int padBytes; // SwarmMode.PRESSURE: puts carry values this long at least
  private final List<Address[]> limitedLinks = new ArrayList<>(); // SwarmMode.PRESSURE
  private final LinkDuplicates duplicates = new LinkDuplicates(); // SwarmMode.PRESSURE

  public RandomRun(RandomRunOptions options) {
    this.options = options;
    this.knobs = options.mode().knobs(options.seed());
    this.cluster =
        options.mode() == SwarmMode.DEFAULT
            ? Cluster.withRules(options.seed(), options.rules())
            : new Cluster(
                new Simulation(options.seed()),
                ViewServiceConfig.defaults().withRules(options.rules()),
                knobs.serverConfig(ServerConfig.defaults()).withRules(options.rules()),
                ClientConfig.defaults().withRules(options.rules()));
    this.sim = cluster.sim();
    this.faults = sim.faultRandom();
    this.primaryPerView = new PrimaryPerViewCheck(sim);
    this.viewServiceChecks = new ViewServiceChecks(sim, cluster.viewServiceConfig());
    viewServiceChecks.watchStore(cluster.viewStore());
    this.viewServiceFaults = sim.stream("viewservice-faults");
    this.replicas = knobs.replicaSessionMillis() > 0;
  }

  public Cluster cluster() {
    return cluster;
  }

  public RandomRunReport run() {
    sim.setDelay(1, options.maxDelayMillis());
    sim.setDropProbability(options.drop());
    sim.setDuplicateProbability(options.duplicate());
    sim.recordSends(options.replays());
    sim.addListener(fingerprint);
    sim.addListener(primaryPerView);
    sim.addListener(viewServiceChecks);
    if (knobs.viewServiceCrashes()) {
      sim.addListener(new ViewChangeCrasher());
      // Half of the runs crash the view service right after it makes its first view.
      crashViewServiceAtNextChange = viewServiceFaults.nextBoolean();
    }
    sim.addListener(
        new SimListener() {
          @Override
          public void onFault(long micros, String description) {
            faultLog.add(Simulation.formatMillis(micros) + " " + description);
          }
        });
    if (replicas) {
      List<Address> r = cluster.startViewServiceReplicas(3);
      cluster.election().elect(r.get(0));
      cluster.election().automatic(knobs.replicaSessionMillis());
    } else {
      cluster.startViewService();
    }
    for (int i = 1; i <= options.servers(); i++) {
      cluster.startServer("s" + i);
      sim.runFor(20);
    }
    if (options.mode() == SwarmMode.PRESSURE) {
      limitLinks();
    }
    for (int i = 1; i <= options.clients(); i++) {
      Address client = cluster.addClient("c" + i);
      workers.add(client);
      cluster.runWorkload(client, workload(client));
    }
    if (options.scans()) {
      Address scanner = cluster.addClient("scan");
      workers.add(scanner);
      cluster.runWorkload(scanner, scans());
    }
    if (knobs.clientTimeoutMillis() > 0) {
      sim.at(RETIRE_CHECK_MILLIS, this::retireTimedOutSessions);
    }
    if (options.partitions()
        || options.isolations()
        || options.crashes()
        || options.pauses()
        || options.replays()
        || knobs.viewServiceCrashes()
        || replicas) {
      sim.at(200 + faults.nextLong(400), this::injectFault);
    }
    sim.runFor(options.durationMillis());

    // Healing phase: no more faults or new ops; everything pending must complete.
    stopFaults = true;
    sim.heal();
    sim.setDropProbability(0);
    sim.setDuplicateProbability(0);
    for (Address a : List.copyOf(crashed)) {
      sim.restart(a);
    }
    crashed.clear();
    List<String> violations = new ArrayList<>();
    String stuck = null;
    String expectedStuck = null;
    boolean drained =
        sim.runUntil(
            () -> cluster.clients().stream().noneMatch(c -> sim.node(c, SimClient.class).isBusy()),
            HEAL_LIMIT_MILLIS);
    Map<String, String> finalValues = new LinkedHashMap<>();
    if (drained) {
      Address reader = cluster.addClient("reader");
      for (String key : keys()) {
        Result r = cluster.call(reader, new Command.Get(key), HEAL_LIMIT_MILLIS);
        if (!(r instanceof Result.Value v)) {
          drained = false;
          break;
        }
        finalValues.put(key, v.value() == null ? "" : v.value());
      }
    }
    if (drained) {
      checkReplicasAgree(violations);
    } else {
      ViewServer vs = cluster.viewServer(); // up again: the healing phase restarted it
      String problem = vs == null ? "the view service is down" : vs.progressProblem();
      if (problem != null
          && (problem.contains("lost its state") || problem.contains("no backup"))) {
        expectedStuck = problem;
      } else {
        stuck =
            "ops still pending "
                + HEAL_LIMIT_MILLIS
                + " ms after healing; view service: "
                + cluster.view()
                + (problem == null ? "" : ", " + problem);
      }
    }

    List<HistoryOp> ops = resultsKnown(cluster.history().ops());
    violations.addAll(primaryPerView.violations());
    violations.addAll(viewServiceChecks.violations());
    CheckResult linearizable = LinearizabilityChecker.check(ops, CHECK_BUDGET);
    if (!linearizable.passed()) {
      violations.add("history " + linearizable.verdict() + ": " + linearizable.explanation());
    }
    violations.addAll(ScanCheck.check(ops));
    if (drained) {
      List<HistoryOp> appendOnly =
          ops.stream()
              .filter(op -> !(op.command() instanceof Command.Scan))
              .filter(op -> op.command().key().startsWith("a"))
              .toList();
      Map<String, String> appendFinal = new HashMap<>(finalValues);
      appendFinal.keySet().removeIf(k -> !k.startsWith("a"));
      violations.addAll(AppendCheck.check(appendOnly, appendFinal));
    }
    checkNoResends(violations);
    long completed = cluster.history().ops().stream().filter(op -> !op.isIndeterminate()).count();
    return new RandomRunReport(
        options,
        completed,
        ops.size() - completed,
        cluster.view().viewNum(),
        faultLog,
        sim.eventsProcessed(),
        sim.nowMillis(),
        violations,
        stuck,
        expectedStuck,
        fingerprint.hex());
  }

  /**
   * The history as the checks take it: an op answered {@link Result.Unavailable} (a retried large
   * append whose key was replaced since, docs/design.md §4.3; the {@code pressure} mode's large
   * puts make them) executed, but its result is unknown, so it is checked as indeterminate (it may
   * have taken effect at any point after its call) — weaker than "took effect before it returned",
   * never a false violation.
   */
  private static List<HistoryOp> resultsKnown(List<HistoryOp> ops) {
    if (ops.stream().noneMatch(op -> op.result() instanceof Result.Unavailable)) {
      return ops;
    }
    return ops.stream()
        .map(
            op ->
                op.result() instanceof Result.Unavailable
                    ? new HistoryOp(
                        op.id(), op.client(), op.callMicros(), HistoryOp.NEVER, op.command(), null)
                    : op)
        .toList();
  }

  /**
   * {@link SwarmMode#PRESSURE}: limits some directions between servers (s1 to s2, the first
   * primary's to its first backup, always; each other with probability 1/3) and draws the value
   * size, from the mode's own stream.
   */
  private void limitLinks() {
    RandomGenerator r = sim.stream("pressure");
    padBytes = 256 << r.nextInt(6); // 256 B .. 8 KiB
    List<Address> servers = cluster.servers();
    for (Address from : servers) {
      for (Address to : servers) {
        boolean first = from.equals(servers.get(0)) && to.equals(servers.get(1));
        if (!from.equals(to) && (first || r.nextInt(3) == 0)) {
          limitedLinks.add(new Address[] {from, to});
        }
      }
    }
    for (Address[] link : limitedLinks) {
      sim.limitLink(link[0], link[1], 50_000 + r.nextLong(500_001), (64L << 10) << r.nextInt(5));
      duplicates.watch(link[0], link[1]);
    }
    sim.addListener(duplicates);
  }

  /** What the limited links carried twice ({@link SwarmMode#PRESSURE}; empty in other modes). */
  LinkDuplicates linkDuplicates() {
    return duplicates;
  }

  /**
   * {@link SwarmMode#PRESSURE}: a retry re-sends nothing by itself (docs/design.md §4.1, §4.2), so
   * no forward entry or chunk leaves a server's retry timer over a limited link while an earlier
   * copy is still on it or the receiver has acknowledged it ({@link LinkDuplicates}). Copies sent
   * in answer to a gap report are not counted: under loss and duplication the correct protocol
   * makes some (a duplicated probe is answered twice), whereas go-back-N retries make them from the
   * timer, loss or not.
   */
  private void checkNoResends(List<String> violations) {
    Map<LinkDuplicates.Link, LinkDuplicates.Counts> counts = duplicates.counts();
    for (Address[] link : limitedLinks) {
      LinkDuplicates.Counts d = counts.get(new LinkDuplicates.Link(link[0], link[1]));
      if (d.retryDuplicateBytes > 0) {
        violations.add(
            String.format(
                Locale.ROOT,
                "link %s -> %s: retries re-sent %s of forwarded entries and chunks that the link"
                    + " still carried or %s had acknowledged (%s sent again in all, of %s)",
                link[0],
                link[1],
                Simulation.formatBytes(d.retryDuplicateBytes),
                link[1],
                Simulation.formatBytes(d.duplicateBytes()),
                Simulation.formatBytes(d.bytes())));
      }
    }
  }

  /** A put's value: the token, padded to the pressure mode's value size. */
  private String value(String token) {
    return padBytes <= token.length() ? token : token + "=".repeat(padBytes - token.length());
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < options.appendKeys(); i++) {
      keys.add("a" + i);
    }
    for (int i = 0; i < options.mixedKeys(); i++) {
      keys.add("m" + i);
    }
    return keys;
  }

  /** At rest, the backup must hold exactly the primary's state: data and at-most-once table. */
  private void checkReplicasAgree(List<String> violations) {
    boolean agree =
        sim.runUntil(
            () -> {
              View v = cluster.view();
              ViewServer vs = cluster.viewServer();
              if (vs == null) {
                return false; // never: the healing phase restarted it
              }
              if (!v.hasBackup() || !vs.isAcked()) {
                return !v.hasBackup();
              }
              PbServer p = cluster.server(v.primary());
              PbServer b = cluster.server(v.backup());
              return p != null
                  && b != null
                  && p.isServing()
                  && b.hasInstalledState()
                  && p.stateSnapshot().equals(b.stateSnapshot());
            },
            5_000);
    if (!agree) {
      View v = cluster.view();
      PbServer p = cluster.server(v.primary());
      PbServer b = v.hasBackup() ? cluster.server(v.backup()) : null;
      violations.add(
          "at rest, primary and backup of view "
              + v
              + " do not hold equal state: "
              + (p == null || b == null ? "one is down" : describeDifference(p, b)));
    }
  }

  private static String describeDifference(PbServer p, PbServer b) {
    Snapshot ps = p.stateSnapshot();
    Snapshot bs = b.stateSnapshot();
    List<String> diffs = new ArrayList<>();
    for (String k : new java.util.TreeSet<>(ps.data().keySet())) {
      if (!ps.data().get(k).equals(bs.data().get(k))) {
        diffs.add(k + ": " + abbreviate(ps.data().get(k)) + " vs " + abbreviate(bs.data().get(k)));
      }
    }
    for (String k : new java.util.TreeSet<>(bs.data().keySet())) {
      if (!ps.data().containsKey(k)) {
        diffs.add(k + ": absent vs " + abbreviate(bs.data().get(k)));
      }
    }
    if (!ps.sessions().equals(bs.sessions())) {
      diffs.add(
          "at-most-once tables differ ("
              + ps.sessions().size()
              + " vs "
              + bs.sessions().size()
              + " sessions)");
    }
    if (!p.isServing() || !b.hasInstalledState()) {
      diffs.add(
          "primary serving: " + p.isServing() + ", backup installed: " + b.hasInstalledState());
    }
    return String.join("; ", diffs.subList(0, Math.min(5, diffs.size())));
  }

  /** At most 40 characters of {@code value}: its end, where replicas usually differ. */
  private static String abbreviate(String value) {
    if (value == null) {
      return "absent";
    }
    return value.length() <= 40
        ? "\"" + value + "\""
        : "\"…" + value.substring(value.length() - 40) + "\" (" + value.length() + " chars)";
  }

  /**
   * Commands from the client's own stream: appends of unique tokens and reads on append-only keys;
   * the op mix on mixed keys.
   */
  private Supplier<Command> workload(Address client) {
    RandomGenerator r = sim.stream("workload-" + client.name());
    List<String> keys = keys();
    RandomRunOptions.OpMix mix = options.mix();
    long[] n = {0};
    int readPercent = 10 + r.nextInt(86); // some clients mostly write, some mostly read
    return () -> {
      if (stopFaults) {
        return null; // the healing phase submits nothing new
      }
      String key = keys.get(r.nextInt(keys.size()));
      String token = client.name() + "." + (++n[0]) + ";";
      if (key.startsWith("a")) {
        return r.nextInt(100) < readPercent ? new Command.Get(key) : new Command.Append(key, token);
      }
      int pick = r.nextInt(mix.total());
      if ((pick -= mix.get()) < 0) {
        return new Command.Get(key);
      } else if ((pick -= mix.put()) < 0) {
        return new Command.Put(key, value(token));
      } else if ((pick -= mix.append()) < 0) {
        return new Command.Append(key, token);
      } else if ((pick -= mix.cas()) < 0) {
        return new Command.CompareAndSet(key, r.nextBoolean() ? null : token, token);
      }
      return new Command.Delete(key);
    };
  }

  /**
   * The scanner session's commands, from its own stream: pages of keys over every key, one kind of
   * key or one key's prefix, from the start or after a random key, with small limits so that a
   * listing takes several pages (checked by {@link ScanCheck}).
   */
  private Supplier<Command> scans() {
    RandomGenerator r = sim.stream("workload-scan");
    List<String> keys = keys();
    return () -> {
      if (stopFaults) {
        return null;
      }
      String prefix =
          switch (r.nextInt(4)) {
            case 0 -> "";
            case 1 -> "a";
            case 2 -> "m";
            default -> keys.get(r.nextInt(keys.size())).substring(0, 2);
          };
      String after = r.nextBoolean() ? null : keys.get(r.nextInt(keys.size()));
      return new Command.Scan(
          prefix, after, 1 + r.nextInt(Math.min(Command.Scan.MAX_PAGE_KEYS, keys.size() + 1)));
    };
  }

  /**
   * A session whose op has waited longer than the client timeout is retired, as {@code PbkvClient}
   * does: its op stays indeterminate and a new session (a new address, so a new at-most-once
   * identity) takes over the workload. Also while healing: a session that retried for longer than
   * the servers' expiry would break the rule for clients (docs/design.md §4.3).
   */
  private void retireTimedOutSessions() {
    long limitMicros = knobs.clientTimeoutMillis() * 1000;
    for (Address a : List.copyOf(workers)) {
      SimClient c = sim.node(a, SimClient.class);
      OpHandle op = c.current();
      if (op != null && sim.nowMicros() - op.op().callMicros() >= limitMicros) {
        workers.remove(a);
        java.util.function.Supplier<Command> rest = c.retire();
        Address next = cluster.addClient(a.name().replaceFirst("\\..*", "") + "." + (++retired));
        workers.add(next);
        sim.note("retire session " + a + " after " + knobs.clientTimeoutMillis() + " ms: " + next);
        if (rest != null) {
          cluster.runWorkload(next, rest);
        }
      }
    }
    sim.at(RETIRE_CHECK_MILLIS, this::retireTimedOutSessions);
  }

  /**
   * {@link SwarmMode#VIEWSERVICE}: crashes the view service now and restarts it from its store 50
   * ms to two dead intervals later (its store survives: docs/design.md §2).
   */
  private void crashViewService() {
    if (stopFaults || !sim.isUp(Cluster.VIEW_SERVICE)) {
      return;
    }
    sim.crash(Cluster.VIEW_SERVICE);
    crashed.add(Cluster.VIEW_SERVICE);
    sim.at(
        50 + viewServiceFaults.nextLong(2 * DEAD_MILLIS),
        () -> {
          if (crashed.remove(Cluster.VIEW_SERVICE)) {
            sim.restart(Cluster.VIEW_SERVICE);
          }
        });
  }

  /**
   * {@link SwarmMode#VIEWSERVICE}: crashes the view service right after it makes a new view, when
   * asked to.
   */
  private final class ViewChangeCrasher implements SimListener {
    private View last = View.INITIAL;

    @Override
    public void onHandled(long micros, Address address, dev.pbkv.node.Node node) {
      if (!(node instanceof ViewServer vs)) {
        return;
      }
      View v = vs.view();
      if (v.viewNum() > last.viewNum() && crashViewServiceAtNextChange) {
        crashViewServiceAtNextChange = false;
        sim.at(0, RandomRun.this::crashViewService);
      }
      last = v;
    }
  }

  /** The view service, or one of its replicas at random ({@link SwarmMode#REPLICAS}). */
  private Address viewServiceTarget() {
    List<Address> all = cluster.viewServices();
    return all.size() == 1 ? all.get(0) : all.get(viewServiceFaults.nextInt(all.size()));
  }

  /**
   * {@link SwarmMode#REPLICAS}: crash the leading replica (restarted 50 ms to two dead intervals
   * later), pause it past its election session, or elect another replica without telling the old
   * leader for 700 ms to three dead intervals while each of the two stops hearing one server (so
   * that, leading at once, they see different servers alive).
   */
  private void replicaFault(List<Address> servers) {
    SimElection election = cluster.election();
    Address leader = election.elected();
    if (leader == null || !sim.isUp(leader) || sim.isPaused(leader)) {
      return;
    }
    int what = viewServiceFaults.nextInt(3);
    if (what == 0) {
      sim.crash(leader);
      crashed.add(leader);
      sim.at(
          50 + viewServiceFaults.nextLong(2 * DEAD_MILLIS),
          () -> {
            if (crashed.remove(leader)) {
              sim.restart(leader);
            }
          });
    } else if (what == 1) {
      sim.pause(leader, knobs.replicaSessionMillis() + 100 + viewServiceFaults.nextLong(700));
    } else {
      List<Address> others = new ArrayList<>(cluster.viewServices());
      others.remove(leader);
      others.removeIf(a -> !sim.isUp(a) || sim.isPaused(a));
      if (others.isEmpty()) {
        return;
      }
      Address next = others.get(viewServiceFaults.nextInt(others.size()));
      sim.cut(servers.get(viewServiceFaults.nextInt(servers.size())), leader);
      sim.cut(servers.get(viewServiceFaults.nextInt(servers.size())), next);
      election.electUnnoticed(next, 700 + viewServiceFaults.nextLong(2 * DEAD_MILLIS));
    }
  }

  private void injectFault() {
    if (stopFaults) {
      return;
    }
    if (knobs.overlapFaults()) {
      injectOverlappingFault();
      return;
    }
    List<Address> servers = cluster.servers();
    Address victim = servers.get(faults.nextInt(servers.size()));
    int choice = faults.nextInt(7);
    ViewServer vs = cluster.viewServer();
    if (vs == null) { // the view service is down: only its restart (scheduled) or a heal
      if (choice >= 5 && sim.hasCuts()) {
        sim.heal();
      }
      sim.at(200 + faults.nextLong(400), this::injectFault);
      return;
    }
    if (replicas && viewServiceFaults.nextInt(3) == 0) {
      replicaFault(servers);
    }
    if (knobs.viewServiceCrashes()
        && !crashViewServiceAtNextChange
        && viewServiceFaults.nextInt(4) == 0) {
      if (viewServiceFaults.nextBoolean()) {
        crashViewService();
      } else {
        crashViewServiceAtNextChange = true;
      }
    }
    // One failure at a time: a new fault only once the last one has been survived (an acked
    // view with a backup, nothing crashed, paused or cut). Two overlapping failures can reach the
    // lecture's stuck cases (e.g. the primary dies before acking a view), where no healing helps.
    boolean settled =
        vs.isAcked()
            && vs.view().hasBackup()
            && crashed.isEmpty()
            && !sim.hasCuts()
            && servers.stream().noneMatch(sim::isPaused);
    if (choice == 0 && options.partitions() && settled) {
      if (faults.nextBoolean()) {
        List<Address> all = new ArrayList<>(servers);
        all.add(viewServiceTarget());
        Address other = all.get(faults.nextInt(all.size()));
        if (!other.equals(victim)) {
          sim.cut(victim, other);
        }
      } else {
        List<Address> side = new ArrayList<>();
        List<Address> rest = new ArrayList<>(cluster.viewServices());
        for (Address s : servers) {
          (faults.nextBoolean() ? side : rest).add(s);
        }
        sim.partition(side, rest);
      }
    } else if (choice == 1 && options.isolations() && settled) {
      int what = faults.nextInt(3);
      if (what == 0) {
        sim.isolate(viewServiceTarget());
      } else if (what == 1) {
        sim.disconnect(vs.view().primary(), viewServiceTarget()); // split brain's setup
      } else {
        List<Address> clients = cluster.clients();
        Address client = clients.get(faults.nextInt(clients.size()));
        for (Address a : sim.addresses()) {
          if (!a.equals(client)) {
            sim.disconnect(client, a);
          }
        }
      }
    } else if (choice == 2 && options.crashes()) {
      if (!crashed.isEmpty()) {
        sim.restart(crashed.remove(0));
      } else if (settled) {
        Address target = faults.nextBoolean() ? vs.view().primary() : victim;
        sim.crash(target);
        crashed.add(target);
      }
    } else if (choice == 3 && options.pauses() && settled) {
      Address target = faults.nextBoolean() ? vs.view().primary() : victim;
      sim.pause(target, DEAD_MILLIS / 2 + faults.nextLong(DEAD_MILLIS * 3));
    } else if (choice == 4 && options.replays()) {
      List<SentMessage> old = sim.sent(m -> true);
      if (!old.isEmpty()) {
        sim.replay(old.get(faults.nextInt(old.size())));
      }
    } else if (choice >= 5 && sim.hasCuts()) {
      sim.heal();
    }
    sim.at(200 + faults.nextLong(400), this::injectFault);
  }

  /**
   * {@link SwarmMode#OVERLAP}: the faults of {@link #injectFault}, without waiting for the cluster
   * to recover from the last one: the primary may fail during a state transfer, and several servers
   * may be down at once. Faults come every 50–300 ms.
   */
  private void injectOverlappingFault() {
    List<Address> servers = cluster.servers();
    Address victim = servers.get(faults.nextInt(servers.size()));
    Address primary = cluster.view().primary() != null ? cluster.view().primary() : victim;
    int choice = faults.nextInt(7);
    if (choice == 0 && options.partitions()) {
      List<Address> all = new ArrayList<>(servers);
      all.add(viewServiceTarget());
      Address other = all.get(faults.nextInt(all.size()));
      if (!other.equals(victim)) {
        sim.cut(victim, other);
      }
    } else if (choice == 1 && options.isolations()) {
      if (faults.nextBoolean()) {
        sim.isolate(viewServiceTarget());
      } else {
        sim.disconnect(primary, viewServiceTarget());
      }
    } else if (choice == 2 && options.crashes()) {
      Address target = faults.nextBoolean() ? primary : victim;
      if (!crashed.isEmpty() && faults.nextBoolean()) {
        sim.restart(crashed.remove(0));
      } else if (!crashed.contains(target)) {
        sim.crash(target);
        crashed.add(target);
      }
    } else if (choice == 3 && options.pauses()) {
      Address target = faults.nextBoolean() ? primary : victim;
      if (sim.isUp(target)) {
        sim.pause(target, DEAD_MILLIS / 2 + faults.nextLong(DEAD_MILLIS * 3));
      }
    } else if (choice == 4 && options.replays()) {
      List<SentMessage> old = sim.sent(m -> true);
      if (!old.isEmpty()) {
        sim.replay(old.get(faults.nextInt(old.size())));
      }
    } else if (choice >= 5 && sim.hasCuts()) {
      sim.heal();
    }
    sim.at(50 + faults.nextLong(250), this::injectFault);
  }
}
