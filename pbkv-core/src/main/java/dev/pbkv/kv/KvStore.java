package dev.pbkv.kv;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The key-value application: a map from keys to values and a deterministic {@link
 * #execute(Command)}.
 *
 * <p><b>Compact storage.</b> A {@code HashMap<String, String>} costs about 150 bytes of heap per
 * small entry (two {@code String}s, their arrays, a node, a table slot). This store keeps each
 * entry as <em>one</em> {@code byte[]} in an open-addressing hash table with linear probing: {@code
 * entries[slot]} holds a small header, the key and the value, and {@code hashes[slot]} the key's
 * hash (so a probe compares bytes only when the hashes match). A key of 10 ASCII characters with a
 * 16-byte value costs about 65 bytes of heap (see {@code dev.pbkv.bench.StoreMemory}).
 *
 * <p><b>Encoding.</b> Each string is stored as Latin-1 (one byte per char) when all its chars are
 * below 256, else as UTF-16 (two bytes per char, big-endian). Both are lossless for every Java
 * string, unpaired surrogates included, and the choice depends only on the string, so equal strings
 * have equal bytes. The header is a varint of {@code keyBytes << 2 | keyWide << 1 | valueWide},
 * followed by the key's bytes and then the value's bytes.
 *
 * <p><b>Deletion</b> uses backward-shift deletion (no tombstones): the entries after the hole that
 * may move into it do, so every entry stays reachable from its home slot without a gap.
 *
 * <p>An entry's {@code byte[]} is never modified once it is in the table (an update replaces it),
 * so {@link #copy()} shares them and copies only the two tables. Equality and the hash code are
 * over the contents only, independent of insertion order and of the table's layout. The slot order
 * that {@link #scan} follows depends on the history of the table but is deterministic.
 */
public final class KvStore {
  private static final int MIN_CAPACITY = 16;

  private byte[][] entries;
  private int[] hashes;
  private int size;

  public KvStore() {
    this(MIN_CAPACITY);
  }

  private KvStore(int capacity) {
    entries = new byte[capacity][];
    hashes = new int[capacity];
  }

  /** A store holding a copy of {@code data}. */
  public static KvStore of(Map<String, String> data) {
    KvStore store = new KvStore(capacityFor(data.size()));
    data.forEach(store::put);
    return store;
  }

  /** An independent copy (the entries' byte arrays are immutable and shared). */
  public KvStore copy() {
    KvStore c = new KvStore(0);
    c.entries = entries.clone();
    c.hashes = hashes.clone();
    c.size = size;
    return c;
  }

  /** Executes {@code command}; an unknown command is an error, never a silent no-op. */
  public Result execute(Command command) {
    Objects.requireNonNull(command, "command");
    if (command instanceof Command.Get get) {
      return new Result.Value(get(get.key()));
    } else if (command instanceof Command.Put put) {
      put(put.key(), put.value());
      return Result.OK;
    } else if (command instanceof Command.Append append) {
      String current = get(append.key());
      String updated = current == null ? append.value() : current.concat(append.value());
      put(append.key(), updated);
      return new Result.Value(updated);
    } else if (command instanceof Command.Delete delete) {
      return new Result.Deleted(remove(delete.key()));
    } else if (command instanceof Command.CompareAndSet cas) {
      String current = get(cas.key());
      if (Objects.equals(current, cas.expected())) {
        put(cas.key(), cas.update());
        return new Result.CasResult(true, current);
      }
      return new Result.CasResult(false, current);
    } else if (command instanceof Command.Scan scan) {
      return keys(scan);
    }
    throw new IllegalArgumentException("unknown command: " + command);
  }

  /**
   * One page of a scan: the smallest keys in the scan's range, in order, within its key and byte
   * limits. The table is not ordered, so a page costs a walk over every entry (O(n log limit)).
   */
  public Result.Keys keys(Command.Scan scan) {
    // The limit + 1 smallest candidates, largest on top: the extra one tells whether more follow.
    PriorityQueue<String> smallest = new PriorityQueue<>(Comparator.reverseOrder());
    for (byte[] e : entries) {
      if (e == null) {
        continue;
      }
      String k = key(e);
      if (!scan.covers(k)) {
        continue;
      }
      if (smallest.size() <= scan.limit()) {
        smallest.add(k);
      } else if (k.compareTo(smallest.peek()) < 0) {
        smallest.poll();
        smallest.add(k);
      }
    }
    List<String> sorted = new ArrayList<>(smallest);
    Collections.sort(sorted);
    List<String> page = new ArrayList<>();
    long bytes = 0;
    for (String k : sorted) {
      if (page.size() == scan.limit()
          || (!page.isEmpty() && bytes + k.length() > Command.Scan.MAX_PAGE_BYTES)) {
        break;
      }
      page.add(k);
      bytes += k.length();
    }
    String next = page.size() < sorted.size() ? page.get(page.size() - 1) : null;
    return new Result.Keys(page, next);
  }

  /** The value of {@code key}, or {@code null}. */
  public String get(String key) {
    Encoded k = Encoded.of(key);
    int slot = find(k.bytes, k.wide, 0, k.bytes.length, hash(k.bytes, 0, k.bytes.length, k.wide));
    return slot < 0 ? null : value(entries[slot]);
  }

  /** Sets {@code key} to {@code value}. */
  public void put(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Encoded k = Encoded.of(key);
    Encoded v = Encoded.of(value);
    byte[] entry = entry(k, v);
    int keyStart = entry.length - v.bytes.length - k.bytes.length;
    int h = hash(k.bytes, 0, k.bytes.length, k.wide);
    int slot = find(entry, k.wide, keyStart, keyStart + k.bytes.length, h);
    if (slot >= 0) {
      entries[slot] = entry;
      return;
    }
    if ((size + 1) * 4L > entries.length * 3L) {
      resize(entries.length * 2);
    }
    insert(entry, h);
    size++;
  }

  /** Puts every entry of {@code data}. */
  public void putAll(Map<String, String> data) {
    if ((size + data.size()) * 4L > entries.length * 3L) {
      resize(capacityFor(size + data.size()));
    }
    data.forEach(this::put);
  }

  /** Removes {@code key}; returns whether it was present. */
  public boolean remove(String key) {
    Encoded k = Encoded.of(key);
    int slot = find(k.bytes, k.wide, 0, k.bytes.length, hash(k.bytes, 0, k.bytes.length, k.wide));
    if (slot < 0) {
      return false;
    }
    removeAt(slot);
    size--;
    return true;
  }

  public int size() {
    return size;
  }

  /**
   * The bytes the entries take in their encoded form (headers, keys and values; not the tables): a
   * walk over the table, for metrics, not for the per-op path.
   */
  public long entryBytes() {
    long total = 0;
    for (byte[] e : entries) {
      if (e != null) {
        total += e.length;
      }
    }
    return total;
  }

  /** The number of slots of the table: {@link #scan} positions run from 0 to this. */
  public int slotCount() {
    return entries.length;
  }

  /**
   * Passes the entries from slot {@code fromSlot} on to {@code sink}, in slot order, until their
   * stored size reaches {@code maxBytes} (at least one entry, if any is left). Returns the slot to
   * continue from: {@link #slotCount()} when every slot has been read. While the store does not
   * change, reading from 0 to the end in several calls passes every entry exactly once.
   */
  public int scan(int fromSlot, long maxBytes, BiConsumer<String, String> sink) {
    long bytes = 0;
    int slot = Math.max(0, fromSlot);
    while (slot < entries.length && (bytes < maxBytes || bytes == 0)) {
      byte[] e = entries[slot++];
      if (e != null) {
        sink.accept(key(e), value(e));
        bytes += e.length;
      }
    }
    return slot;
  }

  /**
   * Like {@link #scan}, but writes the entries in their stored encoding, each preceded by its
   * length as a varint, to {@code out} (the format of a {@link DataChunk}): no string is decoded.
   */
  public int writeChunk(int fromSlot, long maxBytes, ByteArrayOutputStream out) {
    long bytes = 0;
    int slot = Math.max(0, fromSlot);
    while (slot < entries.length && (bytes < maxBytes || bytes == 0)) {
      byte[] e = entries[slot++];
      if (e != null) {
        for (int v = e.length; ; v >>>= 7) {
          if ((v & ~0x7F) == 0) {
            out.write(v);
            break;
          }
          out.write((v & 0x7F) | 0x80);
        }
        out.write(e, 0, e.length);
        bytes += e.length;
      }
    }
    return slot;
  }

  /** Puts every entry of {@code chunk} (a later entry for the same key wins). */
  public void install(DataChunk chunk) {
    if ((size + chunk.count()) * 4L > entries.length * 3L) {
      resize(capacityFor(size + chunk.count()));
    }
    byte[] b = chunk.bytes();
    int p = 0;
    while (p < b.length) {
      int length = 0;
      for (int shift = 0; ; shift += 7) {
        int x = b[p++];
        length |= (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          break;
        }
      }
      byte[] entry = Arrays.copyOfRange(b, p, p + length);
      p += length;
      int keyStart = headerLength(entry);
      int keyEnd = keyStart + keyLength(entry);
      int h = hash(entry, keyStart, keyEnd, keyWide(entry));
      int slot = find(entry, keyWide(entry), keyStart, keyEnd, h);
      if (slot >= 0) {
        entries[slot] = entry;
      } else {
        if ((size + 1) * 4L > entries.length * 3L) {
          resize(entries.length * 2);
        }
        insert(entry, h);
        size++;
      }
    }
  }

  /**
   * Checks that {@code b[off, off+len)} is a well-formed entry (entry {@code n} of a chunk).
   *
   * @throws IllegalArgumentException if it is not
   */
  static void checkEntry(byte[] b, int off, int len, int n) {
    long header = 0;
    int p = off;
    for (int shift = 0; ; shift += 7) {
      if (p >= off + len || shift > 35) {
        throw new IllegalArgumentException("data chunk: entry " + n + " has a bad header");
      }
      int x = b[p++];
      header |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
    }
    long keyBytes = header >>> 2;
    long valueBytes = off + len - p - keyBytes;
    boolean keyWide = (header & 2) != 0;
    boolean valueWide = (header & 1) != 0;
    if (valueBytes < 0
        || (keyWide && keyBytes % 2 != 0)
        || (valueWide && valueBytes % 2 != 0)
        || p - off != varintLength(header)) {
      throw new IllegalArgumentException("data chunk: entry " + n + " is malformed");
    }
    // The encoding must be the canonical one, so equal strings always have equal bytes.
    if (keyWide && !hasWideChar(b, p, (int) keyBytes)
        || valueWide && !hasWideChar(b, p + (int) keyBytes, (int) valueBytes)) {
      throw new IllegalArgumentException("data chunk: entry " + n + " is not canonical");
    }
  }

  private static boolean hasWideChar(byte[] b, int from, int length) {
    for (int i = from; i < from + length; i += 2) {
      if (b[i] != 0) {
        return true;
      }
    }
    return false;
  }

  /** The heap this store's entries and tables take, roughly, in bytes (for measurements). */
  public long storedBytes() {
    long total = 16L + 4L * entries.length + 16L + 4L * hashes.length;
    for (byte[] e : entries) {
      if (e != null) {
        total += (16 + e.length + 7) & ~7;
      }
    }
    return total;
  }

  /** An immutable copy of the contents (for snapshots in tests and checks). */
  public Map<String, String> copyOfData() {
    Map<String, String> out = new HashMap<>(Math.max(16, size * 2));
    scan(0, Long.MAX_VALUE, out::put);
    return Map.copyOf(out);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof KvStore other) || size != other.size) {
      return false;
    }
    for (int slot = 0; slot < entries.length; slot++) {
      byte[] e = entries[slot];
      if (e == null) {
        continue;
      }
      int keyStart = headerLength(e);
      int keyEnd = keyStart + keyLength(e);
      int found = other.find(e, keyWide(e), keyStart, keyEnd, hashes[slot]);
      if (found < 0 || !Arrays.equals(e, other.entries[found])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (byte[] e : entries) {
      if (e != null) {
        h += Arrays.hashCode(e); // a sum: independent of the order of the entries
      }
    }
    return h;
  }

  @Override
  public String toString() {
    TreeMap<String, String> sorted = new TreeMap<>();
    scan(0, Long.MAX_VALUE, sorted::put);
    return "KvStore" + sorted;
  }

  /** The hash of {@code key} as the table uses it (for tests that need colliding keys). */
  static int hashOf(String key) {
    Encoded k = Encoded.of(key);
    return hash(k.bytes, 0, k.bytes.length, k.wide);
  }

  // --- the table --------------------------------------------------------------------------

  private int mask() {
    return entries.length - 1;
  }

  /** The slot holding the key {@code key[from, to)} (encoded with {@code wide}), or -1. */
  private int find(byte[] key, boolean wide, int from, int to, int h) {
    int mask = mask();
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      byte[] e = entries[slot];
      if (e == null) {
        return -1;
      }
      if (hashes[slot] == h && keyWide(e) == wide) {
        int start = headerLength(e);
        if (Arrays.equals(e, start, start + keyLength(e), key, from, to)) {
          return slot;
        }
      }
    }
  }

  private void insert(byte[] entry, int h) {
    int mask = mask();
    int slot = h & mask;
    while (entries[slot] != null) {
      slot = (slot + 1) & mask;
    }
    entries[slot] = entry;
    hashes[slot] = h;
  }

  /** Backward-shift deletion: moves later entries of the probe run into the hole while they may. */
  private void removeAt(int slot) {
    int mask = mask();
    int hole = slot;
    for (int j = (slot + 1) & mask; entries[j] != null; j = (j + 1) & mask) {
      int home = hashes[j] & mask;
      // The entry at j may move to the hole if the hole lies on its probe path home..j.
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        entries[hole] = entries[j];
        hashes[hole] = hashes[j];
        hole = j;
      }
    }
    entries[hole] = null;
    hashes[hole] = 0;
  }

  private void resize(int capacity) {
    byte[][] oldEntries = entries;
    int[] oldHashes = hashes;
    entries = new byte[capacity][];
    hashes = new int[capacity];
    for (int i = 0; i < oldEntries.length; i++) {
      if (oldEntries[i] != null) {
        insert(oldEntries[i], oldHashes[i]);
      }
    }
  }

  /** The smallest power-of-two capacity that holds {@code n} entries at load factor 3/4. */
  private static int capacityFor(int n) {
    int capacity = MIN_CAPACITY;
    while (n * 4L > capacity * 3L) {
      capacity *= 2;
    }
    return capacity;
  }

  /** A deterministic hash of an encoded key (FNV-1a, then a finalizing mix). */
  private static int hash(byte[] b, int from, int to, boolean wide) {
    int h = wide ? 0x01000193 : 0x811C9DC5;
    for (int i = from; i < to; i++) {
      h = (h ^ (b[i] & 0xff)) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    return h ^ (h >>> 16);
  }

  // --- entries ------------------------------------------------------------------------------

  /** A string's stored form: Latin-1 bytes, or UTF-16 bytes if some char is 256 or above. */
  private record Encoded(byte[] bytes, boolean wide) {
    static Encoded of(String s) {
      int n = s.length();
      for (int i = 0; i < n; i++) {
        if (s.charAt(i) > 0xff) {
          byte[] b = new byte[2 * n];
          for (int j = 0; j < n; j++) {
            char c = s.charAt(j);
            b[2 * j] = (byte) (c >>> 8);
            b[2 * j + 1] = (byte) c;
          }
          return new Encoded(b, true);
        }
      }
      return new Encoded(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), false);
    }
  }

  private static byte[] entry(Encoded key, Encoded value) {
    long header = ((long) key.bytes.length << 2) | (key.wide ? 2 : 0) | (value.wide ? 1 : 0);
    int headerLength = varintLength(header);
    byte[] e = new byte[headerLength + key.bytes.length + value.bytes.length];
    int p = 0;
    while ((header & ~0x7FL) != 0) {
      e[p++] = (byte) ((header & 0x7F) | 0x80);
      header >>>= 7;
    }
    e[p++] = (byte) header;
    System.arraycopy(key.bytes, 0, e, p, key.bytes.length);
    System.arraycopy(value.bytes, 0, e, p + key.bytes.length, value.bytes.length);
    return e;
  }

  private static int varintLength(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static long header(byte[] e) {
    long h = 0;
    for (int i = 0, shift = 0; ; i++, shift += 7) {
      h |= (long) (e[i] & 0x7F) << shift;
      if ((e[i] & 0x80) == 0) {
        return h;
      }
    }
  }

  private static int headerLength(byte[] e) {
    int i = 0;
    while ((e[i] & 0x80) != 0) {
      i++;
    }
    return i + 1;
  }

  private static int keyLength(byte[] e) {
    return (int) (header(e) >>> 2);
  }

  private static boolean keyWide(byte[] e) {
    return (header(e) & 2) != 0;
  }

  private static String key(byte[] e) {
    long h = header(e);
    int start = headerLength(e);
    return decode(e, start, start + (int) (h >>> 2), (h & 2) != 0);
  }

  private static String value(byte[] e) {
    long h = header(e);
    return decode(e, headerLength(e) + (int) (h >>> 2), e.length, (h & 1) != 0);
  }

  private static String decode(byte[] b, int from, int to, boolean wide) {
    if (!wide) {
      return new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
    char[] chars = new char[(to - from) / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (((b[from + 2 * i] & 0xff) << 8) | (b[from + 2 * i + 1] & 0xff));
    }
    return new String(chars);
  }
}
