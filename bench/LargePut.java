import dev.pbkv.kv.SizeLimits;
import dev.pbkv.net.PbkvClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Puts FILE's bytes as the value of KEY N times from one client (PbkvClient, 16 MiB value limit,
 * 30 s timeout), printing each put's time: "put I MILLIS START_EPOCH_MS END_EPOCH_MS". The client
 * library's side of bench/large-value.sh (no JVM start in the figure).
 * Usage: java -cp pbkv.jar bench/LargePut.java VIEWSERVER KEY FILE N
 */
public class LargePut {
  public static void main(String[] a) throws Exception {
    byte[] value = Files.readAllBytes(Path.of(a[2]));
    int n = Integer.parseInt(a[3]);
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(a[0])
        .withTimeout(Duration.ofSeconds(30))
        .withLimits(new SizeLimits(SizeLimits.DEFAULTS.maxKeyBytes(), 16 << 20)))) {
      byte[] key = a[1].getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (int i = 1; i <= n; i++) {
        long t0 = System.currentTimeMillis();
        long n0 = System.nanoTime();
        c.put(key, value);
        long ms = (System.nanoTime() - n0) / 1_000_000;
        System.out.printf("put %d %d %d %d%n", i, ms, t0, System.currentTimeMillis());
      }
    }
  }
}
