package dev.pbkv.client;

/**
 * Settings of a client session.
 *
 * @param retryMillis re-send an unanswered request (same sequence number) after this long, and ask
 *     the view service for the view (default 100)
 */
public record ClientConfig(long retryMillis) {
  public static final long DEFAULT_RETRY_MILLIS = 100;

  public ClientConfig {
    if (retryMillis <= 0) {
      throw new IllegalArgumentException("retryMillis must be > 0, got " + retryMillis);
    }
  }

  public static ClientConfig defaults() {
    return new ClientConfig(DEFAULT_RETRY_MILLIS);
  }
}
