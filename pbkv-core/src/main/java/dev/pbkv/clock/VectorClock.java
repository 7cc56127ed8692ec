package dev.pbkv.clock;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A vector clock: an immutable map from node id to a counter, sorted by node id. A node missing
 * from the map has counter 0, so {@code {a:0}} and {@code {}} are the same clock.
 *
 * <p>Contract (Fidge/Mattern): a node increments its own entry for every event ({@link
 * #increment}); on receipt it first takes the pointwise maximum with the message's clock ({@link
 * #merge}) and then increments. For events a and b stamped this way, {@code a} happened before
 * {@code b} exactly when {@code V(a) < V(b)}: every entry of {@code V(a)} is at most the one of
 * {@code V(b)}, and the clocks differ ({@link #compare} returns {@link Ordering#BEFORE}). Two
 * events whose clocks are incomparable are {@link Ordering#CONCURRENT}.
 *
 * <p>Every operation returns a new clock; instances can be shared freely.
 */
public final class VectorClock {

  /** How two vector clocks (and so two events) relate. */
  public enum Ordering {
    /** This clock is strictly smaller: its event happened before the other's. */
    BEFORE,
    /** This clock is strictly greater: the other's event happened before this one's. */
    AFTER,
    /** The clocks are equal. */
    EQUAL,
    /** Neither is smaller: the events are concurrent. */
    CONCURRENT
  }

  /** The clock with every counter at 0. */
  public static final VectorClock EMPTY = new VectorClock(new String[0], new long[0]);

  // Node ids in ascending order with their counters; only counters > 0 are kept.
  private final String[] nodes;
  private final long[] counters;

  private VectorClock(String[] nodes, long[] counters) {
    this.nodes = nodes;
    this.counters = counters;
  }

  /** The clock with the given counters (entries of 0 are dropped; negative ones are an error). */
  public static VectorClock of(Map<String, Long> counters) {
    TreeMap<String, Long> sorted = new TreeMap<>();
    for (Map.Entry<String, Long> e : counters.entrySet()) {
      String node = Objects.requireNonNull(e.getKey(), "node");
      long c = Objects.requireNonNull(e.getValue(), "counter");
      if (c < 0) {
        throw new IllegalArgumentException("counter of " + node + " is negative: " + c);
      }
      if (c > 0) {
        sorted.put(node, c);
      }
    }
    String[] n = new String[sorted.size()];
    long[] v = new long[sorted.size()];
    int i = 0;
    for (Map.Entry<String, Long> e : sorted.entrySet()) {
      n[i] = e.getKey();
      v[i] = e.getValue();
      i++;
    }
    return new VectorClock(n, v);
  }

  /** The counter of {@code node} (0 if absent). */
  public long get(String node) {
    int i = Arrays.binarySearch(nodes, node);
    return i >= 0 ? counters[i] : 0;
  }

  /** The non-zero counters, sorted by node id (unmodifiable). */
  public SortedMap<String, Long> asMap() {
    TreeMap<String, Long> m = new TreeMap<>();
    for (int i = 0; i < nodes.length; i++) {
      m.put(nodes[i], counters[i]);
    }
    return Collections.unmodifiableSortedMap(m);
  }

  /** This clock with {@code node}'s counter one higher: an event at {@code node}. */
  public VectorClock increment(String node) {
    Objects.requireNonNull(node, "node");
    int i = Arrays.binarySearch(nodes, node);
    if (i >= 0) {
      long[] v = counters.clone();
      v[i] = Math.addExact(v[i], 1);
      return new VectorClock(nodes, v);
    }
    int at = -i - 1;
    String[] n = new String[nodes.length + 1];
    long[] v = new long[nodes.length + 1];
    System.arraycopy(nodes, 0, n, 0, at);
    System.arraycopy(counters, 0, v, 0, at);
    n[at] = node;
    v[at] = 1;
    System.arraycopy(nodes, at, n, at + 1, nodes.length - at);
    System.arraycopy(counters, at, v, at + 1, nodes.length - at);
    return new VectorClock(n, v);
  }

  /** The pointwise maximum of this clock and {@code other} (what a receiver knows). */
  public VectorClock merge(VectorClock other) {
    if (nodes == other.nodes) { // the same node ids (shared array): no search needed
      long[] v = counters.clone();
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.max(v[i], other.counters[i]);
      }
      return new VectorClock(nodes, v);
    }
    String[] n = new String[nodes.length + other.nodes.length];
    long[] v = new long[n.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < nodes.length || j < other.nodes.length) {
      int c =
          i == nodes.length
              ? 1
              : j == other.nodes.length ? -1 : compareIds(nodes[i], other.nodes[j]);
      if (c < 0) {
        n[k] = nodes[i];
        v[k++] = counters[i++];
      } else if (c > 0) {
        n[k] = other.nodes[j];
        v[k++] = other.counters[j++];
      } else {
        n[k] = nodes[i];
        v[k++] = Math.max(counters[i++], other.counters[j++]);
      }
    }
    // Share the node ids of an input with the same ids, so later merges and compares are cheap.
    String[] ids =
        k == nodes.length ? nodes : k == other.nodes.length ? other.nodes : Arrays.copyOf(n, k);
    return new VectorClock(ids, Arrays.copyOf(v, k));
  }

  /** How this clock relates to {@code other}. */
  public Ordering compare(VectorClock other) {
    boolean less = false; // some counter of this is smaller
    boolean greater = false; // some counter of this is greater
    if (nodes == other.nodes) { // the same node ids (shared array): compare counters only
      for (int i = 0; i < counters.length; i++) {
        less |= counters[i] < other.counters[i];
        greater |= counters[i] > other.counters[i];
      }
      return less
          ? (greater ? Ordering.CONCURRENT : Ordering.BEFORE)
          : greater ? Ordering.AFTER : Ordering.EQUAL;
    }
    int i = 0;
    int j = 0;
    while (i < nodes.length || j < other.nodes.length) {
      int c =
          i == nodes.length
              ? 1
              : j == other.nodes.length ? -1 : compareIds(nodes[i], other.nodes[j]);
      if (c < 0) {
        greater = true; // other has 0 there
        i++;
      } else if (c > 0) {
        less = true;
        j++;
      } else {
        long a = counters[i++];
        long b = other.counters[j++];
        if (a < b) {
          less = true;
        } else if (a > b) {
          greater = true;
        }
      }
      if (less && greater) {
        return Ordering.CONCURRENT;
      }
    }
    return less ? Ordering.BEFORE : greater ? Ordering.AFTER : Ordering.EQUAL;
  }

  private static int compareIds(String a, String b) {
    return a == b ? 0 : a.compareTo(b); // node ids are usually shared instances
  }

  /** True if this clock is strictly smaller than {@code other}: this event happened before. */
  public boolean happenedBefore(VectorClock other) {
    return compare(other) == Ordering.BEFORE;
  }

  /** True if neither clock is smaller than the other. */
  public boolean isConcurrentWith(VectorClock other) {
    return compare(other) == Ordering.CONCURRENT;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VectorClock other
        && Arrays.equals(nodes, other.nodes)
        && Arrays.equals(counters, other.counters);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(nodes) + Arrays.hashCode(counters);
  }

  /** Compact form sorted by node id, e.g. {@code {a:2, b:1}}; {@code {}} when all are 0. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < nodes.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(nodes[i]).append(':').append(counters[i]);
    }
    return sb.append('}').toString();
  }
}
