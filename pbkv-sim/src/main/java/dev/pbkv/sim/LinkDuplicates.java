package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.ForwardAck;
import dev.pbkv.server.ReplicationMessage.LogEntry;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ReplicationMessage.StateTransferAck;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts, on watched links between servers, the bytes of forwarded log entries and state-transfer
 * chunks sent again while the receiver still holds them: an earlier copy is still on the link
 * (accepted, neither delivered nor lost), or the receiver has acknowledged it (a cumulative {@link
 * ForwardAck} or {@link StateTransferAck} of that view covers it). A copy that arrived and was
 * discarded (a chunk of a view the backup has not learned yet, or after a gap) is neither, so
 * sending it again is no duplicate. Unlike {@link Simulation.LinkStats#bytesResent()} this looks at
 * entries and chunks by view and index, not at whole messages, so a go-back-N retry that re-batches
 * the unacknowledged entries with new ones is counted too, and re-sent acks are not.
 *
 * <p>Duplicates a sender makes while it handles a timer are counted apart ({@link
 * Counts#retryDuplicateBytes}): a retry re-sends nothing by itself (docs/design.md §4.1, §4.2), so
 * the correct protocol makes none. Its other duplicates answer a gap report: one the network
 * duplicated (or the answer to a duplicated probe), or an older one that arrives after a newer one
 * (the reverse direction may reorder), each answered while the first repair is still on the link;
 * they follow losses and duplicates, not time.
 */
final class LinkDuplicates implements SimListener {
  /** A direction between two servers. */
  record Link(Address from, Address to) {}

  /** One entry or chunk of one view, by index. */
  private record Item(boolean chunk, long viewNum, long index) {}

  /** What a watched link carried: forward entries' and chunks' bytes, and those sent again. */
  static final class Counts {
    long entryBytes;
    long entryDuplicateBytes;
    long chunkBytes;
    long chunkDuplicateBytes;
    long retryDuplicateBytes; // of those, sent while the sender handled a timer: by a retry

    long bytes() {
      return entryBytes + chunkBytes;
    }

    long duplicateBytes() {
      return entryDuplicateBytes + chunkDuplicateBytes;
    }
  }

  private static final class State {
    final Counts counts = new Counts();
    final Map<Item, Integer> inFlight = new HashMap<>();
    final Map<Long, Long> forwardAcked = new HashMap<>(); // view -> highest index acked
    final Map<Long, Long> chunksAcked = new HashMap<>(); // view -> highest chunk installed
  }

  private final Map<Link, State> links = new LinkedHashMap<>();
  private final Map<Long, Sent> pending = new HashMap<>(); // message id -> what it carries
  private Address inTimer; // the node whose timer is being handled, if any

  private record Sent(State state, List<Item> items) {}

  /** Watches {@code from → to}. */
  void watch(Address from, Address to) {
    links.putIfAbsent(new Link(from, to), new State());
  }

  /** The counts of every watched link, in the order they were watched. */
  Map<Link, Counts> counts() {
    Map<Link, Counts> out = new LinkedHashMap<>();
    links.forEach((l, s) -> out.put(l, s.counts));
    return out;
  }

  @Override
  public void onSend(long micros, long id, Address from, Address to, Message msg) {
    if (msg instanceof ForwardAck a) {
      State s = links.get(new Link(to, from));
      if (s != null) {
        s.forwardAcked.merge(a.viewNum(), a.appliedIndex(), Math::max);
      }
      return;
    }
    if (msg instanceof StateTransferAck a) {
      State s = links.get(new Link(to, from));
      if (s != null) {
        s.chunksAcked.merge(a.viewNum(), (long) a.chunkIndex(), Math::max);
      }
      return;
    }
    if (!(msg instanceof Forward) && !(msg instanceof StateTransfer)) {
      return;
    }
    State s = links.get(new Link(from, to));
    if (s == null) {
      return;
    }
    List<Item> items;
    if (msg instanceof Forward f) {
      long acked = s.forwardAcked.getOrDefault(f.viewNum(), 0L);
      Item[] all = new Item[f.entries().size()];
      for (int i = 0; i < all.length; i++) {
        long index = f.firstIndex() + i;
        LogEntry e = f.entries().get(i);
        long bytes = new Forward(f.viewNum(), index, List.of(e)).sizeBytes() - Message.SMALL_BYTES;
        all[i] = new Item(false, f.viewNum(), index);
        s.counts.entryBytes += bytes;
        if (index <= acked || s.inFlight.getOrDefault(all[i], 0) > 0) {
          s.counts.entryDuplicateBytes += bytes;
          if (from.equals(inTimer)) {
            s.counts.retryDuplicateBytes += bytes;
          }
        }
      }
      items = List.of(all);
    } else {
      StateTransfer t = (StateTransfer) msg;
      Item item = new Item(true, t.viewNum(), t.chunkIndex());
      long bytes = t.sizeBytes();
      s.counts.chunkBytes += bytes;
      if (t.chunkIndex() <= s.chunksAcked.getOrDefault(t.viewNum(), -1L)
          || s.inFlight.getOrDefault(item, 0) > 0) {
        s.counts.chunkDuplicateBytes += bytes;
        if (from.equals(inTimer)) {
          s.counts.retryDuplicateBytes += bytes;
        }
      }
      items = List.of(item);
    }
    for (Item i : items) {
      s.inFlight.merge(i, 1, Integer::sum);
    }
    pending.put(id, new Sent(s, items));
  }

  @Override
  public void onTimer(long micros, Address node, dev.pbkv.node.Timer timer) {
    inTimer = node; // its sends until onHandled are its timer's
  }

  @Override
  public void onHandled(long micros, Address address, dev.pbkv.node.Node node) {
    inTimer = null;
  }

  @Override
  public void onDeliver(long micros, long id, Address from, Address to, Message msg) {
    inTimer = null;
    arrivedOrLost(id);
  }

  @Override
  public void onDrop(long micros, long id, Address from, Address to, Message msg, String reason) {
    arrivedOrLost(id);
  }

  /** The first delivery or loss of a message ends its copy's time on the link. */
  private void arrivedOrLost(long id) {
    Sent sent = pending.remove(id);
    if (sent == null) {
      return;
    }
    for (Item i : sent.items()) {
      sent.state().inFlight.computeIfPresent(i, (k, n) -> n > 1 ? n - 1 : null);
    }
  }
}
