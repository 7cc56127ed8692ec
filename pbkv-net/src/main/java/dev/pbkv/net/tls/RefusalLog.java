package dev.pbkv.net.tls;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each kind of refusal once per peer (one WARN line naming the peer and the reason), and
 * counts the repeats silently: a hostile peer cannot flood the log. At most {@link #MAX_PEERS}
 * (peer, kind) pairs are remembered; when full, the memory is cleared (so a flood logs at most one
 * line per {@code MAX_PEERS} new pairs). Thread-safe.
 */
public final class RefusalLog {
  /** The most (peer, kind) pairs remembered. */
  public static final int MAX_PEERS = 10_000;

  private static final Logger log = LoggerFactory.getLogger("dev.pbkv.security");

  private final Map<String, Long> seen = new HashMap<>();
  private long refused;

  /**
   * Records a refusal of the peer at {@code remote} for {@code kind}; logs {@code line}, naming the
   * peer, if it is the first of its kind from that peer's host (ports change with each connection).
   * Returns true if it was logged.
   */
  public boolean refuse(SocketAddress remote, String kind, String line) {
    String peer = remote == null ? "(unknown)" : remote.toString().replaceFirst("^/", "");
    String host =
        remote instanceof InetSocketAddress a && a.getAddress() != null
            ? a.getAddress().getHostAddress()
            : peer;
    return refuse(peer, host, kind, line);
  }

  private synchronized boolean refuse(String peer, String host, String kind, String line) {
    refused++;
    String k = host + " " + kind;
    Long n = seen.get(k);
    if (n != null) {
      seen.put(k, n + 1);
      return false;
    }
    if (seen.size() >= MAX_PEERS) {
      seen.clear();
    }
    seen.put(k, 1L);
    log.warn("refused {}: {}", peer, line.replace('\n', ' '));
    return true;
  }

  /** Refusals so far, logged or not. */
  public synchronized long refused() {
    return refused;
  }
}
