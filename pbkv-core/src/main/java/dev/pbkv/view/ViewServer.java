package dev.pbkv.view;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.view.ViewServiceMessage.GetStatus;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceMessage.ServerHealth;
import dev.pbkv.view.ViewServiceMessage.Status;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import dev.pbkv.view.ViewServiceTimer.CheckTick;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The view service (docs/design.md §2): decides who is primary and who is backup from the servers'
 * pings, and changes the view only after the primary of the current view has acked it.
 *
 * <p>Liveness is counted in check ticks, not wall-clock time: a server is dead once it has missed
 * {@code deadPings} consecutive check intervals. An interval is the time between two check ticks; a
 * server that pinged at any moment of an interval has not missed it.
 */
public final class ViewServer implements Node {

  /**
   * What the view service knows of one server: its newest incarnation, how many check intervals in
   * a row it has missed (up to the tick before the current interval), and whether it pinged in the
   * current interval.
   */
  record ServerStatus(long bootId, int missedChecks, boolean pingedThisInterval) {
    /** A ping from incarnation {@code bootId} in the current interval. */
    static ServerStatus pinged(long bootId) {
      return new ServerStatus(bootId, 0, true);
    }

    /** The status after a check tick closes the current interval. */
    ServerStatus afterCheck() {
      if (pingedThisInterval) {
        return new ServerStatus(bootId, 0, false);
      }
      // saturates instead of wrapping: a server silent for years stays dead
      return new ServerStatus(
          bootId, missedChecks == Integer.MAX_VALUE ? missedChecks : missedChecks + 1, false);
    }
  }

  private final ViewServiceConfig config;
  private final ViewStore store;
  private View view = View.INITIAL;
  private boolean acked = true; // view 0 needs no ack
  private final TreeMap<Address, ServerStatus> servers = new TreeMap<>();

  /**
   * The role each server last lost ("primary of view 3"), for {@link #status()} only. It decides
   * nothing, so it is left out of equality (the model checker's states stay as they were).
   */
  private final TreeMap<Address, String> formerRoles = new TreeMap<>();

  // Durable state (docs/design.md §2): what the store holds, and what this node wrote last.
  private DurableViewState durable = DurableViewState.INITIAL;
  private long storeVersion;
  private boolean unwritten; // memory is ahead of the store (retired ids; or a rule switch)
  private String storeProblem; // why the last write failed, or null
  private View recoveredView = View.INITIAL; // the view read from the store at start
  private int checkTicks; // ticks since a start that resumed a view, saturating at deadPings + 1

  // Replicas (docs/design.md §2.2). A standalone view service always leads.
  private final boolean replicated;
  private boolean elected; // input: the leader election says this replica leads
  private boolean leading; // acts as leader: elected, read the store since, no conflict since
  private int takeovers; // how often it began to lead (checks only; not protocol state)
  // A replica's check ticks since its start, in any role, saturating at deadPings + 1. A replica
  // times every server's pings from its start, leading or not (servers ping every replica), so
  // once it has seen more than a dead interval it can vouch for who pinged in it (§2.2).
  private int observedTicks;

  /** A view service that keeps its durable state in {@code store} and resumes from it. */
  public ViewServer(ViewServiceConfig config, ViewStore store) {
    this(config, store, false);
  }

  private ViewServer(ViewServiceConfig config, ViewStore store, boolean replicated) {
    this.config = Objects.requireNonNull(config, "config");
    this.store = Objects.requireNonNull(store, "store");
    this.replicated = replicated;
    this.elected = !replicated;
    this.leading = !replicated;
  }

  /**
   * One replica of a replicated view service (docs/design.md §2.2): several share {@code store},
   * and each leads only after {@link #leadershipGained} and until {@link #leadershipLost} or a
   * write that finds someone else wrote first. Until then it answers pings and questions with the
   * newest durable view it read from the store, and decides nothing.
   */
  public static ViewServer replica(ViewServiceConfig config, ViewStore store) {
    return new ViewServer(config, store, true);
  }

  /** A view service with a fresh in-memory store (tests; a restart forgets everything). */
  public ViewServer(ViewServiceConfig config) {
    this(config, new InMemoryViewStore());
  }

  public ViewServer() {
    this(ViewServiceConfig.defaults());
  }

  /**
   * Resumes from the store. Liveness is soft state: every member of the stored view counts as
   * having pinged just now, so nobody is declared dead before a full dead interval has passed.
   *
   * @throws IllegalStateException if the store holds something unreadable
   */
  @Override
  public void init(Effects fx) {
    if (replicated) {
      readStoreAsFollower(); // a replica leads only once it is told so
    } else {
      takeOver(store.read());
    }
    fx.setTimer(new CheckTick(), config.pingIntervalMillis());
  }

  /**
   * Resumes from {@code stored}, as at a start or a takeover: liveness is soft state, so each
   * member of the stored view counts as having pinged just now and nobody is declared dead before a
   * full dead interval.
   */
  private void takeOver(ViewStore.Stored stored) {
    storeVersion = stored.version();
    durable = stored.state();
    view = durable.view();
    acked = durable.acked();
    recoveredView = view;
    checkTicks = 0;
    unwritten = false;
    storeProblem = null;
    if (canVouch()) {
      // A replica that has timed everyone's pings for more than a dead interval (as a follower)
      // judges from what it heard, as if it had led all along (§2.2): a member it has not heard
      // from in a full dead interval is dead now. A member it last heard as another incarnation
      // than the view's gets the grace instead (boot ids are not ordered: which one is newer only
      // its next ping says, and that ping retires the other, as in handlePing).
      checkTicks = observedTicks;
      graceIfOtherIncarnation(view.primary(), view.primaryBootId());
      graceIfOtherIncarnation(view.backup(), view.backupBootId());
      leading = true;
      takeovers++;
      return;
    }
    servers.clear();
    if (!config.rules().contains(RuleSwitch.JUDGE_LIVENESS_RIGHT_AFTER_RESTART)) {
      if (view.primary() != null) {
        servers.put(view.primary(), ServerStatus.pinged(view.primaryBootId()));
      }
      if (view.backup() != null) {
        servers.put(view.backup(), ServerStatus.pinged(view.backupBootId()));
      }
    }
    // else: broken on purpose, members not heard from since the start count as dead at once
    leading = true;
    takeovers++;
  }

  /** Whether this replica has timed pings for more than a full dead interval since its start. */
  private boolean canVouch() {
    return replicated && observedTicks > config.deadPings();
  }

  private void graceIfOtherIncarnation(Address member, long bootIdInView) {
    ServerStatus s = member == null ? null : servers.get(member);
    if (s != null && s.bootId() != bootIdInView) {
      servers.put(member, ServerStatus.pinged(bootIdInView));
    }
  }

  /**
   * The leader election says this replica leads now (docs/design.md §2.2). It re-reads the store
   * (another leader may have written since) and takes over with soft liveness. If the store cannot
   * be read, it tries again at each check tick. Another replica may still believe it leads: every
   * write is conditional on the version read here, so only one of them can write.
   */
  public void leadershipGained() {
    elected = true;
    tryTakeOver();
  }

  /** The leader election says this replica no longer leads: it stops deciding at once. */
  public void leadershipLost() {
    if (!replicated) {
      return; // a standalone view service always leads
    }
    elected = false;
    leading = false;
  }

  private void tryTakeOver() {
    try {
      takeOver(store.read());
    } catch (ViewStore.UnavailableException e) {
      storeProblem = "the view store (" + store.describe() + ") is unavailable: " + e.getMessage();
    }
  }

  /** A follower's view: the newest durable one in the store (kept as it was if unreadable). */
  private void readStoreAsFollower() {
    try {
      ViewStore.Stored stored = store.readKnown();
      storeVersion = stored.version();
      durable = stored.state();
      view = durable.view();
      acked = durable.acked();
      storeProblem = null;
    } catch (ViewStore.UnavailableException e) {
      storeProblem = "the view store (" + store.describe() + ") is unavailable: " + e.getMessage();
    }
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    if (msg instanceof Ping ping && !leading) {
      // A follower times the ping (it may lead next) and answers with the newest durable view it
      // read (§2.2); it decides nothing.
      if (!durable.isRetired(from, ping.bootId())) {
        servers.put(from, ServerStatus.pinged(ping.bootId()));
      }
      fx.send(from, new ViewReply(view));
    } else if (msg instanceof Ping ping) {
      handlePing(from, ping, fx);
    } else if (msg instanceof GetView) {
      fx.send(from, new ViewReply(view));
    } else if (msg instanceof GetStatus) {
      fx.send(from, status());
    } else if (msg instanceof ViewServiceMessage.RemoveServer remove) {
      fx.send(from, remove(remove.server()));
    }
    // Anything else (a ViewReply, a client's Request, a Forward…) is misrouted: the view service
    // only answers pings and questions; ignored. A node never throws on a message (§8).
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    if (replicated) {
      observedTicks = Math.min(observedTicks + 1, config.deadPings() + 1);
    }
    if (timer instanceof CheckTick && !leading) {
      servers.replaceAll((address, status) -> status.afterCheck());
      if (elected) {
        tryTakeOver(); // stepped down after a conflict, but still elected: read and lead again
      } else {
        readStoreAsFollower();
      }
      fx.setTimer(new CheckTick(), config.pingIntervalMillis());
    } else if (timer instanceof CheckTick) {
      if (recoveredView.viewNum() > 0) { // only a start that resumed a view counts its ticks
        checkTicks = Math.min(checkTicks + 1, config.deadPings() + 1);
      }
      if (unwritten && !config.rules().contains(RuleSwitch.ANNOUNCE_BEFORE_DURABLE)) {
        persist(durable.withView(view, acked)); // retry what a failed write left behind
      }
      servers.replaceAll((address, status) -> status.afterCheck());
      maybeChangeView();
      fx.setTimer(new CheckTick(), config.pingIntervalMillis());
    } else {
      throw new IllegalArgumentException("view service: unknown timer " + timer);
    }
  }

  /**
   * Forgets {@code server} (docs/design.md §2.3): its liveness and former role, so status stops
   * listing it and it is no longer a candidate backup. Refused for the current view's primary or
   * backup (by address: a restarted member waits for the view to drop it), and for an address the
   * service does not know. Its retired boot ids stay: a late ping of an old incarnation is still
   * recognised. If it pings again it is a new idle server.
   */
  ViewServiceMessage.RemoveResult remove(Address server) {
    if (!leading) {
      return new ViewServiceMessage.RemoveResult(
          server, false, "this view-service replica does not lead: ask the leader");
    }
    String role = view.isPrimary(server) ? "primary" : view.isBackup(server) ? "backup" : null;
    if (role != null) {
      return new ViewServiceMessage.RemoveResult(
          server,
          false,
          server
              + " is the "
              + role
              + " of view "
              + view.viewNum()
              + ": stop it first, and remove it once a new view has replaced it");
    }
    if (!servers.containsKey(server) && !formerRoles.containsKey(server)) {
      return new ViewServiceMessage.RemoveResult(
          server, false, "the view service does not know " + server);
    }
    servers.remove(server);
    formerRoles.remove(server);
    return new ViewServiceMessage.RemoveResult(server, true, null);
  }

  private void handlePing(Address from, Ping ping, Effects fx) {
    if (replicated && ping.viewNum() > view.viewNum()) {
      // A server accepted a view this leader never read: another replica wrote since (a deposed
      // leader that had not heard yet). This one's state is stale: read the store again (§2.2).
      tryTakeOver();
      if (!leading) {
        fx.send(from, new ViewReply(view));
        return;
      }
    }
    if (durable.isRetired(from, ping.bootId())) {
      return; // a late duplicate from an earlier incarnation: it says nothing about the server now
    }
    // Boot ids are not ordered (docs/design.md §1): any id that is neither the current one nor a
    // retired one is a new incarnation. It holds no role of the current view, since the view names
    // the incarnation it was made for (see View); the one it replaces is retired for good.
    ServerStatus status = servers.get(from);
    long replaced = 0;
    if (status != null && status.bootId() != ping.bootId()) {
      replaced = status.bootId();
    } else if (status == null && view.isMember(from)) {
      long inView = view.isPrimary(from) ? view.primaryBootId() : view.backupBootId();
      replaced = inView != ping.bootId() ? inView : 0;
    }
    if (replaced != 0) {
      durable = durable.retire(from, replaced);
      unwritten = true;
    }
    servers.put(from, ServerStatus.pinged(ping.bootId()));

    if (view.viewNum() == 0) {
      changeView(1, from, null); // the first server to ping becomes primary of view 1
    } else if (!acked && view.isPrimary(from, ping.bootId()) && ping.viewNum() == view.viewNum()) {
      ack();
    }
    if (unwritten && !config.rules().contains(RuleSwitch.ANNOUNCE_BEFORE_DURABLE)) {
      persist(durable.withView(view, acked));
    }
    maybeChangeView();
    fx.send(from, new ViewReply(view));
  }

  /** The primary acked the current view: durable first, then it counts. */
  private void ack() {
    if (config.rules().contains(RuleSwitch.ANNOUNCE_BEFORE_DURABLE)) {
      acked = true; // broken on purpose: the view and its ack are written only now
      persist(durable.withView(view, true));
      return;
    }
    if (persist(durable.withView(view, true))) {
      acked = true;
    }
  }

  /**
   * Writes {@code next} to the store with the version check; on success it is the durable state. On
   * failure nothing changes and the reason is kept for {@link #progressProblem()}.
   */
  private boolean persist(DurableViewState next) {
    long expected = storeVersion;
    if (config.rules().contains(RuleSwitch.WRITE_VIEW_WITHOUT_VERSION_CHECK)) {
      try {
        expected = store.read().version(); // broken on purpose: whatever is there is overwritten
      } catch (ViewStore.UnavailableException e) {
        // the write below finds the store unavailable too
      }
    }
    ViewStore.WriteResult r = store.compareAndSet(expected, next);
    if (r == ViewStore.WriteResult.WRITTEN) {
      storeVersion = expected + 1;
      durable = next;
      unwritten = false;
      storeProblem = null;
      return true;
    }
    if (r == ViewStore.WriteResult.CONFLICT && replicated) {
      // Another replica wrote: this one may be deposed. It steps down; if the election still says
      // it leads, it reads the store and takes over again at its next check tick.
      leading = false;
      unwritten = false;
      storeProblem = null;
      readStoreAsFollower();
      return false;
    }
    storeProblem =
        r == ViewStore.WriteResult.CONFLICT
            ? "the view store ("
                + store.describe()
                + ") was written by someone else (version "
                + storeVersion
                + " expected): no view can change"
            : "the view store (" + store.describe() + ") is unavailable: no view can change";
    return false;
  }

  /** Computes the next view from the current one, in one step, if the rules allow a change. */
  private void maybeChangeView() {
    if (view.viewNum() == 0) {
      return;
    }
    Address primary = view.primary();
    Address backup = view.backup();
    if (!acked && !config.rules().contains(RuleSwitch.IGNORE_PRIMARY_ACK)) {
      // The ack rule. One exception: the primary is alive but its backup died (e.g. during the
      // state transfer); replacing that backup keeps the primary, so no state can be missing.
      if (backup != null && primaryUsable() && !backupUsable()) {
        changeView(view.viewNum() + 1, primary, pickIdle());
      } else if (config.rules().contains(RuleSwitch.PROMOTE_BACKUP_OF_UNACKED_VIEW)
          && !primaryUsable()
          && backupUsable()) {
        changeView(view.viewNum() + 1, backup, pickIdle()); // broken: the backup may lack state
      }
      return;
    }
    if (!primaryUsable()) {
      if (config.rules().contains(RuleSwitch.PROMOTE_UNINITIALIZED) && pickIdle() != null) {
        // rule 1 broken on purpose: an idle server, which lacks the state, becomes primary
        changeView(view.viewNum() + 1, pickIdle(), backupUsable() ? backup : null);
      } else if (backupUsable()) {
        changeView(view.viewNum() + 1, backup, pickIdle()); // rule 1: the backup takes over
      }
      // else: no backup to promote; stuck until the primary comes back (safe, not live)
    } else if (backup != null && !backupUsable()) {
      changeView(view.viewNum() + 1, primary, pickIdle());
    } else if (backup == null) {
      Address idle = pickIdle();
      if (idle != null) {
        changeView(view.viewNum() + 1, primary, idle);
      }
    }
  }

  /** Makes the next view, naming the current incarnation of each member. */
  private void changeView(long viewNum, Address primary, Address backup) {
    View before = view;
    View next =
        new View(
            viewNum, primary, backup, bootIdOf(primary), backup == null ? 0 : bootIdOf(backup));
    if (config.rules().contains(RuleSwitch.ANNOUNCE_BEFORE_DURABLE)) {
      view = next; // broken on purpose: announced now, written only once acked
      acked = false;
      unwritten = true;
      noteFormerRoles(before, primary, backup);
      return;
    }
    if (persist(durable.withView(next, false))) { // durable before anyone sees it
      view = next;
      acked = false;
      noteFormerRoles(before, primary, backup);
    }
  }

  /** Remembers the role each member of {@code before} lost (for {@link #status()} only). */
  private void noteFormerRoles(View before, Address primary, Address backup) {
    for (Address a : new Address[] {before.primary(), before.backup()}) {
      if (a != null && !a.equals(primary) && !a.equals(backup)) {
        formerRoles.put(
            a,
            (a.equals(before.primary()) ? "primary" : "backup") + " of view " + before.viewNum());
      }
    }
  }

  private long bootIdOf(Address a) {
    return servers.get(a).bootId();
  }

  /** The lowest-addressed live server that is in neither role of the current view, or null. */
  private Address pickIdle() {
    for (Map.Entry<Address, ServerStatus> e : servers.entrySet()) {
      Address a = e.getKey();
      if (!view.isMember(a) && isAlive(e.getValue())) {
        return a;
      }
    }
    return null;
  }

  private boolean isAlive(ServerStatus s) {
    return s.missedChecks() < config.deadPings();
  }

  /** The primary's incarnation of the view is alive (it did not die and did not restart). */
  private boolean primaryUsable() {
    return isUsable(view.primary(), view.primaryBootId());
  }

  private boolean backupUsable() {
    return view.backup() != null && isUsable(view.backup(), view.backupBootId());
  }

  private boolean isUsable(Address a, long bootIdInView) {
    ServerStatus s = servers.get(a);
    // (after a start, the members of the stored view count as just pinged: see init)
    return s != null && isAlive(s) && s.bootId() == bootIdInView;
  }

  // --- read-only state, for tests, status and narration -------------------------------------

  /** The current view. */
  public View view() {
    return view;
  }

  public ViewServiceConfig config() {
    return config;
  }

  /** The store this view service writes its durable state to. */
  public ViewStore store() {
    return store;
  }

  /** The durable state as this view service last wrote or read it. */
  public DurableViewState durableState() {
    return durable;
  }

  /** The view read from the store when this view service started (view 0 on a fresh store). */
  public View recoveredView() {
    return recoveredView;
  }

  /**
   * Check ticks since this view service started, counted up to {@code deadPings + 1}, and only
   * after a start that resumed a view from its store (0 after a fresh start, whose view 0 has no
   * member to judge; so the model checker's state space does not grow by it).
   */
  public int checkTicksSinceStart() {
    return checkTicks;
  }

  /** Whether this replica acts as leader now (a standalone view service always does). */
  public boolean isLeading() {
    return leading;
  }

  /** Whether the leader election last said this replica leads. */
  public boolean isElected() {
    return elected;
  }

  /** Whether this is one replica of several (docs/design.md §2.2). */
  public boolean isReplica() {
    return replicated;
  }

  /** How many times this node began to lead (its start, for a standalone view service). */
  public int takeovers() {
    return takeovers;
  }

  /** Whether the primary of the current view has acked it. */
  public boolean isAcked() {
    return acked;
  }

  /** Whether {@code server} is currently considered alive. */
  public boolean isAlive(Address server) {
    ServerStatus s = servers.get(server);
    return s != null && isAlive(s);
  }

  /**
   * How many consecutive check intervals {@code server} has missed, counted at the last check tick
   * (0 if it pinged since; -1 if never heard of).
   */
  public int missedChecks(Address server) {
    ServerStatus s = servers.get(server);
    return s == null ? -1 : s.missedChecks();
  }

  /** The full status, as {@link GetStatus} answers it. */
  public Status status() {
    List<ServerHealth> health = new ArrayList<>();
    for (Map.Entry<Address, ServerStatus> e : servers.entrySet()) {
      ServerStatus s = e.getValue();
      health.add(
          new ServerHealth(
              e.getKey(), s.bootId(), s.missedChecks(), isAlive(s), formerRoles.get(e.getKey())));
    }
    return new Status(
        view,
        acked,
        health,
        progressProblem(),
        store.describe(),
        store.isVolatile(),
        !replicated
            ? ViewServiceMessage.Role.STANDALONE
            : leading ? ViewServiceMessage.Role.LEADER : ViewServiceMessage.Role.FOLLOWER);
  }

  /**
   * Why the service cannot move to a better view right now, in words (docs/design.md §6), or {@code
   * null} when nothing is stuck.
   */
  public String progressProblem() {
    if (storeProblem != null) {
      return storeProblem;
    }
    if (!leading) {
      return elected
          ? "this view-service replica is taking over (it reads the store)"
          : "this view-service replica does not lead: the leader changes views";
    }
    if (view.viewNum() == 0) {
      return "no server has pinged yet: there is no primary";
    }
    Address primary = view.primary();
    if (!acked && !primaryUsable()) {
      return "view "
          + view.viewNum()
          + " not acked by its primary "
          + primary
          + ", which "
          + describeLoss(primary, view.primaryBootId())
          + ": the view service cannot promote a backup";
    }
    if (acked && !primaryUsable() && !backupUsable()) {
      return "primary "
          + primary
          + " "
          + describeLoss(primary, view.primaryBootId())
          + " and there is "
          + (view.backup() == null
              ? "no backup"
              : "no live backup ("
                  + view.backup()
                  + " "
                  + describeLoss(view.backup(), view.backupBootId())
                  + ")")
          + " to promote";
    }
    if (!acked) {
      return "waiting for primary "
          + primary
          + " to ack view "
          + view.viewNum()
          + (view.hasBackup() ? " (state transfer to " + view.backup() + ")" : "");
    }
    return null;
  }

  private String describeLoss(Address a, long bootIdInView) {
    ServerStatus s = servers.get(a);
    if (s == null) {
      return "has never pinged";
    }
    return s.bootId() != bootIdInView
        ? "restarted and lost its state"
        : "has missed " + s.missedChecks() + " pings";
  }

  // --- equality and copies over the protocol state (for the model checker) -----------------

  /** A deep copy of this node's protocol state. */
  public ViewServer copy() {
    return copyWith(store.copy());
  }

  /**
   * A deep copy of this node's protocol state that writes to {@code store} (a copy of its store):
   * the model checker keeps replicas that share one store, and copies that store once for all.
   */
  public ViewServer copyWith(ViewStore store) {
    ViewServer c = new ViewServer(config, store, replicated);
    c.elected = elected;
    c.leading = leading;
    c.takeovers = takeovers;
    c.observedTicks = observedTicks;
    c.view = view;
    c.acked = acked;
    c.servers.putAll(servers);
    c.durable = durable;
    c.storeVersion = storeVersion;
    c.unwritten = unwritten;
    c.storeProblem = storeProblem;
    c.recoveredView = recoveredView;
    c.checkTicks = checkTicks;
    c.formerRoles.putAll(formerRoles);
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ViewServer other
        && acked == other.acked
        && view.equals(other.view)
        && servers.equals(other.servers)
        && durable.equals(other.durable)
        && storeVersion == other.storeVersion
        && unwritten == other.unwritten
        && Objects.equals(storeProblem, other.storeProblem)
        && recoveredView.equals(other.recoveredView)
        && checkTicks == other.checkTicks
        && observedTicks == other.observedTicks
        && replicated == other.replicated
        && elected == other.elected
        && leading == other.leading
        && store.equals(other.store)
        && config.equals(other.config);
  }

  @Override
  public int hashCode() {
    return Objects.hash(view, acked, servers, durable, storeVersion, checkTicks);
  }

  @Override
  public String toString() {
    return "ViewServer["
        + (replicated ? (leading ? "leader, " : elected ? "elected, " : "follower, ") : "")
        + "view="
        + view
        + (acked ? ", acked" : ", not acked")
        + ", store v"
        + storeVersion
        + (unwritten ? " (behind)" : "")
        + ", servers="
        + servers
        + "]";
  }
}
