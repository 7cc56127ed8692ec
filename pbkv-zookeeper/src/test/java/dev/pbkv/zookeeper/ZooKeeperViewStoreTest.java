package dev.pbkv.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import dev.pbkv.view.DurableViewState;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewStore;
import dev.pbkv.view.ViewStore.WriteResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The view store on a real ZooKeeper server (Curator's in-process {@link TestingServer}): the
 * compare-and-set semantics of {@link ViewStore}, a deposed leader's write refused on the version
 * (docs/design.md §2.2), and an unreachable ensemble answered as UNAVAILABLE within the bound.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ZooKeeperViewStoreTest {
  private static final Duration BOUND = Duration.ofMillis(1_000);
  private static final Address S1 = Address.of("s1:1");
  private static final Address S2 = Address.of("s2:1");

  private TestingServer zk;
  private final List<CuratorFramework> clients = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    zk = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    for (CuratorFramework c : clients) {
      c.close();
    }
    zk.close();
  }

  private ZooKeeperViewStore store() throws InterruptedException {
    CuratorFramework c = ZooKeeperClients.start(zk.getConnectString(), Duration.ofSeconds(4));
    clients.add(c);
    assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
    return new ZooKeeperViewStore(c, zk.getConnectString(), "/pbkv/test", BOUND);
  }

  private static DurableViewState state(long viewNum, Address primary) {
    return DurableViewState.INITIAL.withView(new View(viewNum, primary, null, 7, 0), false);
  }

  @Test
  void when_versionsMatch_then_writesLand_andOtherwiseConflict() throws Exception {
    ZooKeeperViewStore store = store();
    assertThat(store.read()).isEqualTo(new ViewStore.Stored(0, DurableViewState.INITIAL));
    assertThat(store.compareAndSet(1, state(1, S1))).isEqualTo(WriteResult.CONFLICT);
    assertThat(store.compareAndSet(0, state(1, S1))).isEqualTo(WriteResult.WRITTEN);
    assertThat(store.compareAndSet(0, state(1, S2))).isEqualTo(WriteResult.CONFLICT);
    assertThat(store.read()).isEqualTo(new ViewStore.Stored(1, state(1, S1)));
    assertThat(store.compareAndSet(1, state(2, S2))).isEqualTo(WriteResult.WRITTEN);
    assertThat(store.compareAndSet(1, state(3, S1))).isEqualTo(WriteResult.CONFLICT);
    ZooKeeperViewStore other = store(); // another process sees the same record
    assertThat(other.read()).isEqualTo(new ViewStore.Stored(2, state(2, S2)));
    assertThat(store.describe()).contains(zk.getConnectString()).contains("/pbkv/test/view");
  }

  /** Sends nowhere; the replica's replies are not what this test is about. */
  private static final Effects NOWHERE =
      new Effects() {
        @Override
        public void send(Address to, Message msg) {}

        @Override
        public void setTimer(Timer timer, long minMillis, long maxMillis) {}
      };

  @Test
  void when_aDeposedLeaderWrites_then_itsWriteIsRefused_andItStepsDown() throws Exception {
    ViewServiceConfig config = ViewServiceConfig.defaults();
    ViewServer a = ViewServer.replica(config, store());
    ViewServer b = ViewServer.replica(config, store());
    a.init(NOWHERE);
    b.init(NOWHERE);
    a.leadershipGained();
    a.onMessage(S1, new Ping(0, 7), NOWHERE); // a makes view 1 = (s1)
    assertThat(a.view().viewNum()).isEqualTo(1);

    b.leadershipGained(); // a has not heard that it lost
    assertThat(b.view()).isEqualTo(a.view());
    b.onMessage(S1, new Ping(1, 7), NOWHERE); // s1 acks view 1 at b: b writes
    assertThat(b.isAcked()).isTrue();

    a.onMessage(S1, new Ping(1, 7), NOWHERE); // the same ack at a: a's write is on an old version
    assertThat(a.isLeading()).as("a stepped down after its write conflicted").isFalse();
    assertThat(b.isLeading()).isTrue();
    b.onMessage(S2, new Ping(0, 9), NOWHERE); // b carries on: view 2 adds s2
    assertThat(b.view().viewNum()).isEqualTo(2);
    assertThat(store().read().state().view()).isEqualTo(b.view());
  }

  @Test
  void when_zooKeeperIsUnreachable_then_theStoreAnswersUnavailableWithinItsBound()
      throws Exception {
    ZooKeeperViewStore store = store();
    assertThat(store.compareAndSet(0, state(1, S1))).isEqualTo(WriteResult.WRITTEN);
    zk.stop();
    long start = System.nanoTime();
    WriteResult r = store.compareAndSet(1, state(2, S2));
    long writeMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r).isEqualTo(WriteResult.UNAVAILABLE);
    start = System.nanoTime();
    assertThatThrownBy(store::read).isInstanceOf(ViewStore.UnavailableException.class);
    long readMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf(
        "ZooKeeper down: write UNAVAILABLE after %d ms, read after %d ms (bound %d ms)%n",
        writeMillis, readMillis, BOUND.toMillis());
    // the bound plus scheduling slack on a loaded machine; an unbounded call would hang here
    assertThat(writeMillis).isLessThan(BOUND.toMillis() * 10);
    assertThat(readMillis).isLessThan(BOUND.toMillis() * 10);
    zk.restart();
    CuratorFramework c = clients.get(0);
    assertThat(c.blockUntilConnected(20, TimeUnit.SECONDS)).isTrue();
    // The write that timed out may still land once ZooKeeper is back (Curator retries it), but
    // only on the version it was conditional on: the store holds one of the two states, never a
    // third, and the next write on the old version is refused if it landed.
    ViewStore.Stored after = store.read();
    assertThat(after)
        .isIn(new ViewStore.Stored(1, state(1, S1)), new ViewStore.Stored(2, state(2, S2)));
    if (after.version() == 2) {
      assertThat(store.compareAndSet(1, state(3, S1))).isEqualTo(WriteResult.CONFLICT);
    }
  }

  @Test
  void when_theLeaderLeaves_then_anotherReplicaIsElected_andNamedByItsAddress() throws Exception {
    store();
    store();
    List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    ZooKeeperLeadership first =
        new ZooKeeperLeadership(clients.get(0), "/pbkv/test", "vs-a:7000", listener("a", events));
    ZooKeeperLeadership second =
        new ZooKeeperLeadership(clients.get(1), "/pbkv/test", "vs-b:7000", listener("b", events));
    first.start();
    awaitTrue(first::hasLeadership);
    second.start();
    awaitTrue(() -> "vs-a:7000".equals(second.leaderId()));
    assertThat(second.hasLeadership()).isFalse();
    first.close();
    awaitTrue(second::hasLeadership);
    assertThat(second.leaderId()).isEqualTo("vs-b:7000");
    second.close();
    assertThat(events).startsWith("a gained").contains("b gained");
  }

  @Test
  void when_watching_then_aFollowersReadsFollowOtherWriters_withoutARoundTripEach()
      throws Exception {
    ZooKeeperViewStore writer = store();
    try (ZooKeeperViewStore follower = store().startWatching()) {
      assertThat(follower.readKnown().version()).isZero(); // no znode yet: a read answers
      assertThat(writer.compareAndSet(0, state(1, S1))).isEqualTo(WriteResult.WRITTEN);
      awaitTrue(() -> follower.readKnown().version() == 1);
      assertThat(follower.readKnown()).isEqualTo(new ViewStore.Stored(1, state(1, S1)));
      // a read may see version 1 before the watch does: wait until the copy answers on its own
      awaitTrue(
          () -> {
            long before = follower.roundTrips();
            follower.readKnown();
            return follower.roundTrips() == before;
          });

      long trips = follower.roundTrips();
      for (int i = 0; i < 100; i++) {
        assertThat(follower.readKnown().version()).isEqualTo(1);
      }
      assertThat(follower.roundTrips()).as("answered from the watched copy").isEqualTo(trips);

      assertThat(writer.compareAndSet(1, state(2, S2))).isEqualTo(WriteResult.WRITTEN);
      awaitTrue(() -> follower.readKnown().version() == 2);
      assertThat(follower.readKnown()).isEqualTo(new ViewStore.Stored(2, state(2, S2)));
      assertThat(follower.roundTrips()).isEqualTo(trips);

      zk.stop(); // the ensemble is gone: the copy is not served as if it were current
      awaitTrue(() -> !follower.isConnected());
      assertThatThrownBy(follower::readKnown).isInstanceOf(ViewStore.UnavailableException.class);
    }
  }

  private static ZooKeeperLeadership.Listener listener(String name, List<String> events) {
    return new ZooKeeperLeadership.Listener() {
      @Override
      public void leadershipGained() {
        events.add(name + " gained");
      }

      @Override
      public void leadershipLost() {
        events.add(name + " lost");
      }
    };
  }

  private static void awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(20);
    }
  }
}
