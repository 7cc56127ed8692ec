package dev.pbkv.cli;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a test with real processes fails (an assertion, an exception or its {@code @Timeout}), or
 * its setup does, prints the last lines of every child process's log and attaches them to the
 * failure, before the cluster stops and its logs are deleted.
 */
final class LogTailsOnFailure
    implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
  static final int LINES = 40;

  private final Supplier<ProcessCluster> cluster;

  LogTailsOnFailure(Supplier<ProcessCluster> cluster) {
    this.cluster = cluster;
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withTails(failure);
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withTails(failure);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure)
      throws Throwable {
    throw withTails(failure);
  }

  private Throwable withTails(Throwable failure) {
    ProcessCluster c = cluster.get();
    if (c != null) {
      String tails = c.logTails(LINES);
      System.out.println("the processes' logs at the failure:\n" + tails);
      failure.addSuppressed(new AssertionError("the processes' logs at the failure:\n" + tails));
    }
    return failure;
  }
}
