package dev.pbkv.zookeeper;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.framework.recipes.leader.Participant;

/**
 * The view-service replicas' leader election (docs/design.md §2.2): Curator's {@link LeaderLatch}
 * at {@code <zk-path>/leader}, with the replica's advertised address as participant id, so anyone
 * can name the leader. LeaderLatch loses the leadership when the connection to ZooKeeper is
 * suspended or lost ({@code ConnectionStateListener}'s SUSPENDED/LOST), so a replica that cannot
 * reach ZooKeeper stops deciding before its session expires elsewhere. The {@link Listener} is
 * called on Curator's thread: hand the change to the view service's own thread.
 */
public final class ZooKeeperLeadership implements AutoCloseable {
  /** Told of every change, in order. */
  public interface Listener {
    void leadershipGained();

    void leadershipLost();
  }

  private final LeaderLatch latch;
  private final AtomicBoolean closed = new AtomicBoolean();

  public ZooKeeperLeadership(
      CuratorFramework client, String zkPath, String participantId, Listener listener) {
    Objects.requireNonNull(listener, "listener");
    this.latch = new LeaderLatch(client, zkPath + "/leader", participantId);
    latch.addListener(
        new LeaderLatchListener() {
          @Override
          public void isLeader() {
            listener.leadershipGained();
          }

          @Override
          public void notLeader() {
            listener.leadershipLost();
          }
        });
  }

  /** Joins the election. */
  public void start() throws Exception {
    latch.start();
  }

  public boolean hasLeadership() {
    return latch.hasLeadership();
  }

  /**
   * The address of the replica that leads, as ZooKeeper knows it, or {@code null} if none (or
   * ZooKeeper cannot be asked now).
   */
  public String leaderId() {
    try {
      Participant p = latch.getLeader();
      return p.isLeader() && !p.getId().isEmpty() ? p.getId() : null;
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public void close() throws IOException {
    if (closed.compareAndSet(false, true)) {
      latch.close();
    }
  }
}
