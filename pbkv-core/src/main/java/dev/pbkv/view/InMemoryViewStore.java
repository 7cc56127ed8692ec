package dev.pbkv.view;

import java.util.Objects;

/**
 * A {@link ViewStore} in memory. In the simulator and the model checker it outlives the view
 * service node, so a restarted view service resumes from it, as from a disk. In a real process
 * ({@code pbkv viewserver --in-memory}) it dies with the process: a restart loses the cluster.
 *
 * <p>For fault injection it can be made unavailable: every write then fails with {@link
 * WriteResult#UNAVAILABLE} and changes nothing.
 */
public final class InMemoryViewStore implements ViewStore {
  private long version;
  private DurableViewState state = DurableViewState.INITIAL;
  private boolean available = true;
  private long writes;

  @Override
  public Stored read() {
    return new Stored(version, state);
  }

  @Override
  public WriteResult compareAndSet(long expectedVersion, DurableViewState newState) {
    Objects.requireNonNull(newState, "state");
    if (!available) {
      return WriteResult.UNAVAILABLE;
    }
    if (expectedVersion != version) {
      return WriteResult.CONFLICT;
    }
    version++;
    state = newState;
    writes++;
    return WriteResult.WRITTEN;
  }

  /** Makes writes fail ({@code false}) or work again ({@code true}). */
  public void setAvailable(boolean available) {
    this.available = available;
  }

  /** Successful writes so far (for tests and scenarios). */
  public long writes() {
    return writes;
  }

  @Override
  public InMemoryViewStore copy() {
    InMemoryViewStore c = new InMemoryViewStore();
    c.version = version;
    c.state = state;
    c.available = available;
    c.writes = writes;
    return c;
  }

  @Override
  public String describe() {
    return "in memory";
  }

  @Override
  public boolean isVolatile() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InMemoryViewStore other
        && version == other.version
        && available == other.available
        && state.equals(other.state);
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, state, available);
  }

  @Override
  public String toString() {
    return "InMemoryViewStore[v" + version + " " + state + (available ? "" : ", unavailable") + "]";
  }
}
