package dev.pbkv.mutex;

import dev.pbkv.mutex.ChannelMessage.Ack;
import dev.pbkv.mutex.ChannelMessage.Data;
import dev.pbkv.mutex.ChannelTimer.Retransmit;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reliable FIFO channel layer over a network that loses, reorders and duplicates messages: a node
 * holds one {@code FifoChannel} and sends and receives its payloads through it. Every payload sent
 * to a peer is eventually delivered to that peer exactly once, and the payloads from one sender are
 * delivered in the order they were sent — provided both nodes stay up and the network delivers some
 * of the messages on each link (fair loss).
 *
 * <p>How: per peer, outgoing payloads are numbered 1, 2, 3, … and kept until the peer acknowledges
 * them; a {@link Retransmit} timer re-sends the unacknowledged ones when the peer acknowledged
 * nothing new for {@code retransmitMillis}. The receiver drops numbers it has already delivered,
 * buffers those beyond a gap, delivers in order, and answers every data message with a cumulative
 * {@link Ack} of everything delivered so far (so a lost ack is repaired by the next one).
 *
 * <p>Limits: the state is not persistent. A node that restarts with a fresh channel numbers from 1
 * again and its peers take those messages for duplicates; the channel is meant for protocols that
 * do not survive crashes anyway, such as {@link LamportMutex}. There is no flow control.
 *
 * <p>The owner forwards every {@link ChannelMessage} to {@link #onMessage} and every {@link
 * ChannelTimer} to {@link #onTimer}. Collections are sorted maps, so iteration is deterministic;
 * {@code equals}/{@code hashCode} cover the whole state and {@link #copy()} makes a deep copy.
 */
public final class FifoChannel {
  private final long retransmitMillis;

  // Sender side, per peer.
  private final TreeMap<Address, Long> lastSent = new TreeMap<>();
  private final TreeMap<Address, Long> ackedUpTo = new TreeMap<>();
  private final TreeMap<Address, TreeMap<Long, Message>> unacked = new TreeMap<>();
  private final TreeSet<Address> retransmitArmed = new TreeSet<>();

  // Receiver side, per peer.
  private final TreeMap<Address, Long> deliveredUpTo = new TreeMap<>();
  private final TreeMap<Address, TreeMap<Long, Message>> buffered = new TreeMap<>();

  /** A channel that re-sends unacknowledged payloads every {@code retransmitMillis}. */
  public FifoChannel(long retransmitMillis) {
    if (retransmitMillis <= 0) {
      throw new IllegalArgumentException("retransmitMillis must be > 0, got " + retransmitMillis);
    }
    this.retransmitMillis = retransmitMillis;
  }

  /** Sends {@code payload} to {@code to}: it will be delivered once, after earlier ones. */
  public void send(Address to, Message payload, Effects fx) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(payload, "payload");
    long seq = lastSent.getOrDefault(to, 0L) + 1;
    lastSent.put(to, seq);
    unacked.computeIfAbsent(to, a -> new TreeMap<>()).put(seq, payload);
    fx.send(to, new Data(seq, payload));
    armRetransmit(to, fx);
  }

  /**
   * Handles a channel message from {@code from} and returns the payloads it makes deliverable, in
   * order (often none: an ack, a duplicate or a message beyond a gap).
   */
  public List<Message> onMessage(Address from, ChannelMessage msg, Effects fx) {
    if (msg instanceof Data data) {
      return onData(from, data, fx);
    } else if (msg instanceof Ack ack) {
      onAck(from, ack);
      return List.of();
    } else {
      throw new IllegalArgumentException("fifo channel: unknown message " + msg);
    }
  }

  /** Handles one of this channel's timers. */
  public void onTimer(ChannelTimer timer, Effects fx) {
    if (timer instanceof Retransmit r) {
      Address peer = r.peer();
      retransmitArmed.remove(peer);
      TreeMap<Long, Message> pending = unacked.get(peer);
      if (pending == null || pending.isEmpty()) {
        return; // everything got through: let the timer lapse
      }
      if (ackedUpTo.getOrDefault(peer, 0L) == r.ackedUpTo()) {
        for (Map.Entry<Long, Message> e : pending.entrySet()) {
          fx.send(peer, new Data(e.getKey(), e.getValue()));
        }
      }
      armRetransmit(peer, fx);
    } else {
      throw new IllegalArgumentException("fifo channel: unknown timer " + timer);
    }
  }

  private List<Message> onData(Address from, Data data, Effects fx) {
    long delivered = deliveredUpTo.getOrDefault(from, 0L);
    List<Message> out = List.of();
    if (data.seq() > delivered) {
      TreeMap<Long, Message> gap = buffered.computeIfAbsent(from, a -> new TreeMap<>());
      gap.putIfAbsent(data.seq(), data.payload());
      Message next;
      while ((next = gap.remove(delivered + 1)) != null) {
        if (out.isEmpty()) {
          out = new ArrayList<>();
        }
        out.add(next);
        delivered++;
      }
      if (gap.isEmpty()) {
        buffered.remove(from);
      }
      deliveredUpTo.put(from, delivered);
    }
    if (delivered > 0) {
      fx.send(from, new Ack(delivered)); // also for duplicates: the earlier ack may be lost
    }
    return out;
  }

  private void onAck(Address from, Ack ack) {
    long sent = lastSent.getOrDefault(from, 0L);
    long upTo = Math.min(ack.upTo(), sent); // never acknowledge what was not sent
    if (upTo <= ackedUpTo.getOrDefault(from, 0L)) {
      return; // old or duplicate ack
    }
    ackedUpTo.put(from, upTo);
    TreeMap<Long, Message> pending = unacked.get(from);
    if (pending == null) {
      return; // cannot happen: (old ack, upTo] was sent and never acknowledged
    }
    pending.headMap(upTo, true).clear();
    if (pending.isEmpty()) {
      unacked.remove(from);
    }
  }

  private void armRetransmit(Address peer, Effects fx) {
    if (retransmitArmed.add(peer)) {
      fx.setTimer(new Retransmit(peer, ackedUpTo.getOrDefault(peer, 0L)), retransmitMillis);
    }
  }

  // --- read-only state ------------------------------------------------------------------------

  /** How long the channel waits for an acknowledgement before re-sending. */
  public long retransmitMillis() {
    return retransmitMillis;
  }

  /** Payloads sent to {@code peer} and not yet acknowledged. */
  public int unacknowledged(Address peer) {
    TreeMap<Long, Message> pending = unacked.get(peer);
    return pending == null ? 0 : pending.size();
  }

  /** Payloads sent to anyone and not yet acknowledged. */
  public int unacknowledged() {
    int n = 0;
    for (TreeMap<Long, Message> pending : unacked.values()) {
      n += pending.size();
    }
    return n;
  }

  /** Payloads received from {@code peer} beyond a gap, waiting for the missing ones. */
  public int buffered(Address peer) {
    TreeMap<Long, Message> gap = buffered.get(peer);
    return gap == null ? 0 : gap.size();
  }

  /** How many payloads from {@code peer} have been delivered, in order. */
  public long deliveredFrom(Address peer) {
    return deliveredUpTo.getOrDefault(peer, 0L);
  }

  // --- equality and copies --------------------------------------------------------------------

  /** A deep copy of this channel's state. */
  public FifoChannel copy() {
    FifoChannel c = new FifoChannel(retransmitMillis);
    c.lastSent.putAll(lastSent);
    c.ackedUpTo.putAll(ackedUpTo);
    unacked.forEach((peer, m) -> c.unacked.put(peer, new TreeMap<>(m)));
    c.retransmitArmed.addAll(retransmitArmed);
    c.deliveredUpTo.putAll(deliveredUpTo);
    buffered.forEach((peer, m) -> c.buffered.put(peer, new TreeMap<>(m)));
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FifoChannel other
        && retransmitMillis == other.retransmitMillis
        && lastSent.equals(other.lastSent)
        && ackedUpTo.equals(other.ackedUpTo)
        && unacked.equals(other.unacked)
        && retransmitArmed.equals(other.retransmitArmed)
        && deliveredUpTo.equals(other.deliveredUpTo)
        && buffered.equals(other.buffered);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lastSent, ackedUpTo, unacked, deliveredUpTo, buffered);
  }

  @Override
  public String toString() {
    return "FifoChannel[sent="
        + lastSent
        + ", acked="
        + ackedUpTo
        + ", delivered="
        + deliveredUpTo
        + ", unacked="
        + unacknowledged()
        + "]";
  }
}
