package dev.pbkv.cli;

import dev.pbkv.net.NetRuntime;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import sun.misc.Signal;

/**
 * Keeps a server process alive until SIGTERM or SIGINT (Ctrl-C), then logs that it stops, closes
 * its runtime and whatever else it serves, and returns 0: a stop asked for is a success, not the
 * JVM's 143. A second signal while it stops halts the process at once (128 + the signal's number).
 * A shutdown hook covers the other ways out (e.g. SIGHUP, or a JVM run with {@code -Xrs}).
 */
final class ProcessLife {
  private ProcessLife() {}

  static int runUntilStopped(
      NetRuntime runtime, Logger log, String what, AutoCloseable... alsoClose)
      throws InterruptedException {
    CountDownLatch stopRequested = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop =
        () -> {
          if (stopped.getCount() == 0) {
            return;
          }
          synchronized (stopped) {
            if (stopped.getCount() == 0) {
              return;
            }
            for (AutoCloseable c : alsoClose) {
              if (c != null) {
                try {
                  c.close();
                } catch (Exception e) {
                  log.warn("{}: closing {} failed: {}", what, c, e.toString());
                }
              }
            }
            runtime.close();
            stopped.countDown();
          }
        };
    for (String signal : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(
            new Signal(signal),
            s -> {
              if (stopRequested.getCount() == 0) { // a second signal: stop at once
                log.warn("{} stopping now (second SIG{})", what, signal);
                Runtime.getRuntime().halt(128 + s.getNumber());
              }
              log.info("{} stopping (SIG{})", what, signal);
              stopRequested.countDown();
            });
      } catch (IllegalArgumentException e) {
        // e.g. the JVM runs with -Xrs: the shutdown hook below still closes everything
        log.debug("cannot handle SIG{}: {}", signal, e.getMessage());
      }
    }
    Thread hook = new Thread(stop, "shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stopRequested.await();
    stop.run();
    log.info("{} stopped", what);
    return 0;
  }
}
