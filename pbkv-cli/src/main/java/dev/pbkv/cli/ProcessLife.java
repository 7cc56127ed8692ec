package dev.pbkv.cli;

import dev.pbkv.net.NetRuntime;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/** Keeps a server process alive until SIGTERM / Ctrl-C, then closes its runtime. */
final class ProcessLife {
  private ProcessLife() {}

  static int runUntilStopped(NetRuntime runtime, Logger log, String what)
      throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("{} stopping", what);
                  runtime.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }
}
