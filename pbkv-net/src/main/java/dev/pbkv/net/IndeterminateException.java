package dev.pbkv.net;

/**
 * The operation timed out: it may or may not have taken effect, and it may still take effect later.
 * Distinct from {@link PbkvException}, which means it definitely did not happen.
 */
public final class IndeterminateException extends RuntimeException {
  public IndeterminateException(String message) {
    super(message);
  }
}
