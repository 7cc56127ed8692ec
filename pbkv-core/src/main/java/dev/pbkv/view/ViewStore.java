package dev.pbkv.view;

/**
 * Where the view service keeps its {@link DurableViewState} (docs/design.md §2): a single versioned
 * record with compare-and-set writes. The view service writes a view here before it announces it; a
 * restarted view service resumes from what it reads here.
 *
 * <p>Contract: {@link #read()} returns the last state written (version 0 and {@link
 * DurableViewState#INITIAL} when nothing was ever written). {@link #compareAndSet} writes only if
 * the stored version equals {@code expectedVersion}, and then the version grows by exactly one;
 * when it returns {@link WriteResult#WRITTEN} the state is durable (it survives a crash of the
 * process and of the machine, as far as the store can promise). A write that fails leaves the
 * stored state unchanged. Calls run on the view service's handler thread and may block for the
 * duration of one write (an fsync); a store backed by a remote service (ZooKeeper, later) must
 * bound that time and answer {@link WriteResult#UNAVAILABLE} past it. The version check is what
 * will keep a deposed leader from writing once several view services share one store.
 */
public interface ViewStore {

  /** The stored state and its version (0 before the first write). */
  record Stored(long version, DurableViewState state) {
    public Stored {
      if (version < 0) {
        throw new IllegalArgumentException("version must be >= 0, got " + version);
      }
      java.util.Objects.requireNonNull(state, "state");
    }
  }

  /**
   * {@link #read()} could not reach the store (a remote store within its time bound): nothing is
   * known, try again later. The message says why, in a few words.
   */
  final class UnavailableException extends RuntimeException {
    public UnavailableException(String message, Throwable cause) {
      super(message, cause, false, false);
    }
  }

  /** What a {@link #compareAndSet} did. */
  enum WriteResult {
    /** Written and durable; the version is now the expected one plus one. */
    WRITTEN,
    /** Not written: the stored version is not the expected one (someone else wrote). */
    CONFLICT,
    /** Not written: the store cannot be reached or cannot write now. */
    UNAVAILABLE
  }

  /**
   * The stored state.
   *
   * @throws IllegalStateException if the store holds something unreadable (the message says what)
   * @throws UnavailableException if the store cannot be reached now
   */
  Stored read();

  /**
   * The stored state as this process last learned it, for a follower replica that re-reads the
   * store every check interval (docs/design.md §2.2). By default a {@link #read()}; a remote store
   * may answer from a copy it keeps current by watching, without a round trip on the caller's
   * thread. It may lag the store by the time a change notification takes: a write is never based on
   * it (a leader reads with {@link #read()}, and a stale version would only conflict).
   *
   * @throws IllegalStateException if the store holds something unreadable
   * @throws UnavailableException if the store cannot be reached now
   */
  default Stored readKnown() {
    return read();
  }

  /** Writes {@code state} if the stored version is {@code expectedVersion}. */
  WriteResult compareAndSet(long expectedVersion, DurableViewState state);

  /**
   * An independent store with the same contents, for the model checker, which branches states. A
   * store backed by the outside world (a file) throws {@link UnsupportedOperationException}.
   */
  ViewStore copy();

  /** In words, for {@code pbkv status}: e.g. "file /var/lib/pbkv/view.state". */
  String describe();

  /** Whether a restart of the view service loses this store's contents (an in-memory store). */
  boolean isVolatile();
}
