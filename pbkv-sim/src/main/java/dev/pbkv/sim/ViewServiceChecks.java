package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks on the view service on every event (docs/design.md §2), from what the nodes hold:
 *
 * <ul>
 *   <li><b>One view per number.</b> Every view that the view service or a server holds with number
 *       N is the same view. A view service that announced a view it had not made durable, and then
 *       restarted, can make a different view N.
 *   <li><b>Nobody judged dead right after a start.</b> Within a full dead interval ({@code
 *       deadPings × pingIntervalMillis}) of the view service's start, no view change removes a
 *       member incarnation that has not been replaced by a restart: the view service cannot have
 *       seen it miss a dead interval yet. A replica that took over after timing pings for more than
 *       a dead interval as a follower judges from what it heard (docs/design.md §2.2): it may
 *       remove a member at once, but only one whose incarnation has not pinged it for at least a
 *       dead interval (less one check interval, for where the ticks fall).
 *   <li><b>A restart resumes every announced view.</b> A view service (not a replica) that restarts
 *       resumes, from its store, a view at least as new as every view a server holds: it announces
 *       a view only once it is durable. One that announced a view it had not stored comes back with
 *       an older one, and the servers that hold the newer one refuse the older view's primary for
 *       ever (a stuck run whose cause is this, not a lost message).
 * </ul>
 */
public final class ViewServiceChecks implements SimListener {
  private final Simulation sim;
  private final long deadMicros;
  private final long intervalMicros;
  private final int deadPings;
  private final Map<Long, View> views = new HashMap<>(); // lookups only
  private final List<String> violations = new ArrayList<>();
  private dev.pbkv.view.ViewStore store; // watched for a view going back, if set
  private long storeViewNum;
  private long serverViewNum; // the newest view number a server has held
  private final Map<Address, Tracked> tracked = new HashMap<>(); // per replica; lookups only

  /** What the checks remember of one view-service node (a replica, or the one). */
  private static final class Tracked {
    ViewServer node;
    int takeovers;
    long startedMicros;
    boolean resumedAView;
    boolean vouched; // took over judging from the pings it timed as a follower
    View lastView;
    final Map<String, Long> lastPing = new HashMap<>(); // "server#bootId" -> when it pinged here
  }

  public ViewServiceChecks(Simulation sim, ViewServiceConfig config) {
    this.sim = sim;
    this.deadMicros = config.deadPings() * config.pingIntervalMillis() * 1000;
    this.intervalMicros = config.pingIntervalMillis() * 1000;
    this.deadPings = config.deadPings();
  }

  @Override
  public void onDeliver(long micros, long id, Address from, Address to, Message msg) {
    if (msg instanceof dev.pbkv.view.ViewServiceMessage.Ping p
        && sim.node(to) instanceof ViewServer) {
      tracked.computeIfAbsent(to, a -> new Tracked()).lastPing.put(from + "#" + p.bootId(), micros);
    }
  }

  /**
   * Also checks that the view in {@code store} never goes back to an older number (a write that
   * ignored the version check can put an older view over a newer one; docs/design.md §2.2).
   */
  public void watchStore(dev.pbkv.view.ViewStore store) {
    this.store = store;
  }

  @Override
  public void onHandled(long micros, Address address, Node node) {
    if (node instanceof PbServer s) {
      serverViewNum = Math.max(serverViewNum, s.view().viewNum());
      see(micros, s.view(), address);
    } else if (node instanceof ViewServer vs) {
      checkStore(micros);
      Tracked t = tracked.computeIfAbsent(address, a -> new Tracked());
      View v = vs.view();
      if (t.node != vs || t.takeovers != vs.takeovers()) {
        // a new incarnation that just started, or a replica that just took over the leadership
        if (t.node != vs) {
          t.lastPing.clear(); // a restart forgets every ping
          checkResumed(micros, address, vs);
        }
        t.vouched = t.node == vs && vs.checkTicksSinceStart() > deadPings;
        t.node = vs;
        t.takeovers = vs.takeovers();
        t.startedMicros = micros;
        t.resumedAView = vs.recoveredView().viewNum() > 0;
        t.lastView = v;
      }
      if (!v.equals(t.lastView)) {
        if (vs.isLeading()) { // a follower's view is the store's: it decided nothing
          checkRemovals(micros, t, t.lastView, v);
        }
        t.lastView = v;
      }
      see(micros, v, address);
    }
  }

  /** A view service that just (re)started resumed a view no older than any a server holds. */
  private void checkResumed(long micros, Address address, ViewServer vs) {
    long resumed = vs.recoveredView().viewNum();
    if (!vs.isReplica() && resumed < serverViewNum) {
      add(
          "the view service "
              + address
              + " restarted at view "
              + resumed
              + " from its store, but a server held view "
              + serverViewNum
              + ": it announced a view before it was durable (at "
              + Simulation.formatMillis(micros)
              + ")");
    }
  }

  private void checkStore(long micros) {
    if (store == null) {
      return;
    }
    long n = store.read().state().view().viewNum();
    if (n < storeViewNum) {
      add(
          "the view store went back from view "
              + storeViewNum
              + " to view "
              + n
              + " (at "
              + Simulation.formatMillis(micros)
              + ")");
    }
    storeViewNum = Math.max(storeViewNum, n);
  }

  private void see(long micros, View v, Address holder) {
    if (v.viewNum() == 0) {
      return;
    }
    View first = views.putIfAbsent(v.viewNum(), v);
    if (first != null && !first.equals(v)) { // View equality covers the incarnations
      add(
          "view "
              + v.viewNum()
              + " names two different views: "
              + describe(first)
              + " and "
              + describe(v)
              + " (held by "
              + holder
              + " at "
              + Simulation.formatMillis(micros)
              + ")");
    }
  }

  private void checkRemovals(long micros, Tracked t, View before, View after) {
    if (t.vouched) {
      checkHeardLast(micros, t, before.primary(), before.primaryBootId(), after);
      checkHeardLast(micros, t, before.backup(), before.backupBootId(), after);
      return;
    }
    if (!t.resumedAView || micros - t.startedMicros >= deadMicros) {
      return; // a start on view 0 has no member to judge
    }
    checkRemoved(micros, t, before.primary(), before.primaryBootId(), after);
    checkRemoved(micros, t, before.backup(), before.backupBootId(), after);
  }

  private void checkRemoved(long micros, Tracked t, Address member, long bootId, View after) {
    if (member == null || after.isPrimary(member, bootId) || after.isBackup(member, bootId)) {
      return;
    }
    Node current = sim.node(member);
    boolean replacedByRestart = current instanceof PbServer s && s.bootId() != bootId;
    if (!replacedByRestart) {
      add(
          "the view service removed "
              + member
              + " from the view "
              + Simulation.formatMillis(micros - t.startedMicros)
              + " after it started or took over, before a full dead interval ("
              + deadMicros / 1000
              + " ms): view "
              + describe(after));
    }
  }

  private void checkHeardLast(long micros, Tracked t, Address member, long bootId, View after) {
    if (member == null || after.isPrimary(member, bootId) || after.isBackup(member, bootId)) {
      return;
    }
    Node current = sim.node(member);
    if (current instanceof PbServer s && s.bootId() != bootId) {
      return; // replaced by a restart
    }
    Long last = t.lastPing.get(member + "#" + bootId);
    if (last != null && micros - last < deadMicros - intervalMicros) {
      add(
          "a view-service replica that took over removed "
              + member
              + " from the view "
              + Simulation.formatMillis(micros - last)
              + " after its last ping there, before a dead interval ("
              + deadMicros / 1000
              + " ms): view "
              + describe(after));
    }
  }

  private void add(String violation) {
    if (violations.size() < 10) {
      violations.add(violation);
    }
  }

  private static String describe(View v) {
    return v.viewNum()
        + " (primary "
        + v.primary()
        + "#"
        + v.primaryBootId()
        + ", backup "
        + (v.backup() == null ? "none" : v.backup() + "#" + v.backupBootId())
        + ")";
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }
}
