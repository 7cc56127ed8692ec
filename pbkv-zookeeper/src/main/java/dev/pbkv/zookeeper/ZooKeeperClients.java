package dev.pbkv.zookeeper;

import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;

/** How pbkv connects to ZooKeeper: one Curator client per process, with bounded waits. */
public final class ZooKeeperClients {
  private ZooKeeperClients() {}

  /**
   * A started Curator client of {@code ensemble} ("h1:2181,h2:2181") with the given session
   * timeout; it connects in the background (and reconnects by itself).
   *
   * @throws IllegalArgumentException if the connect string cannot be parsed
   */
  public static CuratorFramework start(String ensemble, Duration sessionTimeout) {
    int session = (int) Math.max(1_000, sessionTimeout.toMillis());
    CuratorFramework client =
        CuratorFrameworkFactory.builder()
            .connectString(ensemble)
            .sessionTimeoutMs(session)
            .connectionTimeoutMs(Math.max(500, session / 2))
            .retryPolicy(new ExponentialBackoffRetry(50, 3, 500))
            .build();
    client.start();
    return client;
  }

  /**
   * Checks a connect string before anything starts: {@code host:port} entries separated by commas,
   * optionally followed by a chroot path. Returns it, or throws with one line naming the problem.
   */
  public static String checkEnsemble(String ensemble) {
    if (ensemble == null || ensemble.isBlank()) {
      throw new IllegalArgumentException("--zookeeper: empty; give HOST:PORT[,HOST:PORT…]");
    }
    for (String hp : ensemble.split(",")) {
      int colon = hp.lastIndexOf(':');
      if (colon <= 0 || colon == hp.length() - 1) {
        throw new IllegalArgumentException(
            "--zookeeper: '" + hp + "' is not HOST:PORT (in '" + ensemble + "')");
      }
      try {
        int port = Integer.parseInt(hp.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--zookeeper: '" + hp + "' has no valid port (in '" + ensemble + "')");
      }
    }
    return ensemble;
  }

  /** Checks a znode path: absolute, no trailing slash, no empty segment. */
  public static String checkPath(String zkPath) {
    if (zkPath == null
        || !zkPath.startsWith("/")
        || zkPath.length() < 2
        || zkPath.endsWith("/")
        || zkPath.contains("//")) {
      throw new IllegalArgumentException(
          "--zk-path: '" + zkPath + "' is not a ZooKeeper path like /pbkv/NAME");
    }
    return zkPath;
  }
}
