package dev.pbkv.sim;

import java.util.Arrays;

/**
 * A binary min-heap of events ordered by (time, sequence number), with the keys in primitive arrays
 * so that ordering costs no virtual calls. The sequence number makes the order total, so equal
 * times are broken by insertion order: the same inputs always pop in the same order.
 */
final class EventQueue<E> {
  private long[] times = new long[1024];
  private long[] seqs = new long[1024];
  private Object[] items = new Object[1024];
  private int size;

  void add(long time, long seq, E item) {
    if (size == items.length) {
      int capacity = size * 2;
      times = Arrays.copyOf(times, capacity);
      seqs = Arrays.copyOf(seqs, capacity);
      items = Arrays.copyOf(items, capacity);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(time, seq, times[parent], seqs[parent])) {
        break;
      }
      times[i] = times[parent];
      seqs[i] = seqs[parent];
      items[i] = items[parent];
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    items[i] = item;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int size() {
    return size;
  }

  /** The time of the first event; only when not empty. */
  long peekTime() {
    return times[0];
  }

  /** Removes and returns the first event; only when not empty. */
  @SuppressWarnings("unchecked")
  E poll() {
    E first = (E) items[0];
    int last = --size;
    long time = times[last];
    long seq = seqs[last];
    Object item = items[last];
    items[last] = null;
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && less(times[right], seqs[right], times[child], seqs[child])) {
        child = right;
      }
      if (!less(times[child], seqs[child], time, seq)) {
        break;
      }
      times[i] = times[child];
      seqs[i] = seqs[child];
      items[i] = items[child];
      i = child;
    }
    if (size > 0) {
      times[i] = time;
      seqs[i] = seq;
      items[i] = item;
    }
    return first;
  }

  private static boolean less(long t1, long s1, long t2, long s2) {
    return t1 < t2 || (t1 == t2 && s1 < s2);
  }
}
