package dev.pbkv.zookeeper;

import dev.pbkv.net.FileViewStore;
import dev.pbkv.view.DurableViewState;
import dev.pbkv.view.ViewStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.zookeeper.KeeperException;

/**
 * The replicated view service's store (docs/design.md §2.2): one znode, {@code <zk-path>/view},
 * holding the encoded {@link DurableViewState} (the text of {@link FileViewStore#encode}). The
 * store's version is the znode's data version plus one (0: no znode yet), so {@link #compareAndSet}
 * is ZooKeeper's conditional {@code setData} on that version, or {@code create} for version 0: a
 * deposed leader that read an older version cannot write.
 *
 * <p>Every call is bounded by {@code timeout}: past it, or while the client is not connected, a
 * write answers {@link WriteResult#UNAVAILABLE} and a read throws {@link
 * ViewStore.UnavailableException}. A write that timed out may still have taken effect; the writer
 * then holds an old version, so its next write conflicts and it re-reads (it never overwrites).
 *
 * <p>After {@link #startWatching()} it keeps a copy of the znode current through a Curator cache (a
 * ZooKeeper watch), and {@link #readKnown()} (a follower's read every check interval) answers from
 * that copy without a round trip on the view service's event loop.
 */
public final class ZooKeeperViewStore implements ViewStore, AutoCloseable {
  /** The largest state written (ZooKeeper's own limit is 1 MiB per znode). */
  public static final int MAX_BYTES = FileViewStore.MAX_FILE_BYTES / 2;

  private final CuratorFramework client;
  private final String ensemble;
  private final String path;
  private final Duration timeout;
  private final java.util.concurrent.atomic.AtomicLong roundTrips =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile CuratorCache cache;
  private volatile Stored known; // the watched copy; null when unknown (then readKnown reads)

  /**
   * @param client a started Curator client (its owner closes it)
   * @param ensemble the connect string, for {@link #describe()}
   * @param zkPath the cluster's folder in ZooKeeper, e.g. {@code /pbkv/default}
   * @param timeout the longest a read or write may take
   */
  public ZooKeeperViewStore(
      CuratorFramework client, String ensemble, String zkPath, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.ensemble = Objects.requireNonNull(ensemble, "ensemble");
    this.path = Objects.requireNonNull(zkPath, "zkPath") + "/view";
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The znode that holds the view. */
  public String path() {
    return path;
  }

  /**
   * Starts watching the znode (a Curator cache): from then on {@link #readKnown()} answers from a
   * copy that ZooKeeper's change notifications keep current. Returns this store.
   */
  public synchronized ZooKeeperViewStore startWatching() {
    if (cache == null) {
      cache = CuratorCache.build(client, path, CuratorCache.Options.SINGLE_NODE_CACHE);
      cache
          .listenable()
          .addListener(
              CuratorCacheListener.builder()
                  .forCreatesAndChanges((before, after) -> known = decodeOrNull(after))
                  .forDeletes(gone -> known = null)
                  .build());
      cache.start();
    }
    return this;
  }

  private Stored decodeOrNull(ChildData data) {
    try {
      Stored s = FileViewStore.decode("ZooKeeper " + ensemble + " znode " + path, data.getData());
      return new Stored(data.getStat().getVersion() + 1L, s.state());
    } catch (RuntimeException e) {
      return null; // unreadable: readKnown reads, and read() says what is wrong
    }
  }

  /**
   * The watched copy when there is one (no round trip), else a {@link #read()}. While the client is
   * not connected the copy may be old: then it is unavailable, as a read would be.
   */
  @Override
  public Stored readKnown() {
    Stored k = known;
    if (k == null || cache == null) {
      return read();
    }
    if (!client.getZookeeperClient().isConnected()) {
      throw new UnavailableException("not connected to ZooKeeper " + ensemble, null);
    }
    return k;
  }

  /** How many reads went to ZooKeeper (for tests). */
  public long roundTrips() {
    return roundTrips.get();
  }

  @Override
  public synchronized void close() {
    if (cache != null) {
      cache.close();
      cache = null;
    }
  }

  @Override
  public Stored read() {
    if (!client.getZookeeperClient().isConnected()) {
      throw new UnavailableException("not connected to ZooKeeper " + ensemble, null);
    }
    roundTrips.incrementAndGet();
    CompletableFuture<CuratorEvent> done = new CompletableFuture<>();
    try {
      client.getData().inBackground((c, event) -> done.complete(event)).forPath(path);
      CuratorEvent e = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      KeeperException.Code code = KeeperException.Code.get(e.getResultCode());
      if (code == KeeperException.Code.NONODE) {
        return new Stored(0, DurableViewState.INITIAL);
      }
      if (code != KeeperException.Code.OK) {
        throw new UnavailableException("ZooKeeper " + ensemble + ": " + code, null);
      }
      Stored s = FileViewStore.decode("ZooKeeper " + ensemble + " znode " + path, e.getData());
      return new Stored(e.getStat().getVersion() + 1L, s.state());
    } catch (TimeoutException e) {
      throw new UnavailableException(
          "ZooKeeper " + ensemble + " did not answer within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted", e);
    } catch (ExecutionException e) {
      throw new UnavailableException("ZooKeeper " + ensemble + ": " + e.getCause(), e);
    } catch (IllegalStateException e) {
      throw e; // unreadable content
    } catch (Exception e) {
      throw new UnavailableException("ZooKeeper " + ensemble + ": " + e, e);
    }
  }

  @Override
  public WriteResult compareAndSet(long expectedVersion, DurableViewState state) {
    Objects.requireNonNull(state, "state");
    if (expectedVersion < 0 || expectedVersion - 1 > Integer.MAX_VALUE) {
      return WriteResult.CONFLICT;
    }
    if (!client.getZookeeperClient().isConnected()) {
      return WriteResult.UNAVAILABLE;
    }
    byte[] bytes = FileViewStore.encode(expectedVersion + 1, state);
    if (bytes.length > MAX_BYTES) {
      return WriteResult.UNAVAILABLE;
    }
    CompletableFuture<CuratorEvent> done = new CompletableFuture<>();
    try {
      if (expectedVersion == 0) {
        client
            .create()
            .creatingParentsIfNeeded()
            .inBackground((c, event) -> done.complete(event))
            .forPath(path, bytes);
      } else {
        client
            .setData()
            .withVersion((int) (expectedVersion - 1))
            .inBackground((c, event) -> done.complete(event))
            .forPath(path, bytes);
      }
      CuratorEvent e = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return switch (KeeperException.Code.get(e.getResultCode())) {
        case OK -> WriteResult.WRITTEN;
        case BADVERSION, NODEEXISTS, NONODE -> WriteResult.CONFLICT;
        default -> WriteResult.UNAVAILABLE;
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return WriteResult.UNAVAILABLE;
    } catch (Exception e) {
      return WriteResult.UNAVAILABLE; // timed out, or the client could not send
    }
  }

  /** Whether the client is connected to the ensemble now. */
  public boolean isConnected() {
    return client.getZookeeperClient().isConnected();
  }

  @Override
  public ViewStore copy() {
    throw new UnsupportedOperationException("a ZooKeeper store cannot be copied");
  }

  @Override
  public String describe() {
    return "ZooKeeper " + ensemble + " znode " + path;
  }

  @Override
  public boolean isVolatile() {
    return false;
  }
}
