package dev.pbkv.check;

/**
 * The states a breadth-first search has seen, as 128-bit fingerprints in one open-addressing table
 * of primitive longs (16 bytes a slot, at most 70% full): no state objects are kept.
 *
 * <p>Not thread-safe for writers: {@link Search#bfs} adds from one thread between levels, while
 * several threads may call {@link #contains} during a level (no writes happen then).
 *
 * <p>A fingerprint is computed over exact ids (see {@link SearchState#fingerprintHigh()}), so two
 * different states share one only by a 128-bit hash collision: with {@code n} states the chance of
 * any is about {@code n^2 / 2^129}, below 10^-24 for ten million states. A collision would make the
 * search skip a state it never explored.
 */
final class FingerprintSet {
  private long[] high;
  private long[] low;
  private int mask;
  private int size;
  private int limit;

  FingerprintSet() {
    this(1 << 16);
  }

  FingerprintSet(int capacity) {
    int c = Integer.highestOneBit(Math.max(16, capacity - 1)) << 1;
    high = new long[c];
    low = new long[c];
    mask = c - 1;
    limit = (int) (c * 0.7);
  }

  int size() {
    return size;
  }

  /** Bytes held by the table. */
  long bytes() {
    return 16L * high.length;
  }

  boolean contains(SearchState s) {
    return contains(s.fingerprintHigh(), s.fingerprintLow());
  }

  /** True if the fingerprint was not in the set (it is now). */
  boolean add(SearchState s) {
    return add(s.fingerprintHigh(), s.fingerprintLow());
  }

  boolean contains(long h, long l) {
    if (h == 0 && l == 0) {
      l = 1; // (0, 0) marks an empty slot
    }
    for (int i = (int) l & mask; ; i = (i + 1) & mask) {
      if (high[i] == h && low[i] == l) {
        return true;
      }
      if (high[i] == 0 && low[i] == 0) {
        return false;
      }
    }
  }

  boolean add(long h, long l) {
    if (h == 0 && l == 0) {
      l = 1;
    }
    int i = (int) l & mask;
    for (; high[i] != 0 || low[i] != 0; i = (i + 1) & mask) {
      if (high[i] == h && low[i] == l) {
        return false;
      }
    }
    high[i] = h;
    low[i] = l;
    if (++size > limit) {
      grow();
    }
    return true;
  }

  private void grow() {
    long[] oh = high;
    long[] ol = low;
    int c = oh.length * 2;
    high = new long[c];
    low = new long[c];
    mask = c - 1;
    limit = (int) (c * 0.7);
    for (int j = 0; j < oh.length; j++) {
      if (oh[j] != 0 || ol[j] != 0) {
        int i = (int) ol[j] & mask;
        while (high[i] != 0 || low[i] != 0) {
          i = (i + 1) & mask;
        }
        high[i] = oh[j];
        low[i] = ol[j];
      }
    }
  }
}
