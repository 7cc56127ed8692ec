package dev.pbkv.bench;

import dev.pbkv.node.Address;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;

/**
 * Measures the heap a server's store takes (issue 7, memory target: at most 3× the raw key and
 * value bytes). Fills a {@link PbServer}'s store with N keys {@code key:0 … key:N-1} (the key
 * format of {@code pbkv bench}) and 16-byte values, forces GC before and after, and prints the heap
 * used per entry and its ratio to the raw bytes. Not a test: run by hand.
 *
 * <pre>
 * java -Xmx1g -cp pbkv-bench/target/benchmarks.jar dev.pbkv.bench.StoreMemory [N] [--hashmap]
 * </pre>
 *
 * {@code --hashmap} measures a plain {@code HashMap<String, String>} with the same contents, for
 * comparison.
 */
public final class StoreMemory {
  private StoreMemory() {}

  public static void main(String[] args) throws InterruptedException {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    boolean hashMap = args.length > 1 && args[1].equals("--hashmap");
    long raw = 0;
    for (int i = 0; i < n; i++) {
      raw += key(i).getBytes(StandardCharsets.UTF_8).length + value(i).length();
    }
    long before = usedAfterGc();
    Object holder;
    if (hashMap) {
      HashMap<String, String> map = new HashMap<>();
      for (int i = 0; i < n; i++) {
        map.put(key(i), value(i));
      }
      holder = map;
    } else {
      PbServer server =
          new PbServer(Address.of("s1"), Address.of("vs"), 1, ServerConfig.defaults());
      for (int i = 0; i < n; i++) {
        server.preload(key(i), value(i));
      }
      if (server.storeSize() != n) {
        throw new AssertionError("store holds " + server.storeSize() + " keys, not " + n);
      }
      holder = server;
    }
    long after = usedAfterGc();
    Reference.reachabilityFence(holder);
    double perEntry = (after - before) / (double) n;
    double rawPerEntry = raw / (double) n;
    System.out.printf(
        Locale.ROOT,
        "%s, %,d keys: heap %,d bytes after GC = %.1f bytes/entry; raw key+value %.1f bytes/entry;"
            + " ratio %.2f%n",
        hashMap ? "HashMap<String,String>" : "PbServer store",
        n,
        after - before,
        perEntry,
        rawPerEntry,
        perEntry / rawPerEntry);
  }

  static String key(int i) {
    return "key:" + i;
  }

  /** A 16-byte value, different for each key. */
  static String value(int i) {
    return String.format(Locale.ROOT, "%016x", i * 0x9E3779B97F4A7C15L);
  }

  private static long usedAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
