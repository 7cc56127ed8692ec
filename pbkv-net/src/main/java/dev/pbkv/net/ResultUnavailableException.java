package dev.pbkv.net;

/**
 * The operation took effect, exactly once, but its result is no longer available: the answer to a
 * retry of a large append whose key has since been changed by something other than an append
 * (docs/design.md §4.3). Unlike {@link PbkvException} (no effect) and {@link
 * IndeterminateException} (unknown), the effect is certain.
 */
public final class ResultUnavailableException extends RuntimeException {
  public ResultUnavailableException(String message) {
    super(message);
  }
}
