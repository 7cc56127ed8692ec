package dev.pbkv.sim;

import dev.pbkv.node.Address;
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
 *       seen it miss a dead interval yet.
 * </ul>
 */
public final class ViewServiceChecks implements SimListener {
  private final Simulation sim;
  private final long deadMicros;
  private final Map<Long, View> views = new HashMap<>(); // lookups only
  private final List<String> violations = new ArrayList<>();
  private ViewServer lastNode;
  private long startedMicros = -1;
  private int starts;
  private View lastView = View.INITIAL;

  public ViewServiceChecks(Simulation sim, ViewServiceConfig config) {
    this.sim = sim;
    this.deadMicros = config.deadPings() * config.pingIntervalMillis() * 1000;
  }

  @Override
  public void onHandled(long micros, Address address, Node node) {
    if (node instanceof PbServer s) {
      see(micros, s.view(), address);
    } else if (node instanceof ViewServer vs) {
      if (vs != lastNode) { // a new incarnation of the view service: it just started
        lastNode = vs;
        starts++;
        startedMicros = micros;
        lastView = vs.view();
      }
      View v = vs.view();
      if (!v.equals(lastView)) {
        checkRemovals(micros, lastView, v);
        lastView = v;
      }
      see(micros, v, address);
    }
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

  private void checkRemovals(long micros, View before, View after) {
    if (starts < 2 || micros - startedMicros >= deadMicros) {
      return; // the first start finds view 0, which has no members
    }
    checkRemoved(micros, before.primary(), before.primaryBootId(), after);
    checkRemoved(micros, before.backup(), before.backupBootId(), after);
  }

  private void checkRemoved(long micros, Address member, long bootId, View after) {
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
              + Simulation.formatMillis(micros - startedMicros)
              + " after it started, before a full dead interval ("
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
