package dev.pbkv.net;

/**
 * A definite failure: the operation did not take effect (it was rejected before executing, or the
 * cluster could not be reached at all).
 */
public final class PbkvException extends RuntimeException {
  public PbkvException(String message) {
    super(message);
  }
}
