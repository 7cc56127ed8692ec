package dev.pbkv.net.tls;

import java.util.HashMap;
import java.util.Map;

/**
 * Back-off for wrong passwords, per remote host: after {@value #FREE_FAILURES} failed logins from a
 * host, every further login from it is refused unchecked until {@value #BLOCK_MILLIS} ms have
 * passed since its last failure; a success clears the host. At most {@value #MAX_HOSTS} hosts are
 * remembered (when full, the memory is cleared). Thread-safe.
 */
public final class LoginThrottle {
  /** Failed logins a host may have before it waits. */
  public static final int FREE_FAILURES = 5;

  /** How long a host waits after its last failure, once over {@link #FREE_FAILURES}. */
  public static final long BLOCK_MILLIS = 60_000;

  /** The most hosts remembered. */
  public static final int MAX_HOSTS = 10_000;

  private record Failures(int count, long lastMillis) {}

  private final Map<String, Failures> hosts = new HashMap<>();

  /** True if {@code host} must wait now (its login is refused unchecked). */
  public synchronized boolean blocked(String host, long nowMillis) {
    Failures f = hosts.get(host);
    if (f == null) {
      return false;
    }
    if (nowMillis - f.lastMillis >= BLOCK_MILLIS) {
      hosts.remove(host);
      return false;
    }
    return f.count >= FREE_FAILURES;
  }

  /** Records a failed login; returns the host's failures within the window. */
  public synchronized int failed(String host, long nowMillis) {
    if (hosts.size() >= MAX_HOSTS && !hosts.containsKey(host)) {
      hosts.clear();
    }
    Failures f = hosts.get(host);
    int n = f == null || nowMillis - f.lastMillis >= BLOCK_MILLIS ? 1 : f.count + 1;
    hosts.put(host, new Failures(n, nowMillis));
    return n;
  }

  /** Records a successful login: the host starts afresh. */
  public synchronized void succeeded(String host) {
    hosts.remove(host);
  }
}
