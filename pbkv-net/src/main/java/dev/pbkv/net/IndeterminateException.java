package dev.pbkv.net;

/**
 * The operation timed out: it may or may not have taken effect, and it may still take effect later.
 * Distinct from {@link PbkvException}, which means it definitely did not happen.
 */
public final class IndeterminateException extends RuntimeException {
  public IndeterminateException(String message) {
    super(message);
  }

  /** {@code command} was not answered within {@code millis} ({@code why}: e.g. interrupted). */
  static IndeterminateException timedOut(Object command, long millis, String why) {
    return new IndeterminateException(
        "\""
            + command
            + "\" did not complete within "
            + millis
            + " ms"
            + (why == null ? "" : " (" + why + ")")
            + ": it may or may not have taken effect");
  }
}
