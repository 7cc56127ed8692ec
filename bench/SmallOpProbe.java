import dev.pbkv.net.PbkvClient;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Small ops in a closed loop (one session: put probe-key, get probe-key, ...) against a pbkv
 * cluster, each written as "op START_EPOCH_MS LATENCY_US ok|fail WHY", and the view polled every
 * 100 ms, each new one written as "view EPOCH_MS NUM PRIMARY BACKUP", with each server's missed pings
 * when not 0 ("missed EPOCH_MS SERVER N"; the view service declares a server dead at --dead-pings,
 * 5 by default). Runs until FILE.stop exists.
 * Usage: java -cp pbkv.jar bench/SmallOpProbe.java VIEWSERVER FILE (see bench/large-value.sh).
 */
public class SmallOpProbe {
  public static void main(String[] a) throws Exception {
    String vs = a[0];
    Path out = Path.of(a[1]);
    Path stop = Path.of(a[1] + ".stop");
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out));
        PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs).withTimeout(Duration.ofSeconds(5)))) {
      Thread views = new Thread(() -> {
        long last = -1;
        while (!Files.exists(stop)) {
          try {
            Status s = c.status(Duration.ofSeconds(2));
            for (var h : s.servers()) {
              if (h.missedChecks() > 0) {
                synchronized (w) {
                  w.printf("missed %d %s %d%n", System.currentTimeMillis(), h.server(), h.missedChecks());
                }
              }
            }
            if (s.view().viewNum() != last) {
              last = s.view().viewNum();
              synchronized (w) {
                w.printf("view %d %d %s %s%n", System.currentTimeMillis(), last, s.view().primary(), s.view().backup());
              }
            }
            Thread.sleep(100);
          } catch (InterruptedException e) {
            return;
          } catch (RuntimeException e) {
            synchronized (w) { w.printf("status-fail %d %s%n", System.currentTimeMillis(), e.toString().replace('\n', ' ')); }
          }
        }
      });
      views.setDaemon(true);
      views.start();
      for (long i = 0; !Files.exists(stop); i++) {
        long t0 = System.currentTimeMillis();
        long n0 = System.nanoTime();
        String why = "ok";
        try {
          if (i % 2 == 0) {
            c.put("probe-key", "v" + i);
          } else if (!("v" + (i - 1)).equals(c.get("probe-key"))) {
            why = "fail wrong-value";
          }
        } catch (RuntimeException e) {
          why = "fail " + e.toString().replace('\n', ' ');
        }
        long us = (System.nanoTime() - n0) / 1000;
        synchronized (w) { w.printf("op %d %d %s%n", t0, us, why); }
      }
      views.join(3000);
    }
  }
}
