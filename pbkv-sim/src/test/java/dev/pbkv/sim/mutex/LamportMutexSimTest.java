package dev.pbkv.sim.mutex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.mutex.LamportMutex;
import dev.pbkv.mutex.MutexConfig;
import dev.pbkv.mutex.MutexRule;
import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import dev.pbkv.sim.SimListener;
import dev.pbkv.sim.Simulation;
import dev.pbkv.sim.mutex.MutexDemo.Grant;
import dev.pbkv.sim.mutex.MutexDemo.Options;
import dev.pbkv.sim.mutex.MutexDemo.Report;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lamport's mutual exclusion over the simulated network with loss, duplication and reordering:
 * safety on every event, liveness and fairness, over many seeds; the planted bug is caught.
 */
class LamportMutexSimTest {

  /** Counts holders after every handler, independently of {@link MutexDemo}'s own checks. */
  static final class HolderCheck implements SimListener {
    final TreeSet<Address> holders = new TreeSet<>();
    int maxHolders;
    long eventsChecked;

    @Override
    public void onHandled(long micros, Address address, Node node) {
      eventsChecked++;
      if (node instanceof LamportMutex m && m.holdsLock()) {
        holders.add(address);
      } else {
        holders.remove(address);
      }
      maxHolders = Math.max(maxHolders, holders.size());
    }
  }

  /** 5 nodes, 5 requests each, 15% loss, 10% duplicates, delays of 1 to 20 ms. */
  static Options lossy(long seed) {
    return Options.of(5, seed).withFaults(0.15, 0.1).withDelay(1, 20).withRequestsPerNode(5);
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 40);
  }

  private static Report run(Options options, HolderCheck check) {
    return MutexDemo.run(options, line -> {}, sim -> sim.addListener(check));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void when_theNetworkLosesDuplicatesAndReorders_then_safeLiveAndFair(long seed) {
    HolderCheck check = new HolderCheck();
    Report r = run(lossy(seed), check);

    assertThat(r.problems()).as("seed %d: %s", seed, r.summary()).isEmpty();
    assertThat(check.maxHolders).as("seed %d: holders at once", seed).isEqualTo(1);
    assertThat(check.eventsChecked).isGreaterThan(500);
    assertThat(r.safe()).isTrue();
    assertThat(r.live()).as("seed %d: every request granted", seed).isTrue();
    assertThat(r.grants()).hasSize(25);
    assertThat(r.grants())
        .extracting(Grant::request)
        .as("seed %d: grants in (timestamp, node) order", seed)
        .isSorted()
        .doesNotHaveDuplicates();
    assertThat(r.fair()).isTrue();
    assertThat(r.messagesLost()).as("the faults were exercised").isPositive();
    assertThat(r.virtualMicros()).as("done within a bounded virtual time").isLessThan(30_000_000);
  }

  @ParameterizedTest(name = "{0} nodes, seed {1}")
  @CsvSource({"1, 1", "2, 1", "2, 2", "3, 1", "3, 2", "7, 1", "7, 2", "10, 1"})
  void when_theGroupSizeVaries_then_stillSafeLiveAndFair(int nodes, long seed) {
    HolderCheck check = new HolderCheck();
    Report r = run(Options.of(nodes, seed).withFaults(0.2, 0.2).withDelay(1, 30), check);
    assertThat(r.passed()).as("%s %s", r.summary(), r.problems()).isTrue();
    assertThat(check.maxHolders).isEqualTo(1);
    assertThat(r.grants()).hasSize(nodes * 3);
  }

  @Test
  void when_theNetworkIsPerfect_then_everyRequestIsGrantedInStampOrder() {
    Report r = run(Options.of(5, 7), new HolderCheck());
    assertThat(r.passed()).as(r.summary()).isTrue();
    assertThat(r.messagesLost()).isZero();
  }

  @Test
  void when_aNodeEntersWithoutAllAcks_then_twoHoldersAreCaughtWithinAFewSeeds() {
    List<Long> caught = new ArrayList<>();
    for (long seed = 1; seed <= 10; seed++) {
      HolderCheck check = new HolderCheck();
      Report r = run(lossy(seed).withRules(Set.of(MutexRule.ENTER_WITHOUT_ALL_ACKS)), check);
      if (!r.safe()) {
        assertThat(check.maxHolders).as("the independent check agrees").isGreaterThan(1);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).startsWith("unsafe: "));
        caught.add(seed);
      }
    }
    System.out.println("ENTER_WITHOUT_ALL_ACKS caught (two holders) at seeds " + caught);
    // Calibrated: each seed is a deterministic run, and all ten catch two holders when this was
    // written (a node that enters without every ack meets a concurrent request in almost any lossy
    // run). "First catch by seed 3" leaves room for a change in the workload or the fault draws
    // that
    // makes a seed or two miss, while a broken check, or a rule switch that no longer lets a node
    // in
    // early, would catch at none of them.
    assertThat(caught).as("seeds out of 10 that caught two holders").isNotEmpty();
    assertThat(caught.get(0)).as("first seed that caught it").isLessThanOrEqualTo(3);
  }

  @Test
  void when_theSameSeedRunsTwice_then_theRunIsIdentical() {
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    Report a = MutexDemo.run(lossy(11), first::add, sim -> {});
    Report b = MutexDemo.run(lossy(11), second::add, sim -> {});
    assertThat(b.grants()).isEqualTo(a.grants());
    assertThat(b.messagesSent()).isEqualTo(a.messagesSent());
    assertThat(second).isEqualTo(first);
    Report other = MutexDemo.run(lossy(12), line -> {}, sim -> {});
    assertThat(other.grants()).isNotEqualTo(a.grants());
  }

  @Test
  void when_narrated_then_everyRequestGrantAndReleaseIsTold() {
    List<String> lines = new ArrayList<>();
    Report r = MutexDemo.run(3, 5, 0.1, 0.1, lines::add);
    assertThat(r.passed()).isTrue();
    assertThat(lines.stream().filter(l -> l.contains(" asks for the lock"))).hasSize(9);
    assertThat(lines.stream().filter(l -> l.contains(" enters the critical section"))).hasSize(9);
    assertThat(lines.stream().filter(l -> l.contains(" releases request"))).hasSize(9);
    assertThat(lines.get(0)).contains("3 nodes [n1, n2, n3] share one lock");
    assertThat(r.summary()).contains("9 of 9 requests granted").endsWith("safe, live, fair");
  }

  // --- the algorithm does not tolerate crashed nodes ------------------------------------------

  private static final List<Address> GROUP =
      List.of(Address.of("n1"), Address.of("n2"), Address.of("n3"));

  private static Simulation group(long seed) {
    Simulation sim = new Simulation(seed);
    for (Address a : GROUP) {
      sim.addNode(a, boot -> new LamportMutex(a, GROUP, MutexConfig.defaults()));
    }
    return sim;
  }

  @Test
  void when_aNodeHasCrashed_then_noRequestIsEverGranted_butTheLockStaysSafe() {
    Simulation sim = group(1);
    HolderCheck check = new HolderCheck();
    sim.addListener(check);
    sim.crash(GROUP.get(2));
    sim.invoke(GROUP.get(0), LamportMutex.class, (m, fx) -> m.request(fx));
    sim.invoke(GROUP.get(1), LamportMutex.class, (m, fx) -> m.request(fx));

    sim.runFor(10_000);

    LamportMutex n1 = sim.node(GROUP.get(0), LamportMutex.class);
    assertThat(n1.isWaiting()).isTrue();
    assertThat(n1.waitingFor()).containsExactly(GROUP.get(2));
    assertThat(sim.node(GROUP.get(1), LamportMutex.class).isWaiting()).isTrue();
    assertThat(check.maxHolders).isZero();
  }

  @Test
  void when_theHolderCrashes_then_theOthersWaitForever() {
    Simulation sim = group(2);
    sim.invoke(GROUP.get(0), LamportMutex.class, (m, fx) -> m.request(fx));
    sim.runUntil(() -> sim.node(GROUP.get(0), LamportMutex.class).holdsLock(), 1000);
    assertThat(sim.node(GROUP.get(0), LamportMutex.class).holdsLock()).isTrue();
    sim.invoke(GROUP.get(1), LamportMutex.class, (m, fx) -> m.request(fx));

    sim.crash(GROUP.get(0));
    sim.runFor(10_000);

    LamportMutex n2 = sim.node(GROUP.get(1), LamportMutex.class);
    assertThat(n2.isWaiting()).isTrue();
    assertThat(n2.queue().get(0).node())
        .as("the dead holder's request stays first")
        .isEqualTo("n1");
  }
}
