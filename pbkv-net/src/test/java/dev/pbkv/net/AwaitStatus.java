package dev.pbkv.net;

import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.time.Duration;
import java.util.function.Predicate;

/** For the in-JVM cluster tests: waits until the view service's status meets a condition. */
final class AwaitStatus {
  private AwaitStatus() {}

  /**
   * The first status of {@code vs} (asked through {@code probe}) that meets {@code condition},
   * within 60 s.
   */
  static Status until(NetRuntime probe, Address vs, Predicate<Status> condition)
      throws InterruptedException {
    return until(probe, vs, Duration.ofSeconds(60), condition);
  }

  /** As {@link #until(NetRuntime, Address, Predicate)}, within {@code limit}. */
  static Status until(NetRuntime probe, Address vs, Duration limit, Predicate<Status> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Status s = ViewServiceProbe.status(probe, vs, Duration.ofSeconds(5));
        if (condition.test(s)) {
          return s;
        }
      } catch (PbkvException e) {
        // not answering yet
      }
      Thread.sleep(20);
    }
    throw new AssertionError("not reached within " + limit.toSeconds() + " s");
  }
}
