package dev.pbkv.check;

import dev.pbkv.node.Node;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Gives every distinct node state (a node with its pending timers) and every distinct message a
 * small id, by the nodes' and messages' own {@code equals}: exact, so a state is identified by the
 * ids of its parts, and the fingerprints built from them are as good as the hash that mixes them
 * (see {@link FingerprintSet}). Shared by all states of one system; thread-safe.
 *
 * <p>It keeps one copy of each distinct node state and message: far fewer than system states, since
 * a system state is a combination of them.
 */
final class Interner {
  private final ConcurrentHashMap<Slot, Integer> slots = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Envelope, Integer> envelopes = new ConcurrentHashMap<>();
  private final AtomicInteger nextSlot = new AtomicInteger();
  private final AtomicInteger nextEnvelope = new AtomicInteger();

  /** A node state with its timers; the hash is the one {@link SearchState} keeps per node. */
  private record Slot(Node node, TimerEntry[] timers, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Slot s
          && hash == s.hash
          && (node == s.node || node.equals(s.node))
          && Arrays.equals(timers, s.timers);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  int slotId(Node node, TimerEntry[] timers, int hash) {
    Slot key = new Slot(node, timers, hash);
    Integer id = slots.get(key);
    if (id == null) {
      id = slots.computeIfAbsent(key, k -> nextSlot.getAndIncrement());
    }
    return id;
  }

  int envelopeId(Envelope e) {
    Integer id = envelopes.get(e);
    if (id == null) {
      id = envelopes.computeIfAbsent(e, k -> nextEnvelope.getAndIncrement());
    }
    return id;
  }

  /** Distinct node states seen so far. */
  int slotCount() {
    return slots.size();
  }

  /** Distinct messages seen so far. */
  int envelopeCount() {
    return envelopes.size();
  }
}
