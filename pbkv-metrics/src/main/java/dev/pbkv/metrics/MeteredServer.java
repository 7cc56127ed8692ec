package dev.pbkv.metrics;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ReplicationMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link PbServer} with metrics: it hands every input to the server unchanged and watches what
 * comes in and what the server sends, so the protocol class stays free of clocks and meters.
 *
 * <p>Runs on its runtime's event loop like the node it wraps; {@link #sample()} (also on the event
 * loop) copies the server's state into the gauges. Memory is bounded: at most {@link #MAX_PENDING}
 * requests wait for their reply in the latency table (the oldest goes first) and at most {@link
 * #MAX_FORWARDS} forwards for their ack.
 */
public final class MeteredServer implements Node {
  /** Requests remembered for their latency; beyond it the oldest is forgotten (not measured). */
  public static final int MAX_PENDING = 100_000;

  /** Forwards remembered for the backup's ack time. */
  public static final int MAX_FORWARDS = 10_000;

  /** A request not answered within this long is forgotten at the next sample (not measured). */
  public static final long PENDING_LIMIT_SECONDS = 60;

  private final PbServer server;
  private final MeterRegistry registry;
  private final Map<String, Counter> opCounters = new HashMap<>();
  private final Map<String, io.micrometer.core.instrument.Timer> latency = new HashMap<>();
  private final LinkedHashMap<PendingKey, Pending> pending = new LinkedHashMap<>();
  // the highest seq answered per client session, least recently answered first (bounded)
  private final LinkedHashMap<Address, Long> answered = new LinkedHashMap<>(16, 0.75f, true);
  private final ArrayDeque<long[]> forwardsInFlight = new ArrayDeque<>(); // {lastIndex, nanos}
  private final DistributionSummary batchOps;
  private final Counter forwards;
  private final io.micrometer.core.instrument.Timer backupAck;
  private final Counter transferChunksSent;
  private final Counter transferBytesSent;
  private final Counter transferChunksReceived;
  private final Counter transferBytesReceived;
  private final Counter requests;
  private final Counter viewChanges;

  // sampled on the event loop, read by the scrape
  private volatile long viewNum;
  private volatile String role = "none";
  private volatile boolean serving;
  private volatile long storeKeys;
  private volatile long storeBytes;
  private volatile long sessions;
  private volatile long amoTableBytes;
  private volatile long queuedOps;
  private volatile long lastTransferChunk = -1;
  private volatile long transferAckedChunk = -1;
  private volatile long forwardsUnacked;
  private long forwardViewNum = -1;

  public MeteredServer(PbServer server, MeterRegistry registry) {
    this.server = server;
    this.registry = registry;
    this.requests =
        Counter.builder("pbkv.requests")
            .description("client requests received, retries included")
            .register(registry);
    this.batchOps =
        DistributionSummary.builder("pbkv.forward.batch.ops")
            .description("ops per forward sent by the primary")
            .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
            .register(registry);
    this.forwards =
        Counter.builder("pbkv.forwards.sent")
            .description("forwards sent to the backup")
            .register(registry);
    this.backupAck =
        io.micrometer.core.instrument.Timer.builder("pbkv.backup.ack")
            .description("time from a forward's send to the backup's ack covering it (apply lag)")
            .serviceLevelObjectives(
                Duration.ofNanos(100_000),
                Duration.ofMillis(1),
                Duration.ofMillis(5),
                Duration.ofMillis(20),
                Duration.ofMillis(100),
                Duration.ofSeconds(1))
            .register(registry);
    this.transferChunksSent = chunkCounter("sent", "pbkv.transfer.chunks");
    this.transferBytesSent = chunkCounter("sent", "pbkv.transfer.data.bytes");
    this.transferChunksReceived = chunkCounter("received", "pbkv.transfer.chunks");
    this.transferBytesReceived = chunkCounter("received", "pbkv.transfer.data.bytes");
    this.viewChanges =
        Counter.builder("pbkv.view.changes")
            .description("views this server has learned")
            .register(registry);
    Gauge.builder("pbkv.view.number", this, m -> m.viewNum)
        .description("the newest view this server knows")
        .register(registry);
    for (String r : new String[] {"primary", "backup", "idle", "none"}) {
      Gauge.builder("pbkv.role", this, m -> r.equals(m.role) ? 1 : 0)
          .description("1 for this server's role in its view")
          .tag("role", r)
          .register(registry);
    }
    Gauge.builder("pbkv.serving", this, m -> m.serving ? 1 : 0)
        .description("1 when this server is the primary and serves clients")
        .register(registry);
    Gauge.builder("pbkv.store.keys", this, m -> m.storeKeys)
        .description("keys in this server's copy of the store")
        .register(registry);
    Gauge.builder("pbkv.store.bytes", this, m -> m.storeBytes)
        .description("bytes of keys and values in this server's copy of the store")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("pbkv.amo.sessions", this, m -> m.sessions)
        .description("client sessions in the at-most-once table")
        .register(registry);
    Gauge.builder("pbkv.amo.table.bytes", this, m -> m.amoTableBytes)
        .description("about how many bytes the at-most-once table holds")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("pbkv.forwards.queued.ops", this, m -> m.queuedOps)
        .description(
            "ops in the primary's log not yet acked by the backup (forwarded or not, including"
                + " those held during a state transfer)")
        .register(registry);
    Gauge.builder("pbkv.forwards.in.flight", this, m -> m.forwardsUnacked)
        .description("forwards sent to the backup and not yet acked")
        .register(registry);
    Gauge.builder("pbkv.transfer.acked.chunk", this, m -> m.transferAckedChunk)
        .description(
            "the highest state-transfer chunk the backup acked in this view (-1: none yet)")
        .register(registry);
    Gauge.builder("pbkv.transfer.last.chunk", this, m -> m.lastTransferChunk)
        .description("index of the last state-transfer chunk sent or installed (-1: none)")
        .register(registry);
  }

  private Counter chunkCounter(String direction, String name) {
    return Counter.builder(name)
        .description("state transfer to (sent) or from (received) the primary")
        .tag("direction", direction)
        .register(registry);
  }

  /** The server wrapped. */
  public PbServer server() {
    return server;
  }

  /** Copies the server's state into the gauges; call on the event loop, e.g. before a scrape. */
  public void sample() {
    viewNum = server.view().viewNum();
    role = server.isPrimary() ? "primary" : server.isBackup() ? "backup" : roleOutsideView();
    serving = server.isServing();
    storeKeys = server.storeSize();
    storeBytes = server.storeBytes();
    sessions = server.sessionCount();
    amoTableBytes = server.amoTableBytes();
    queuedOps = server.queuedOps();
    forwardsUnacked = forwardsInFlight.size();
    // requests never answered (e.g. dropped while the server was not serving) leave the table
    long tooOld = System.nanoTime() - TimeUnit.SECONDS.toNanos(PENDING_LIMIT_SECONDS);
    pending.values().removeIf(p -> p.nanos - tooOld < 0);
  }

  private String roleOutsideView() {
    return server.view().viewNum() == 0 ? "none" : "idle";
  }

  @Override
  public void init(Effects fx) {
    server.init(new Watching(fx));
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    long before = server.view().viewNum();
    if (msg instanceof ClientMessage.Request r) {
      requests.increment();
      PendingKey key = new PendingKey(from, r.seq());
      if (!pending.containsKey(key)) { // a retry keeps its first arrival
        if (pending.size() >= MAX_PENDING) {
          var oldest = pending.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
        pending.put(key, new Pending(type(r.command()), System.nanoTime()));
      }
    } else if (msg instanceof ReplicationMessage.ForwardAck ack) {
      // only the current backup's acks of this view's forwards (the server ignores the others)
      if (ack.viewNum() == forwardViewNum && from.equals(server.view().backup())) {
        long now = System.nanoTime();
        while (!forwardsInFlight.isEmpty()
            && forwardsInFlight.peekFirst()[0] <= ack.appliedIndex()) {
          backupAck.record(now - forwardsInFlight.pollFirst()[1], TimeUnit.NANOSECONDS);
        }
      }
    } else if (msg instanceof ReplicationMessage.StateTransferAck ack) {
      if (ack.viewNum() == server.view().viewNum()) {
        transferAckedChunk = Math.max(transferAckedChunk, ack.chunkIndex());
      }
    } else if (msg instanceof ReplicationMessage.StateTransfer t) {
      transferChunksReceived.increment();
      transferBytesReceived.increment(t.data().size());
      lastTransferChunk = t.chunkIndex();
    }
    server.onMessage(from, msg, new Watching(fx));
    afterEvent(before);
  }

  @Override
  public void onConnectionReset(Address peer, Effects fx) {
    server.onConnectionReset(peer, fx); // loss reports reach the server (design.md §4.1)
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    long before = server.view().viewNum();
    server.onTimer(timer, new Watching(fx));
    afterEvent(before);
  }

  private void afterEvent(long viewBefore) {
    long now = server.view().viewNum();
    if (now != viewBefore) {
      viewChanges.increment();
      transferAckedChunk = -1;
      if (forwardViewNum != now) { // a new view numbers its forwards anew (unless already sent)
        forwardsInFlight.clear();
        forwardViewNum = now;
      }
    }
  }

  private void sent(Address to, Message msg) {
    if (msg instanceof ClientMessage.Reply reply) {
      finish(to, reply.seq(), outcome(reply.result()));
    } else if (msg instanceof ClientMessage.WrongServer wrong) {
      finish(to, wrong.seq(), "wrong_server");
    } else if (msg instanceof ReplicationMessage.Forward f) {
      forwards.increment();
      batchOps.record(f.entries().size());
      if (f.viewNum() != forwardViewNum) {
        forwardsInFlight.clear();
        forwardViewNum = f.viewNum();
      }
      if (forwardsInFlight.size() >= MAX_FORWARDS) {
        forwardsInFlight.pollFirst();
      }
      if (forwardsInFlight.isEmpty() || forwardsInFlight.peekLast()[0] < f.lastIndex()) {
        forwardsInFlight.addLast(new long[] {f.lastIndex(), System.nanoTime()}); // not a resend
      }
    } else if (msg instanceof ReplicationMessage.StateTransfer t) {
      transferChunksSent.increment();
      transferBytesSent.increment(t.data().size());
      lastTransferChunk = t.chunkIndex();
    }
  }

  private void finish(Address client, long seq, String givenOutcome) {
    Pending p = pending.remove(new PendingKey(client, seq));
    String type = p == null ? "unknown" : p.type;
    String outcome = givenOutcome;
    if (!outcome.equals("wrong_server")) {
      Long last = answered.get(client);
      if (last != null && seq <= last) {
        outcome = "retry"; // answered before: this reply repeats it (from the at-most-once table)
      } else {
        if (answered.size() >= MAX_PENDING && !answered.containsKey(client)) {
          var oldest = answered.keySet().iterator();
          oldest.next();
          oldest.remove();
        }
        answered.put(client, seq);
      }
    }
    String counted = outcome;
    opCounters
        .computeIfAbsent(
            type + "/" + counted,
            k ->
                Counter.builder("pbkv.ops")
                    .description(
                        "client ops answered by this server, by type and outcome (retry: an"
                            + " answer repeated for a retried request)")
                    .tag("type", type)
                    .tag("outcome", counted)
                    .register(registry))
        .increment();
    if (p != null && !outcome.equals("wrong_server") && !outcome.equals("retry")) {
      latency
          .computeIfAbsent(
              type,
              k ->
                  io.micrometer.core.instrument.Timer.builder("pbkv.op.latency")
                      .description(
                          "request arrival to reply at the primary (the backup's round trip"
                              + " included)")
                      .tag("type", type)
                      .serviceLevelObjectives(
                          Duration.ofNanos(100_000),
                          Duration.ofNanos(250_000),
                          Duration.ofNanos(500_000),
                          Duration.ofMillis(1),
                          Duration.ofMillis(2),
                          Duration.ofMillis(5),
                          Duration.ofMillis(10),
                          Duration.ofMillis(50),
                          Duration.ofMillis(100),
                          Duration.ofMillis(500),
                          Duration.ofSeconds(1))
                      .register(registry))
          .record(System.nanoTime() - p.nanos, TimeUnit.NANOSECONDS);
    }
  }

  static String type(Command command) {
    String name = command.getClass().getSimpleName();
    return switch (name) {
      case "CompareAndSet" -> "cas";
      default -> name.toLowerCase(java.util.Locale.ROOT);
    };
  }

  static String outcome(Result result) {
    if (result instanceof Result.Error) {
      return "error";
    } else if (result instanceof Result.CasResult cas && !cas.swapped()) {
      return "cas_failed";
    }
    return "ok";
  }

  private record PendingKey(Address client, long seq) {}

  private record Pending(String type, long nanos) {}

  /** The server's effects, seen on their way out. */
  private final class Watching implements Effects {
    private final Effects fx;

    Watching(Effects fx) {
      this.fx = fx;
    }

    @Override
    public void send(Address to, Message msg) {
      sent(to, msg);
      fx.send(to, msg);
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {
      fx.setTimer(timer, minMillis, maxMillis);
    }
  }
}
