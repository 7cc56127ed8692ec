package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader election of view-service replicas in the simulator (docs/design.md §2.2), as ZooKeeper
 * and Curator's LeaderLatch provide it over TCP: at most one replica is <em>elected</em> at a time,
 * but telling a replica that it lost the leadership can come late, so two may believe they lead at
 * once. Scripts elect and depose by hand ({@link #elect}, {@link #depose}); {@link #automatic} runs
 * it as ZooKeeper would: a leader that is down or paused for longer than the session timeout loses
 * the leadership to the lowest-addressed live replica, and a paused one hears so only when it
 * resumes.
 */
public final class SimElection {
  private final Simulation sim;
  private final List<Address> replicas;
  private Address elected;
  private final Map<Address, Long> silentSince = new HashMap<>(); // micros; lookups only
  private final Map<Address, Long> owesLoss = new HashMap<>(); // deposed, told from (micros)
  private long sessionMillis = -1;
  private int elections;

  SimElection(Simulation sim, List<Address> replicas) {
    this.sim = sim;
    this.replicas = List.copyOf(replicas);
  }

  /** The replica the election names now, or {@code null}. */
  public Address elected() {
    return elected;
  }

  /** How many times a leader was elected. */
  public int elections() {
    return elections;
  }

  /**
   * Elects {@code replica} now and tells it so. The previous leader is <em>not</em> told: call
   * {@link #depose} for it (later, to model a leader that has not heard yet).
   */
  public void elect(Address replica) {
    electUnnoticed(replica, 0);
  }

  /**
   * Elects {@code replica}; the previous leader, if it runs, is told by {@link #automatic} no
   * sooner than {@code lateMillis} from now (until then, two replicas believe they lead).
   */
  public void electUnnoticed(Address replica, long lateMillis) {
    if (!replicas.contains(replica)) {
      throw new IllegalArgumentException(replica + " is not a view-service replica");
    }
    if (elected != null && !elected.equals(replica)) {
      owesLoss.put(elected, sim.nowMicros() + lateMillis * 1000);
    }
    elected = replica;
    elections++;
    sim.note("elect " + replica + " view-service leader");
    if (sim.isUp(replica)) {
      sim.invoke(replica, ViewServer.class, (vs, fx) -> vs.leadershipGained());
    }
  }

  /** Tells {@code replica} that it does not lead (if it is up). */
  public void depose(Address replica) {
    owesLoss.remove(replica);
    if (replica.equals(elected)) {
      elected = null;
    }
    sim.note("tell " + replica + " it lost the view-service leadership");
    if (sim.isUp(replica)) {
      sim.invoke(replica, ViewServer.class, (vs, fx) -> vs.leadershipLost());
    }
  }

  /**
   * Runs the election by itself from now on: every 50 ms, a leader down or paused for {@code
   * sessionMillis} loses the leadership to the lowest-addressed replica that is up and not paused;
   * a deposed replica is told once it runs again; a restarted leader is elected anew.
   */
  public void automatic(long sessionMillis) {
    if (this.sessionMillis < 0) {
      this.sessionMillis = sessionMillis;
      sim.at(0, this::tick);
    }
    this.sessionMillis = sessionMillis;
  }

  private void tick() {
    long now = sim.nowMicros();
    for (Address a : replicas) {
      if (sim.isUp(a) && !sim.isPaused(a)) {
        silentSince.remove(a);
      } else {
        silentSince.putIfAbsent(a, now);
      }
    }
    for (Address a : List.copyOf(owesLoss.keySet())) {
      if (sim.isUp(a) && !sim.isPaused(a) && owesLoss.get(a) <= now) {
        depose(a);
      } else if (!sim.isUp(a)) {
        owesLoss.remove(a); // a crash ends its session: a restarted replica starts as follower
      }
    }
    if (elected != null && silentSince.containsKey(elected)) {
      if (now - silentSince.get(elected) >= sessionMillis * 1000) {
        Address next = nextCandidate();
        if (next != null) {
          elect(next);
        }
      }
    } else if (elected != null && !sim.node(elected, ViewServer.class).isElected()) {
      elect(elected); // it restarted (within its session): its new process is elected again
    } else if (elected == null) {
      Address next = nextCandidate();
      if (next != null) {
        elect(next);
      }
    }
    sim.at(50, this::tick);
  }

  private Address nextCandidate() {
    for (Address a : replicas) {
      if (!a.equals(elected) && sim.isUp(a) && !sim.isPaused(a)) {
        return a;
      }
    }
    return null;
  }
}
