package dev.pbkv.history;

/**
 * Lowe's memo: the set of configurations (set of linearized ops, model state) already explored, in
 * flat primitive arrays. A set of ops is stored compactly as the range of bitset words between the
 * first word that is not all ones and the last word that is not zero; the caller keeps that range
 * and a Zobrist hash of the set up to date incrementally. Past its memory limit the cache stops
 * remembering (the search stays correct, only slower).
 */
final class ConfigCache {
  private final long maxBytes;
  private long[] hashes;
  private int[] states;
  private int[] offsets; // arena offset + 1; 0 = empty slot
  private int mask;
  private int size;
  private long[] arena;
  private int arenaSize;
  private boolean full;

  /** A cache of at most about {@code maxBytes}, sized first for {@code expected} entries. */
  ConfigCache(long maxBytes, int expected) {
    this.maxBytes = maxBytes;
    int cap = Integer.highestOneBit(Math.max(64, Math.min(expected, 1 << 20)) * 4 - 1);
    hashes = new long[cap];
    states = new int[cap];
    offsets = new int[cap];
    mask = cap - 1;
    arena = new long[cap * 2];
  }

  /**
   * Adds the configuration and returns true, or returns false when it was already there. Words
   * below {@code lo} are all ones and words above {@code hi} are zero.
   */
  boolean add(long[] bits, int lo, int hi, long hash, int state) {
    long h = hash ^ (state * 0xC2B2AE3D27D4EB4FL);
    int len = Math.max(0, hi - lo + 1);
    long meta = (long) lo << 32 | len;
    int i = slot(h, mask);
    int off;
    while ((off = offsets[i]) != 0) {
      if (hashes[i] == h && states[i] == state && same(off - 1, meta, bits, lo, len)) {
        return false;
      }
      i = (i + 1) & mask;
    }
    if (full) {
      return true;
    }
    if (arenaSize + len + 1 > arena.length) {
      long newLength = Math.max((long) arena.length * 2, (long) arenaSize + len + 1);
      if (bytes() + newLength * 8 > maxBytes || newLength > Integer.MAX_VALUE - 16) {
        full = true;
        return true;
      }
      arena = java.util.Arrays.copyOf(arena, (int) newLength);
    }
    int at = arenaSize;
    arena[at] = meta;
    System.arraycopy(bits, lo, arena, at + 1, len);
    arenaSize += len + 1;
    hashes[i] = h;
    states[i] = state;
    offsets[i] = at + 1;
    if (++size * 2 > offsets.length) {
      if (bytes() + (long) offsets.length * 32 > maxBytes) {
        full = true; // keep what we have; the table stays below its load limit by refusing more
        return true;
      }
      grow();
    }
    return true;
  }

  /** How many configurations are remembered. */
  int size() {
    return size;
  }

  /** True once the memory limit stopped the cache from remembering more. */
  boolean isFull() {
    return full;
  }

  private long bytes() {
    return (long) arena.length * 8 + (long) offsets.length * 16;
  }

  private boolean same(int off, long meta, long[] bits, int lo, int len) {
    if (arena[off] != meta) {
      return false;
    }
    for (int k = 0; k < len; k++) {
      if (arena[off + 1 + k] != bits[lo + k]) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    long[] oldHashes = hashes;
    int[] oldStates = states;
    int[] oldOffsets = offsets;
    int cap = oldOffsets.length * 2;
    hashes = new long[cap];
    states = new int[cap];
    offsets = new int[cap];
    mask = cap - 1;
    for (int j = 0; j < oldOffsets.length; j++) {
      if (oldOffsets[j] != 0) {
        int i = slot(oldHashes[j], mask);
        while (offsets[i] != 0) {
          i = (i + 1) & mask;
        }
        hashes[i] = oldHashes[j];
        states[i] = oldStates[j];
        offsets[i] = oldOffsets[j];
      }
    }
  }

  private static int slot(long h, int mask) {
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
