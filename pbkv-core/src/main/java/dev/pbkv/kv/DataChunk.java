package dev.pbkv.kv;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Some entries of a {@link KvStore}, in the store's own compact encoding, as a state transfer
 * carries them: the bytes are a sequence of {@code (varint length, entry)}, each entry encoded as
 * {@link KvStore} describes (header, key, value). The primary copies the entries' bytes without
 * decoding a string, and the backup inserts them without encoding one.
 *
 * <p>Immutable: the constructor checks every entry (bytes from the network are never trusted) and
 * nobody changes the array afterwards. Equality is over the bytes.
 */
public final class DataChunk {
  /** A chunk without entries. */
  public static final DataChunk EMPTY = new DataChunk(new byte[0]);

  private final byte[] bytes;
  private final int count;

  /**
   * @param bytes the encoded entries; the caller must not change the array afterwards
   * @throws IllegalArgumentException if they are not a well-formed sequence of entries
   */
  public DataChunk(byte[] bytes) {
    this.bytes = java.util.Objects.requireNonNull(bytes, "bytes");
    this.count = validate(bytes);
  }

  /** A chunk holding the entries of {@code data} (in the map's iteration order). */
  public static DataChunk of(Map<String, String> data) {
    KvStore store = KvStore.of(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.writeChunk(0, Long.MAX_VALUE, out);
    return new DataChunk(out.toByteArray());
  }

  /** The encoded entries (a copy). */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The encoded entries themselves (package-private: the store reads them without a copy). */
  byte[] bytes() {
    return bytes;
  }

  /** How many entries the chunk holds. */
  public int count() {
    return count;
  }

  /** The encoded size in bytes. */
  public int size() {
    return bytes.length;
  }

  /** The entries as a map (for tests and diagnostics). */
  public Map<String, String> toMap() {
    KvStore store = new KvStore();
    store.install(this);
    Map<String, String> out = new HashMap<>();
    store.scan(0, Long.MAX_VALUE, out::put);
    return out;
  }

  private static int validate(byte[] b) {
    int n = 0;
    int p = 0;
    while (p < b.length) {
      long length = 0;
      int shift = 0;
      while (true) {
        if (p >= b.length || shift > 28) {
          throw new IllegalArgumentException("data chunk: bad entry length at byte " + p);
        }
        int x = b[p++];
        length |= (long) (x & 0x7F) << shift;
        shift += 7;
        if ((x & 0x80) == 0) {
          break;
        }
      }
      if (length > b.length - p) {
        throw new IllegalArgumentException("data chunk: entry " + n + " overruns the chunk");
      }
      KvStore.checkEntry(b, p, (int) length, n);
      p += (int) length;
      n++;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DataChunk other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "DataChunk[" + count + " entries, " + bytes.length + " bytes]";
  }
}
