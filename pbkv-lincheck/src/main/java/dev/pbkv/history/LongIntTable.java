package dev.pbkv.history;

import java.util.Arrays;

/** A small open-addressing map from {@code long} to non-negative {@code int}, without boxing. */
final class LongIntTable {
  private long[] keys;
  private int[] vals;
  private int mask;
  private int size;

  LongIntTable(int capacity) {
    int cap = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1);
    keys = new long[cap];
    vals = new int[cap];
    Arrays.fill(vals, -1);
    mask = cap - 1;
  }

  /** The value for {@code k}, or -1. */
  int get(long k) {
    int i = slot(k, mask);
    while (vals[i] >= 0) {
      if (keys[i] == k) {
        return vals[i];
      }
      i = (i + 1) & mask;
    }
    return -1;
  }

  /** Maps {@code k} to {@code v} (v must be non-negative). */
  void put(long k, int v) {
    if (2 * (size + 1) > keys.length) {
      grow();
    }
    int i = slot(k, mask);
    while (vals[i] >= 0) {
      if (keys[i] == k) {
        vals[i] = v;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = k;
    vals[i] = v;
    size++;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldVals = vals;
    keys = new long[oldKeys.length * 2];
    vals = new int[oldKeys.length * 2];
    Arrays.fill(vals, -1);
    mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldVals[j] >= 0) {
        int i = slot(oldKeys[j], mask);
        while (vals[i] >= 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        vals[i] = oldVals[j];
      }
    }
  }

  private static int slot(long k, int mask) {
    long h = k * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 29)) & mask;
  }
}
