package dev.pbkv.check;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The messages in flight: an immutable set kept as an array sorted by hash (compact: a successor
 * copies one array of references, not a hash table). The hash of the set is the sum of mixed
 * element hashes, kept incrementally; so is its 128-bit fingerprint, the sum of two mixes of each
 * message's exact id (see {@link Interner}).
 */
final class Network {
  static final Network EMPTY = new Network(new Envelope[0], 0, 0, 0);

  private final Envelope[] items;
  private final long hash;
  private final long fpHigh;
  private final long fpLow;

  private Network(Envelope[] items, long hash, long fpHigh, long fpLow) {
    this.items = items;
    this.hash = hash;
    this.fpHigh = fpHigh;
    this.fpLow = fpLow;
  }

  long fingerprintHigh() {
    return fpHigh;
  }

  long fingerprintLow() {
    return fpLow;
  }

  int size() {
    return items.length;
  }

  long hash() {
    return hash;
  }

  Envelope get(int i) {
    return items[i];
  }

  List<Envelope> asList() {
    return Collections.unmodifiableList(Arrays.asList(items));
  }

  /** Index of the first element whose hash is not below {@code h}. */
  private int lowerBound(int h) {
    int lo = 0;
    int hi = items.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (items[mid].hashCode() < h) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  boolean contains(Envelope e) {
    int h = e.hashCode();
    for (int i = lowerBound(h); i < items.length && items[i].hashCode() == h; i++) {
      if (items[i].equals(e)) {
        return true;
      }
    }
    return false;
  }

  /**
   * This set with {@code e} added (this one if it holds {@code e} already); {@code ids} numbers the
   * messages for the fingerprint.
   */
  Network plus(Envelope e, Interner ids) {
    if (contains(e)) {
      return this;
    }
    int at = lowerBound(e.hashCode());
    Envelope[] next = new Envelope[items.length + 1];
    System.arraycopy(items, 0, next, 0, at);
    next[at] = e;
    System.arraycopy(items, at, next, at + 1, items.length - at);
    long id = ids.envelopeId(e) | (1L << 40); // apart from the node slots' keys
    return new Network(
        next,
        hash + SearchState.mix(e.hashCode()),
        fpHigh + SearchState.mixHigh(id),
        fpLow + SearchState.mixLow(id));
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Network n) || n.hash != hash || n.items.length != items.length) {
      return false;
    }
    if (Arrays.equals(items, n.items)) {
      return true;
    }
    for (Envelope e : items) { // equal-hash runs may be in another order
      if (!n.contains(e)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hash);
  }
}
