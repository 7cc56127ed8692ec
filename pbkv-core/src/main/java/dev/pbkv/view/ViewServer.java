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
  private View view = View.INITIAL;
  private boolean acked = true; // view 0 needs no ack
  private final TreeMap<Address, ServerStatus> servers = new TreeMap<>();

  /**
   * The role each server last lost ("primary of view 3"), for {@link #status()} only. It decides
   * nothing, so it is left out of equality (the model checker's states stay as they were).
   */
  private final TreeMap<Address, String> formerRoles = new TreeMap<>();

  public ViewServer(ViewServiceConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public ViewServer() {
    this(ViewServiceConfig.defaults());
  }

  @Override
  public void init(Effects fx) {
    fx.setTimer(new CheckTick(), config.pingIntervalMillis());
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    if (msg instanceof Ping ping) {
      handlePing(from, ping, fx);
    } else if (msg instanceof GetView) {
      fx.send(from, new ViewReply(view));
    } else if (msg instanceof GetStatus) {
      fx.send(from, status());
    } else if (msg instanceof ViewReply || msg instanceof Status) {
      // The view service is the source of views; a reply sent to it is a misrouted message.
    } else {
      throw new IllegalArgumentException("view service: unknown message " + msg);
    }
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    if (timer instanceof CheckTick) {
      servers.replaceAll((address, status) -> status.afterCheck());
      maybeChangeView();
      fx.setTimer(new CheckTick(), config.pingIntervalMillis());
    } else {
      throw new IllegalArgumentException("view service: unknown timer " + timer);
    }
  }

  private void handlePing(Address from, Ping ping, Effects fx) {
    ServerStatus status = servers.get(from);
    if (status != null && ping.bootId() < status.bootId()) {
      return; // a late duplicate from an earlier incarnation: it says nothing about the server now
    }
    // A higher boot id is a restart: the new incarnation holds no role of the current view, since
    // the view names the incarnation it was made for (see View).
    servers.put(from, ServerStatus.pinged(ping.bootId()));

    if (view.viewNum() == 0) {
      changeView(1, from, null); // the first server to ping becomes primary of view 1
    } else if (view.isPrimary(from, ping.bootId()) && ping.viewNum() == view.viewNum()) {
      acked = true;
    }
    maybeChangeView();
    fx.send(from, new ViewReply(view));
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
    for (Address a : new Address[] {view.primary(), view.backup()}) {
      if (a != null && !a.equals(primary) && !a.equals(backup)) {
        formerRoles.put(
            a, (a.equals(view.primary()) ? "primary" : "backup") + " of view " + view.viewNum());
      }
    }
    view =
        new View(
            viewNum, primary, backup, bootIdOf(primary), backup == null ? 0 : bootIdOf(backup));
    acked = false;
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
    return s != null && isAlive(s) && s.bootId() == bootIdInView;
  }

  // --- read-only state, for tests, status and narration -------------------------------------

  /** The current view. */
  public View view() {
    return view;
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
    return new Status(view, acked, health, progressProblem());
  }

  /**
   * Why the service cannot move to a better view right now, in words (docs/design.md §6), or {@code
   * null} when nothing is stuck.
   */
  public String progressProblem() {
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
    ViewServer c = new ViewServer(config);
    c.view = view;
    c.acked = acked;
    c.servers.putAll(servers);
    c.formerRoles.putAll(formerRoles);
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ViewServer other
        && acked == other.acked
        && view.equals(other.view)
        && servers.equals(other.servers)
        && config.equals(other.config);
  }

  @Override
  public int hashCode() {
    return Objects.hash(view, acked, servers);
  }

  @Override
  public String toString() {
    return "ViewServer[view="
        + view
        + (acked ? ", acked" : ", not acked")
        + ", servers="
        + servers
        + "]";
  }
}
