package dev.pbkv.server;

import dev.pbkv.node.Address;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.LogEntry;
import dev.pbkv.server.ReplicationMessage.Op;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * The primary's log entries (client ops and sweeps) that are not executed yet, numbered with
 * consecutive indexes within a view, and which of them have been forwarded (docs/design.md §4:
 * pipelined, batched forwards).
 *
 * <p>Entry {@code executedIndex + 1 + i} is {@code ops.get(i)}. Ops up to {@code sentIndex} have
 * been forwarded; {@code inFlight} holds the last index of each forward not yet acknowledged.
 */
final class PrimaryLog {
  private final ArrayList<LogEntry> ops = new ArrayList<>();
  private final HashMap<Address, Long> queuedSeq = new HashMap<>(); // lookups only
  // The bytes all queued writes may set or add, over every key (derived from ops). One sum, not one
  // per key: a per-key map cost a hash lookup for every write queued and acknowledged (the
  // primary's top self frame in JFR samples); the per-key figure is rare and found by a scan.
  private long pendingWrittenBytes;
  private int queuedSweeps;
  private long executedIndex;
  private long sentIndex;
  private final ArrayDeque<Long> inFlight = new ArrayDeque<>();

  /** Makes this log an independent copy of {@code other}. */
  void copyFrom(PrimaryLog other) {
    clear();
    ops.addAll(other.ops);
    queuedSeq.putAll(other.queuedSeq);
    pendingWrittenBytes = other.pendingWrittenBytes;
    queuedSweeps = other.queuedSweeps;
    executedIndex = other.executedIndex;
    sentIndex = other.sentIndex;
    inFlight.addAll(other.inFlight);
  }

  void add(LogEntry entry) {
    ops.add(entry);
    if (entry instanceof Op op) {
      queuedSeq.put(op.client(), op.seq());
      pendingWrittenBytes += writtenBytes(op);
    } else {
      queuedSweeps++;
    }
  }

  /** The bytes a write may set or add to its key's value (0 for reads and deletes). */
  private static long writtenBytes(Op op) {
    if (op.command() instanceof dev.pbkv.kv.Command.Put p) {
      return p.value().length();
    } else if (op.command() instanceof dev.pbkv.kv.Command.Append a) {
      return a.value().length();
    } else if (op.command() instanceof dev.pbkv.kv.Command.CompareAndSet c) {
      return c.update().length();
    }
    return 0;
  }

  /**
   * The most bytes the queued writes to {@code key} may add to its value: the sum of their values.
   * The key's value cannot grow beyond its current length plus this before they all executed (size
   * limits, docs/design.md §10). Scans the queued entries (at most {@code maxQueuedOps}): ask
   * {@link #pendingWrittenBytes()}, its upper bound, first.
   */
  long pendingValueBytes(String key) {
    if (pendingWrittenBytes == 0) {
      return 0;
    }
    long sum = 0;
    for (LogEntry entry : ops) {
      if (entry instanceof Op op && op.command().key().equals(key)) {
        sum += writtenBytes(op);
      }
    }
    return sum;
  }

  /** The sum of {@link #pendingValueBytes(String)} over every key: O(1). */
  long pendingWrittenBytes() {
    return pendingWrittenBytes;
  }

  /** About how many bytes {@code entry} takes in a forward (its key and values, or a sweep's 2). */
  static long entryBytes(LogEntry entry) {
    return entry instanceof Op op ? 14 + ClientMessage.commandBytes(op.command()) : 2;
  }

  /** True if a sweep is queued and not executed yet. */
  boolean hasQueuedSweep() {
    return queuedSweeps > 0;
  }

  /** Whether request {@code seq} of {@code client} is queued already. */
  boolean contains(Address client, long seq) {
    Long queued = queuedSeq.get(client);
    return queued != null && queued == seq;
  }

  int size() {
    return ops.size();
  }

  boolean isEmpty() {
    return ops.isEmpty();
  }

  long executedIndex() {
    return executedIndex;
  }

  long lastIndex() {
    return executedIndex + ops.size();
  }

  /** The last index forwarded so far. */
  long sentIndex() {
    return sentIndex;
  }

  /**
   * Forwards of view {@code viewNum} for the entries {@code from} to {@code to} again (a gap the
   * backup reported), clipped to what has been forwarded and not acknowledged, cut where the
   * forwards in flight were cut (so a re-sent forward is the one sent before when the gap is whole
   * forwards). Changes nothing in the log.
   */
  List<Forward> resendRange(long viewNum, long from, long to) {
    long first = Math.max(from, executedIndex + 1);
    long last = Math.min(to, sentIndex);
    List<Forward> out = new ArrayList<>();
    long start = executedIndex + 1;
    for (long end : inFlight) {
      long a = Math.max(start, first);
      long b = Math.min(end, last);
      if (a <= b) {
        out.add(
            new Forward(
                viewNum, a, ops.subList((int) (a - executedIndex - 1), (int) (b - executedIndex))));
      }
      start = end + 1;
    }
    return out;
  }

  /** True if some queued op has not been forwarded yet. */
  boolean hasUnsent() {
    return sentIndex < lastIndex();
  }

  /** True if some forwarded op is not acknowledged yet. */
  boolean hasUnacked() {
    return sentIndex > executedIndex;
  }

  /**
   * The next forward to send for view {@code viewNum}, or {@code null} when nothing is unsent or
   * {@code maxInFlight} forwards are outstanding.
   */
  Forward nextForward(long viewNum, int maxInFlight, int maxBatchOps) {
    return nextForward(viewNum, maxInFlight, maxBatchOps, Long.MAX_VALUE);
  }

  /**
   * The next forward, of at most {@code maxBatchOps} entries and {@code maxBatchBytes} of their
   * {@link #entryBytes} — but always at least one entry — or {@code null} when nothing is unsent or
   * {@code maxInFlight} forwards are outstanding.
   */
  Forward nextForward(long viewNum, int maxInFlight, int maxBatchOps, long maxBatchBytes) {
    if (!hasUnsent() || inFlight.size() >= maxInFlight) {
      return null;
    }
    long first = sentIndex + 1;
    int from = (int) (first - executedIndex - 1);
    int to = (int) Math.min(ops.size(), (long) from + maxBatchOps);
    if (maxBatchBytes != Long.MAX_VALUE) {
      long bytes = entryBytes(ops.get(from));
      for (int i = from + 1; i < to; i++) {
        bytes += entryBytes(ops.get(i));
        if (bytes > maxBatchBytes) {
          to = i;
          break;
        }
      }
    }
    Forward forward = new Forward(viewNum, first, ops.subList(from, to));
    sentIndex = forward.lastIndex();
    inFlight.add(sentIndex);
    return forward;
  }

  /**
   * Records that the backup applied every op up to {@code appliedIndex}; returns those ops, now
   * ready to execute, in order, and removes them from the log.
   */
  List<LogEntry> acknowledge(long appliedIndex) {
    long upTo = Math.min(appliedIndex, sentIndex);
    if (upTo <= executedIndex) {
      return List.of();
    }
    int n = (int) (upTo - executedIndex);
    List<LogEntry> ready = new ArrayList<>(ops.subList(0, n));
    ops.subList(0, n).clear();
    for (LogEntry entry : ready) {
      if (entry instanceof Op op) {
        if (contains(op.client(), op.seq())) {
          queuedSeq.remove(op.client());
        }
        pendingWrittenBytes -= writtenBytes(op);
      } else {
        queuedSweeps--;
      }
    }
    executedIndex = upTo;
    while (!inFlight.isEmpty() && inFlight.peekFirst() <= upTo) {
      inFlight.removeFirst();
    }
    return ready;
  }

  /** Forget what was sent, so the next forwards re-send everything unacknowledged. */
  void resendAll() {
    sentIndex = executedIndex;
    inFlight.clear();
  }

  /** Starts a new view: the queued ops keep their order and are numbered again from 1. */
  void renumberForNewView() {
    executedIndex = 0;
    sentIndex = 0;
    inFlight.clear();
  }

  /** Removes and returns every queued entry (for a primary without a backup). */
  List<LogEntry> drainAll() {
    List<LogEntry> all = new ArrayList<>(ops);
    ops.clear();
    queuedSeq.clear();
    pendingWrittenBytes = 0;
    queuedSweeps = 0;
    executedIndex += all.size();
    sentIndex = executedIndex;
    inFlight.clear();
    return all;
  }

  void clear() {
    ops.clear();
    queuedSeq.clear();
    pendingWrittenBytes = 0;
    queuedSweeps = 0;
    executedIndex = 0;
    sentIndex = 0;
    inFlight.clear();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrimaryLog other
        && executedIndex == other.executedIndex
        && sentIndex == other.sentIndex
        && ops.equals(other.ops)
        && List.copyOf(inFlight).equals(List.copyOf(other.inFlight));
  }

  @Override
  public int hashCode() {
    return Objects.hash(ops, executedIndex, sentIndex);
  }

  @Override
  public String toString() {
    return "PrimaryLog[executed="
        + executedIndex
        + ", sent="
        + sentIndex
        + ", queued="
        + ops.size()
        + "]";
  }
}
