package dev.pbkv.check;

import dev.pbkv.node.Address;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a search explores and looks for: stopped nodes, cut links and nodes whose timers are not
 * fired (successors honour them), invariants, goals and prunes, and depth / time limits. Settings
 * are separate from states, so a test can search in phases: reach a goal, change the settings (stop
 * a server), search on from the goal state.
 */
public final class SearchSettings {
  private final Set<Address> stopped = new HashSet<>();
  private final Set<Address> timersOff = new HashSet<>();
  private final Set<List<Address>> cutLinks = new HashSet<>();
  private final List<StatePredicate> invariants = new ArrayList<>();
  private final List<StatePredicate> goals = new ArrayList<>();
  private final List<StatePredicate> prunes = new ArrayList<>();
  private int maxDepth = Integer.MAX_VALUE;
  private long maxTimeMillis = 60_000;
  private int threads = Runtime.getRuntime().availableProcessors();

  public SearchSettings copy() {
    SearchSettings c = new SearchSettings();
    c.stopped.addAll(stopped);
    c.timersOff.addAll(timersOff);
    c.cutLinks.addAll(cutLinks);
    c.invariants.addAll(invariants);
    c.goals.addAll(goals);
    c.prunes.addAll(prunes);
    c.maxDepth = maxDepth;
    c.maxTimeMillis = maxTimeMillis;
    c.threads = threads;
    return c;
  }

  /** A stopped node receives nothing and fires no timer (messages it sent stay in flight). */
  public SearchSettings stop(Address node) {
    stopped.add(node);
    return this;
  }

  public SearchSettings start(Address node) {
    stopped.remove(node);
    return this;
  }

  /** The node's timers are never fired (it still handles messages). */
  public SearchSettings timersOff(Address node) {
    timersOff.add(node);
    return this;
  }

  public SearchSettings timersOn(Address node) {
    timersOff.remove(node);
    return this;
  }

  /** Messages from {@code from} to {@code to} are never delivered (a one-way cut). */
  public SearchSettings cut(Address from, Address to) {
    cutLinks.add(List.of(from, to));
    return this;
  }

  /** Cuts both directions between every node of {@code a} and every node of {@code b}. */
  public SearchSettings partition(Set<Address> a, Set<Address> b) {
    for (Address x : a) {
      for (Address y : b) {
        cut(x, y);
        cut(y, x);
      }
    }
    return this;
  }

  public SearchSettings heal() {
    cutLinks.clear();
    return this;
  }

  public SearchSettings invariant(StatePredicate p) {
    invariants.add(p);
    return this;
  }

  public SearchSettings goal(StatePredicate p) {
    goals.add(p);
    return this;
  }

  public SearchSettings clearGoals() {
    goals.clear();
    return this;
  }

  /** A state matching a prune is checked but not expanded. */
  public SearchSettings prune(StatePredicate p) {
    prunes.add(p);
    return this;
  }

  public SearchSettings maxDepth(int depth) {
    this.maxDepth = depth;
    return this;
  }

  public SearchSettings maxTimeMillis(long millis) {
    this.maxTimeMillis = millis;
    return this;
  }

  public SearchSettings threads(int n) {
    this.threads = Math.max(1, n);
    return this;
  }

  /** The cut links, each as {@code [from, to]} (for the debugger, which replays phases). */
  public Set<List<Address>> cutLinks() {
    return Set.copyOf(cutLinks);
  }

  public boolean isStopped(Address a) {
    return stopped.contains(a);
  }

  public boolean timersDelivered(Address a) {
    return !timersOff.contains(a) && !stopped.contains(a);
  }

  public boolean deliverable(Envelope e) {
    return !stopped.contains(e.to())
        && (cutLinks.isEmpty() || !cutLinks.contains(List.of(e.from(), e.to())));
  }

  public List<StatePredicate> invariants() {
    return invariants;
  }

  public List<StatePredicate> goals() {
    return goals;
  }

  public List<StatePredicate> prunes() {
    return prunes;
  }

  public int maxDepth() {
    return maxDepth;
  }

  public long maxTimeMillis() {
    return maxTimeMillis;
  }

  public int threads() {
    return threads;
  }

  /** The first invariant {@code s} breaks, or null. */
  StatePredicate violated(SearchState s) {
    for (StatePredicate p : invariants) {
      if (!p.holds(s)) {
        return p;
      }
    }
    return null;
  }

  /** The first goal {@code s} reaches, or null. */
  StatePredicate reached(SearchState s) {
    for (StatePredicate p : goals) {
      if (p.holds(s)) {
        return p;
      }
    }
    return null;
  }

  boolean pruned(SearchState s) {
    for (StatePredicate p : prunes) {
      if (p.holds(s)) {
        return true;
      }
    }
    return false;
  }
}
