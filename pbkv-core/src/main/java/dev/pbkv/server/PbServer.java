package dev.pbkv.server;

import dev.pbkv.kv.AmoApplication;
import dev.pbkv.kv.Result;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Address;
import dev.pbkv.node.Backoff;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.ClientMessage.Request;
import dev.pbkv.server.ClientMessage.WrongServer;
import dev.pbkv.server.ReplicationMessage.Forward;
import dev.pbkv.server.ReplicationMessage.ForwardAck;
import dev.pbkv.server.ReplicationMessage.ForwardProbe;
import dev.pbkv.server.ReplicationMessage.ForwardReject;
import dev.pbkv.server.ReplicationMessage.LogEntry;
import dev.pbkv.server.ReplicationMessage.Op;
import dev.pbkv.server.ReplicationMessage.StateTransfer;
import dev.pbkv.server.ReplicationMessage.StateTransferAck;
import dev.pbkv.server.ReplicationMessage.Sweep;
import dev.pbkv.server.ReplicationMessage.TransferProbe;
import dev.pbkv.server.ServerTimer.ForwardRetry;
import dev.pbkv.server.ServerTimer.PingTick;
import dev.pbkv.server.ServerTimer.SweepTick;
import dev.pbkv.server.ServerTimer.TransferRetry;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A primary/backup key-value server (docs/design.md §3–4). Its role comes from the newest view it
 * has learned from the view service: the primary forwards every op to the backup and executes it
 * only after the backup applied it; the backup applies forwards of its own view only; anyone else
 * rejects clients.
 *
 * <p>When sessions expire ({@link ServerConfig#sessionExpiryMillis()}), the primary also appends a
 * {@link Sweep} to its log every {@link ServerConfig#sweepIntervalMillis()}: it is forwarded,
 * applied by the backup and executed by the primary at the same index as any op, so both drop the
 * same idle sessions. A new primary sweeps first one full interval after it took over.
 */
public final class PbServer implements Node {
  private final Address self;
  private final java.util.List<Address> viewServices; // pinged and asked, every one of them
  private final java.util.Set<Address> viewSenders; // the only senders views are taken from
  private final long bootId;
  private final ServerConfig config;

  private View view = View.INITIAL;
  private long acceptedViewNum; // what we ping with: a primary's ack of its view
  private AmoApplication app = new AmoApplication();

  // Primary of the current view.
  private boolean transferDone;
  private OutgoingTransfer transfer; // while the state transfer to the backup runs
  private final PrimaryLog log = new PrimaryLog();
  private boolean forwardTimerArmed;
  private long primarySince; // the view in which this server last became primary (sweep ticks)
  // The runtime reported that messages to or from the other member of the view may have been lost
  // (docs/design.md §4.1): the primary probes at its next retry, the backup re-acks at its next
  // ping tick. Never set in the model checker, which has no connections.
  private boolean lossReported;
  // Chunks of a view not learned yet were discarded: that view and the highest chunk index.
  private long earlyTransferView;
  private int earlyTransferUpTo;

  // Backup of the current view.
  private long installedViewNum; // the view whose state transfer this server installed
  private long executedOps; // for info only: not protocol state, left out of equality and copies
  private int receivedChunks; // chunks of this view's state transfer installed so far, in order
  private long appliedIndex;
  private final TreeMap<Long, LogEntry> outOfOrder = new TreeMap<>();

  // Senders of views that are not the view service, each warned about once (not protocol state).
  static final int MAX_WARNED_SENDERS = 64;
  private final java.util.TreeSet<Address> warnedViewSenders = new java.util.TreeSet<>();

  /**
   * @param self this server's address
   * @param viewService the view service's address
   * @param bootId names this incarnation: unique per start at this address (random over TCP), never
   *     compared by size (docs/design.md §1)
   */
  public PbServer(Address self, Address viewService, long bootId, ServerConfig config) {
    this(self, viewService, java.util.Set.of(viewService), bootId, config);
  }

  /**
   * A server of a replicated view service (docs/design.md §2.2): it pings every replica in {@code
   * viewServices} and takes views from any of them (views only move forward, so the newest wins).
   */
  public PbServer(
      Address self, java.util.List<Address> viewServices, long bootId, ServerConfig config) {
    this(self, viewServices, java.util.Set.copyOf(viewServices), bootId, config);
  }

  /**
   * A server that sends to the view service at {@code viewService} but takes views only from the
   * addresses in {@code viewSenders}: the address the view service knows itself by, when the server
   * reaches it through a proxy or a translated address (docs/design.md §1).
   */
  public PbServer(
      Address self,
      Address viewService,
      java.util.Set<Address> viewSenders,
      long bootId,
      ServerConfig config) {
    this(self, java.util.List.of(viewService), viewSenders, bootId, config);
  }

  /**
   * A server that sends to every view-service replica in {@code viewServices} and takes views only
   * from the addresses in {@code viewSenders}.
   */
  public PbServer(
      Address self,
      java.util.List<Address> viewServices,
      java.util.Set<Address> viewSenders,
      long bootId,
      ServerConfig config) {
    this.self = Objects.requireNonNull(self, "self");
    if (viewServices.isEmpty()) {
      throw new IllegalArgumentException("a server needs at least one view-service address");
    }
    this.viewServices = java.util.List.copyOf(viewServices);
    if (viewSenders.isEmpty()) {
      throw new IllegalArgumentException("a server needs at least one view-service address");
    }
    this.viewSenders = java.util.Set.copyOf(viewSenders);
    this.bootId = bootId;
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public void init(Effects fx) {
    pingViewServices(fx);
    fx.setTimer(new PingTick(), config.pingIntervalMillis());
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    if (msg instanceof ViewReply reply) {
      if (viewSenders.contains(from)) {
        learnView(reply.view(), fx);
      } else {
        ignoreForeignView(from, reply, fx);
      }
    } else if (msg instanceof Request request) {
      handleRequest(from, request, fx);
    } else if (msg instanceof Forward forward) {
      handleForward(from, forward, fx);
    } else if (msg instanceof ForwardAck ack) {
      handleForwardAck(from, ack, fx);
    } else if (msg instanceof ForwardReject reject) {
      if (reject.backupView() != null) { // the wire format lets a reject leave its view out
        noticeView(reject.backupView().viewNum(), fx);
      }

    } else if (msg instanceof StateTransfer transfer) {
      handleStateTransfer(from, transfer, fx);
    } else if (msg instanceof StateTransferAck ack) {
      handleStateTransferAck(from, ack, fx);
    } else if (msg instanceof ForwardProbe probe) {
      handleForwardProbe(from, probe, fx);
    } else if (msg instanceof TransferProbe probe) {
      handleTransferProbe(from, probe, fx);
    } else if (msg instanceof ClientMessage.GetInfo) {
      fx.send(from, info());
    }
    // Anything else (a Reply, a Ping, a Status, another protocol's message…) is misrouted, e.g. a
    // replayed message to a reused address, or sent by a confused peer: not for a server; ignored.
    // A node never throws on a message (docs/design.md §8).
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    if (timer instanceof PingTick) {
      if (lossReported && isBackup()) {
        reAck(fx);
      }
      pingViewServices(fx);
      fx.setTimer(new PingTick(), config.pingIntervalMillis());
    } else if (timer instanceof TransferRetry retry) {
      onTransferRetry(retry, fx);
    } else if (timer instanceof ForwardRetry retry) {
      onForwardRetry(retry, fx);
    } else if (timer instanceof SweepTick tick) {
      onSweepTick(tick, fx);
    } else {
      throw new IllegalArgumentException("server: unknown timer " + timer);
    }
  }

  @Override
  public void onConnectionReset(Address peer, Effects fx) {
    if ((isPrimary() && peer.equals(view.backup()))
        || (isBackup() && peer.equals(view.primary()))) {
      lossReported = true;
    }
  }

  /** The backup's acks may have been lost: send its cumulative acks of this view again. */
  private void reAck(Effects fx) {
    lossReported = false;
    if (receivedChunks > 0) {
      fx.send(view.primary(), new StateTransferAck(view.viewNum(), receivedChunks - 1));
    }
    if (installedViewNum == view.viewNum()) {
      fx.send(view.primary(), new ForwardAck(view.viewNum(), appliedIndex));
    }
  }

  /** Pings every view-service replica with the view this server accepted (its ack). */
  private void pingViewServices(Effects fx) {
    for (Address vs : viewServices) {
      fx.send(vs, new Ping(acceptedViewNum, bootId));
    }
  }

  // --- views --------------------------------------------------------------------------------

  /**
   * Only the view service hands out views (docs/design.md §1): a view from any other sender is
   * ignored, with one warning per sender (for at most {@link #MAX_WARNED_SENDERS} senders).
   */
  private void ignoreForeignView(Address from, ViewReply reply, Effects fx) {
    if (warnedViewSenders.size() < MAX_WARNED_SENDERS && warnedViewSenders.add(from)) {
      fx.warn(
          self
              + " ignores a view from "
              + from
              + ", which is not the view service "
              + (viewSenders.size() == 1 ? viewSenders.iterator().next() : viewSenders)
              + " (view "
              + reply.view()
              + "); further views from it are ignored silently");
    }
  }

  /** A message mentioned view {@code viewNum}; if it is newer than ours, ask the view service. */
  private void noticeView(long viewNum, Effects fx) {
    if (viewNum > view.viewNum()) {
      for (Address vs : viewServices) {
        fx.send(vs, new GetView());
      }
    }
  }

  private void learnView(View next, Effects fx) {
    if (next.viewNum() <= view.viewNum()) {
      return; // views only move forward
    }
    boolean wasPrimary = isPrimary();
    view = next;
    forwardTimerArmed = false;
    lossReported = false;
    outOfOrder.clear();
    appliedIndex = 0;
    receivedChunks = 0; // a transfer of an earlier view is useless now: the next starts at 0
    if (earlyTransferView == view.viewNum() && isBackup()) {
      // chunks of this view came before the view and were discarded: report the gap at once
      fx.send(view.primary(), new StateTransferAck(view.viewNum(), -1, earlyTransferUpTo));
    }
    if (earlyTransferView <= view.viewNum()) { // kept while a later view is still to come
      earlyTransferView = 0;
      earlyTransferUpTo = 0;
    }
    if (isPrimary()) {
      if (!wasPrimary) {
        log.clear(); // a former backup starts with what it applied; clients retry the rest
        primarySince = view.viewNum();
        if (config.expiresSessions()) {
          fx.setTimer(new SweepTick(primarySince), config.sweepIntervalMillis());
        }
      }
      log.renumberForNewView(); // unacknowledged ops are re-sent after the transfer
      if (view.hasBackup()) {
        transferDone = false;
        // Rule 5 keeps the store unchanged while the transfer runs, so it streams from the live
        // store; with rule switches (tests only) the store may change, so it streams from a copy.
        transfer =
            new OutgoingTransfer(
                view.viewNum(),
                app,
                !config.rules().isEmpty(),
                !config.breaks(RuleSwitch.TRANSFER_WITHOUT_AMO),
                config.breaks(RuleSwitch.AMO_TABLE_WHOLE));
        if (config.breaks(RuleSwitch.ACK_VIEW_BEFORE_TRANSFER)) {
          accept(fx);
        }
        sendChunks(fx);
        setRetryTimer(
            new TransferRetry(view.viewNum(), 0, config.transferRetryMillis()),
            config.transferRetryMillis(),
            config.transferRetryMillis(),
            fx);
      } else {
        finishTransfer(fx);
      }
    } else {
      log.clear();
      transferDone = false;
      transfer = null;
      accept(fx);
    }
  }

  /** Accepts the current view: from now on, pings ack it. */
  private void accept(Effects fx) {
    if (acceptedViewNum != view.viewNum()) {
      acceptedViewNum = view.viewNum();
      pingViewServices(fx); // ack at once, not at the next tick
    }
  }

  // --- primary: state transfer (rule 5) -------------------------------------------------------

  /** Sends the next chunks of the transfer, up to the window of unacknowledged ones. */
  private void sendChunks(Effects fx) {
    for (StateTransfer chunk :
        transfer.nextChunks(app, config.transferChunkBytes(), config.transferWindowChunks())) {
      fx.send(view.backup(), chunk);
    }
  }

  /**
   * No chunk acknowledged for a whole interval: back off (docs/design.md §4.2). The chunks may
   * still be on their way (a slow link), so nothing is re-sent; only if the runtime reported a loss
   * since the last probe ({@link #onConnectionReset}) does the primary probe the backup with the
   * last chunk sent, and the backup's answer reports the gap, which alone is re-sent ({@link
   * #handleStateTransferAck}). With {@code RETRY_RESENDS_EVERYTHING}, the old go-back-N: every
   * unacknowledged chunk again, at a fixed interval.
   */
  private void onTransferRetry(TransferRetry retry, Effects fx) {
    if (retry.viewNum() != view.viewNum() || !isPrimary() || transferDone || transfer == null) {
      return; // stale: the transfer of that view is over
    }
    boolean progress = transfer.ackedChunks() != retry.ackedChunks();
    long base = config.transferRetryMillis();
    long next;
    if (config.breaks(RuleSwitch.RETRY_RESENDS_EVERYTHING)) {
      if (!progress) {
        for (StateTransfer chunk : transfer.unacked()) {
          fx.send(view.backup(), chunk);
        }
      }
      next = base;
    } else {
      List<StateTransfer> unacked = transfer.unacked();
      if (!progress && lossReported && !unacked.isEmpty()) {
        lossReported = false;
        fx.send(
            view.backup(),
            new TransferProbe(view.viewNum(), unacked.get(unacked.size() - 1).chunkIndex()));
      }
      next = Backoff.next(base, config.retryCapMillis(), retry.intervalMillis(), progress);
    }
    setRetryTimer(new TransferRetry(view.viewNum(), transfer.ackedChunks(), next), base, next, fx);
  }

  /**
   * Sets a retry timer of {@code millis} whose back-off starts at {@code baseMillis}: with a jitter
   * while back-off is on, exact with {@code RETRY_RESENDS_EVERYTHING} (the old fixed interval).
   */
  private void setRetryTimer(Timer timer, long baseMillis, long millis, Effects fx) {
    long max =
        config.breaks(RuleSwitch.RETRY_RESENDS_EVERYTHING)
            ? millis
            : Backoff.maxWithJitter(baseMillis, config.retryCapMillis(), millis);
    fx.setTimer(timer, millis, max);
  }

  private void handleStateTransferAck(Address from, StateTransferAck ack, Effects fx) {
    if (ack.viewNum() != view.viewNum()
        || !isPrimary()
        || !from.equals(view.backup())
        || transferDone
        || transfer == null) {
      return;
    }
    transfer.acknowledge(ack.chunkIndex());
    if (transfer.isComplete()) {
      finishTransfer(fx);
      return;
    }
    if (ack.reportsGap() && !config.breaks(RuleSwitch.RETRY_RESENDS_EVERYTHING)) {
      // the answer to a probe: chunks up to its bound were sent before it and are missing
      for (StateTransfer chunk : transfer.unacked()) {
        if (chunk.chunkIndex() <= ack.gapUpTo()) {
          fx.send(view.backup(), chunk);
        }
      }
    }
    sendChunks(fx);
  }

  /** The backup holds the state (or there is no backup): ack the view and start serving. */
  private void finishTransfer(Effects fx) {
    transferDone = true;
    transfer = null;
    accept(fx);
    if (view.hasBackup()) {
      sendForwards(fx);
    } else {
      for (LogEntry entry : log.drainAll()) {
        execute(entry, fx);
      }
    }
  }

  // --- primary: client requests and forwarding (rules 2 and 4) ------------------------------

  private void handleRequest(Address client, Request request, Effects fx) {
    noticeView(request.viewNum(), fx);
    if (!isPrimary()) {
      if (config.breaks(RuleSwitch.NON_PRIMARY_SERVES) && view.viewNum() > 0) {
        execute(new Op(client, request.seq(), request.command()), fx); // rule 4 broken
        return;
      }
      fx.send(client, new WrongServer(request.seq(), view)); // rule 4
      return;
    }
    Result cached = app.cachedResult(client.name(), request.seq());
    if (cached != null) {
      reply(client, request.seq(), cached, fx); // at-most-once: answered without re-executing
      return;
    }
    if (app.alreadyExecuted(client.name(), request.seq()) || log.contains(client, request.seq())) {
      return; // a stale duplicate, or already queued: the reply will come from the queue
    }
    Result refused = refuseOverLimit(request);
    if (refused != null) {
      reply(client, request.seq(), refused, fx); // never executed, never forwarded
      return;
    }
    Op op = new Op(client, request.seq(), request.command());
    if (!transferDone) {
      if (config.breaks(RuleSwitch.SERVE_DURING_TRANSFER)) {
        execute(op, fx); // rule 5 broken: an op between snapshot and transfer, never forwarded
      } else if (log.size() < config.maxQueuedOps()) {
        log.add(op); // held until the backup has the state
      }
      return;
    }
    if (!view.hasBackup()) {
      execute(op, fx);
      return;
    }
    if (config.breaks(RuleSwitch.SERVE_READS_LOCALLY) && op.command().isRead()) {
      execute(op, fx); // rule 2 broken for reads
      return;
    }
    if (log.size() >= config.maxQueuedOps()) {
      return; // overloaded: the client retries
    }
    log.add(op);
    if (config.breaks(RuleSwitch.REPLY_BEFORE_BACKUP_ACK)) {
      execute(op, fx); // rule 2 broken: executed before the backup has it
    }
    sendForwards(fx);
  }

  /**
   * The error that refuses a request over the size limits (docs/design.md §10), or {@code null}. An
   * append is refused when the value it produces could exceed the value limit: the key's current
   * value plus every write to the key still in the log (an upper bound, so a value never exceeds
   * the limit whatever order they execute in).
   */
  private Result refuseOverLimit(Request request) {
    if (config.breaks(RuleSwitch.IGNORE_SIZE_LIMITS)) {
      return null;
    }
    dev.pbkv.kv.SizeLimits limits = config.sizeLimits();
    dev.pbkv.kv.SizeLimits.Violation v = limits.check(request.command());
    if (v == null && request.command() instanceof dev.pbkv.kv.Command.Append a) {
      String now = app.get(a.key());
      long base = (now == null ? 0L : now.length()) + a.value().length();
      // the writes queued to every key bound those to this one; only if that bound is over the
      // limit does the log need a scan for this key's own
      v = limits.checkAppendResult(base + log.pendingWrittenBytes());
      if (v != null) {
        v = limits.checkAppendResult(base + log.pendingValueBytes(a.key()));
      }
    }
    return v == null ? null : new Result.Error(v.message());
  }

  private void sendForwards(Effects fx) {
    Forward forward;
    boolean sent = false;
    while ((forward =
            log.nextForward(
                view.viewNum(),
                config.maxForwardsInFlight(),
                config.maxBatchOps(),
                config.maxBatchBytes()))
        != null) {
      fx.send(view.backup(), forward);
      sent = true;
    }
    if (sent && !forwardTimerArmed) {
      armForwardTimer(fx, config.forwardRetryMillis());
    }
  }

  private void armForwardTimer(Effects fx, long millis) {
    forwardTimerArmed = true;
    setRetryTimer(
        new ForwardRetry(view.viewNum(), log.executedIndex(), millis),
        config.forwardRetryMillis(),
        millis,
        fx);
  }

  private void onForwardRetry(ForwardRetry retry, Effects fx) {
    if (retry.viewNum() != view.viewNum() || !isPrimary() || !forwardTimerArmed) {
      return; // stale
    }
    forwardTimerArmed = false;
    if (!log.hasUnacked()) {
      return;
    }
    boolean progress = log.executedIndex() != retry.ackedIndex();
    long base = config.forwardRetryMillis();
    long next;
    if (config.breaks(RuleSwitch.RETRY_RESENDS_EVERYTHING)) {
      if (!progress) {
        log.resendAll(); // go-back-N: assume every unacknowledged forward was lost
      }
      next = base;
    } else {
      if (!progress && lossReported) {
        // No ack for a whole interval, and the runtime reported a loss: probe behind what was
        // sent instead of re-sending it; the answer reports the gap, if any. Without a report
        // the forwards are still on their way (a slow link): nothing is sent, the retry backs off.
        lossReported = false;
        fx.send(view.backup(), new ForwardProbe(view.viewNum(), log.sentIndex()));
      }
      next = Backoff.next(base, config.retryCapMillis(), retry.intervalMillis(), progress);
    }
    armForwardTimer(fx, next);
    sendForwards(fx);
  }

  private void handleForwardAck(Address from, ForwardAck ack, Effects fx) {
    noticeView(ack.viewNum(), fx);
    if (ack.viewNum() != view.viewNum()
        || !isPrimary()
        || !from.equals(view.backup())
        || !transferDone) {
      return; // an ack from another view or another server says nothing about this backup
    }
    for (LogEntry entry : log.acknowledge(ack.appliedIndex())) {
      if (entry instanceof Op && config.breaks(RuleSwitch.REPLY_BEFORE_BACKUP_ACK)) {
        continue; // executed already when it arrived
      }
      execute(entry, fx);
    }
    if (ack.reportsGap() && !config.breaks(RuleSwitch.RETRY_RESENDS_EVERYTHING)) {
      // the answer to a probe: these were forwarded before it and never reached the backup
      for (Forward forward :
          log.resendRange(view.viewNum(), ack.appliedIndex() + 1, ack.gapUpTo())) {
        fx.send(view.backup(), forward);
      }
      lossReported = true; // the report names the first gap only: probe again for the next
    }
    sendForwards(fx);
  }

  /** Executes a log entry at the primary: a client op (and replies), or a sweep. */
  private void execute(LogEntry entry, Effects fx) {
    if (entry instanceof Op op) {
      Result result =
          app.execute(
              op.client().name(),
              op.seq(),
              op.command(),
              config.breaks(RuleSwitch.AMO_TABLE_WHOLE));
      executedOps++;
      if (result != null) {
        reply(op.client(), op.seq(), result, fx);
      }
    } else {
      app.sweep();
    }
  }

  // --- primary: session expiry --------------------------------------------------------------

  /**
   * Time to sweep: the primary appends a {@link Sweep} to its log like an op (forwarded, executed
   * once the backup applied it). At most one sweep waits in the log at a time: a primary that
   * cannot make progress sweeps less often, which only keeps sessions longer.
   */
  private void onSweepTick(SweepTick tick, Effects fx) {
    if (!isPrimary() || tick.primarySince() != primarySince) {
      return; // stale: from an earlier term as primary, or no longer primary
    }
    fx.setTimer(new SweepTick(primarySince), config.sweepIntervalMillis());
    if (log.hasQueuedSweep() || log.size() >= config.maxQueuedOps()) {
      return;
    }
    if ((transferDone && !view.hasBackup()) || config.breaks(RuleSwitch.SWEEP_WITHOUT_BACKUP)) {
      app.sweep(); // with a backup, the switch breaks expiry: the backup never applies this sweep
      return;
    }
    log.add(new Sweep()); // held until the transfer is done, like an op (rule 5)
    if (transferDone) {
      sendForwards(fx);
    }
  }

  private void reply(Address client, long seq, Result result, Effects fx) {
    fx.send(client, new Reply(seq, result));
  }

  // --- backup (rule 3) --------------------------------------------------------------------

  /**
   * Installs the chunks of this view's state transfer strictly in order: chunk 0 replaces the state
   * (and brings the at-most-once table), later ones add data, the last one completes it. A chunk of
   * another view, from another server, or out of order is not installed; a duplicate of an
   * installed chunk is acknowledged again (its ack may have been lost) and ignored.
   */
  private void handleStateTransfer(Address from, StateTransfer chunk, Effects fx) {
    noticeView(chunk.viewNum(), fx);
    if (chunk.viewNum() > view.viewNum()) {
      // A view we have not learned yet (noticeView asked for it): the chunk is discarded, but
      // remembered by its bounds, so that the gap is reported once we learn the view (learnView).
      rememberEarly(chunk.viewNum(), chunk.chunkIndex());
      return;
    }
    if (chunk.viewNum() != view.viewNum() || !isBackup() || !from.equals(view.primary())) {
      return; // not for our view
    }
    if (installedViewNum != view.viewNum() && chunk.chunkIndex() == receivedChunks) {
      if (chunk.chunkIndex() == 0) {
        app = AmoApplication.fromChunk(chunk.data(), chunk.sessions(), chunk.sweeps());
      } else if (config.breaks(RuleSwitch.TRANSFER_SKIPS_LATER_CHUNKS)) {
        // broken on purpose: acknowledged below, never installed
      } else {
        app.installChunk(chunk.data(), chunk.sessions());
      }
      receivedChunks++;
      if (chunk.lastChunk()) {
        installedViewNum = view.viewNum(); // once per view: a later duplicate is ignored
        appliedIndex = 0;
        outOfOrder.clear();
      }
    }
    if (installedViewNum != view.viewNum() && chunk.chunkIndex() > receivedChunks) {
      // a chunk after a gap, not installed: over a FIFO link the chunks before it were lost (a
      // link that reorders merely overtook them); report the gap up to it, which the primary
      // re-sends (docs/design.md §4.2)
      fx.send(from, new StateTransferAck(view.viewNum(), receivedChunks - 1, chunk.chunkIndex()));
    } else if (receivedChunks > 0) {
      fx.send(from, new StateTransferAck(view.viewNum(), receivedChunks - 1));
    }
  }

  /**
   * The primary's transfer retry asks how far this backup got (docs/design.md §4.2): a plain ack if
   * it installed every chunk up to the probe's bound, else an ack reporting the gap up to it.
   */
  private void handleTransferProbe(Address from, TransferProbe probe, Effects fx) {
    noticeView(probe.viewNum(), fx);
    if (probe.viewNum() > view.viewNum()) {
      rememberEarly(probe.viewNum(), probe.upToChunk()); // answered once we learn the view
      return;
    }
    if (probe.viewNum() != view.viewNum() || !isBackup() || !from.equals(view.primary())) {
      return; // not for our view, as for a chunk
    }
    int installed = receivedChunks - 1; // -1: none yet
    fx.send(
        from,
        installed >= probe.upToChunk()
            ? new StateTransferAck(view.viewNum(), installed)
            : new StateTransferAck(view.viewNum(), installed, probe.upToChunk()));
  }

  /** Chunks up to {@code chunkIndex} of view {@code viewNum}, not learned yet, were discarded. */
  private void rememberEarly(long viewNum, int chunkIndex) {
    if (viewNum != earlyTransferView) {
      earlyTransferView = viewNum;
      earlyTransferUpTo = chunkIndex;
    } else {
      earlyTransferUpTo = Math.max(earlyTransferUpTo, chunkIndex);
    }
  }

  /**
   * The primary's forward retry asks how far this backup got (docs/design.md §4.1): a plain ack if
   * it applied everything up to the probe's bound, else an ack reporting the first gap (up to the
   * first entry it holds beyond the gap, or the bound). A probe of another view, or before the
   * transfer is installed, is rejected as a forward would be.
   */
  private void handleForwardProbe(Address from, ForwardProbe probe, Effects fx) {
    noticeView(probe.viewNum(), fx);
    if (!acceptsForwards(probe.viewNum(), from)) {
      fx.send(from, new ForwardReject(probe.viewNum(), view, rejectReason(probe.viewNum(), from)));
      return;
    }
    if (appliedIndex >= probe.upToIndex()) {
      fx.send(from, new ForwardAck(view.viewNum(), appliedIndex));
      return;
    }
    long gapUpTo =
        outOfOrder.isEmpty()
            ? probe.upToIndex()
            : Math.min(probe.upToIndex(), outOfOrder.firstKey() - 1);
    fx.send(from, new ForwardAck(view.viewNum(), appliedIndex, gapUpTo));
  }

  /** Rule 3: whether a forward of {@code viewNum} from {@code from} is for this backup's view. */
  private boolean acceptsForwards(long viewNum, Address from) {
    return viewNum == view.viewNum()
        && isBackup()
        && from.equals(view.primary())
        && installedViewNum == view.viewNum();
  }

  private void handleForward(Address from, Forward forward, Effects fx) {
    noticeView(forward.viewNum(), fx);
    if (!acceptsForwards(forward.viewNum(), from)) {
      if (config.breaks(RuleSwitch.BACKUP_ACCEPTS_ANY_VIEW)) {
        for (LogEntry entry : forward.entries()) { // rule 3 broken: applied whatever view
          applyEntry(entry);
        }
        fx.send(from, new ForwardAck(forward.viewNum(), forward.lastIndex()));
        return;
      }
      fx.send(
          from, new ForwardReject(forward.viewNum(), view, rejectReason(forward.viewNum(), from)));
      return;
    }
    long index = forward.firstIndex();
    for (LogEntry entry : forward.entries()) {
      if (index == appliedIndex + 1) {
        apply(entry);
      } else if (index > appliedIndex + 1 && outOfOrder.size() < config.maxQueuedOps()) {
        outOfOrder.put(index, entry); // a gap: wait for the missing forward
      }
      index++;
    }
    LogEntry next;
    while ((next = outOfOrder.remove(appliedIndex + 1)) != null) {
      apply(next);
    }
    outOfOrder.headMap(appliedIndex, true).clear();
    long acked =
        config.breaks(RuleSwitch.BACKUP_ACKS_BEFORE_APPLY)
            ? Math.max(appliedIndex, forward.lastIndex()) // broken: acks what it has not applied
            : appliedIndex;
    fx.send(from, new ForwardAck(view.viewNum(), acked));
  }

  private void apply(LogEntry entry) {
    applyEntry(entry);
    appliedIndex++;
  }

  /** Applies a log entry at the backup: the same effect on the state as at the primary. */
  private void applyEntry(LogEntry entry) {
    if (entry instanceof Op op) {
      app.execute(
          op.client().name(), op.seq(), op.command(), config.breaks(RuleSwitch.AMO_TABLE_WHOLE));
    } else {
      app.sweep();
    }
  }

  private String rejectReason(long viewNum, Address from) {
    if (viewNum != view.viewNum()) {
      return "forward of view " + viewNum + " but backup is in view " + view.viewNum();
    }
    if (!isBackup()) {
      return self + " is not the backup of view " + view.viewNum();
    }
    if (!from.equals(view.primary())) {
      return from + " is not the primary of view " + view.viewNum();
    }
    return "state transfer of view " + view.viewNum() + " not installed yet";
  }

  // --- read-only state ------------------------------------------------------------------------

  public Address address() {
    return self;
  }

  /** The newest view this server has learned. */
  public View view() {
    return view;
  }

  /** The newest view this server has accepted (and pings with). */
  public long acceptedViewNum() {
    return acceptedViewNum;
  }

  /** True if this incarnation is the primary of its view. */
  public boolean isPrimary() {
    return view.isPrimary(self, bootId);
  }

  /** True if this incarnation is the backup of its view. */
  public boolean isBackup() {
    return view.isBackup(self, bootId);
  }

  /** True when this server is the primary of its view and may execute client requests. */
  public boolean isServing() {
    return isPrimary() && transferDone;
  }

  /** True when this server is the backup of its view and holds that view's state. */
  public boolean hasInstalledState() {
    return isBackup() && installedViewNum == view.viewNum();
  }

  /** The value of {@code key} in this server's copy of the store (for tests and diagnostics). */
  public String valueOf(String key) {
    return app.get(key);
  }

  /** A copy of this server's replicated state: data and at-most-once table (for checks). */
  public Snapshot stateSnapshot() {
    return app.snapshot();
  }

  /** How many keys this server's copy of the store holds. */
  public int storeSize() {
    return app.size();
  }

  /**
   * Puts an entry straight into this server's store, outside the protocol, before it has learned
   * any view (to measure a state transfer of a big store without first writing it through clients).
   *
   * @throws IllegalStateException once the server is in a view
   */
  public void preload(String key, String value) {
    if (view.viewNum() != 0) {
      throw new IllegalStateException("preload only before the first view; in " + view);
    }
    app.preload(key, value);
  }

  /** The encoded bytes of the keys and values this server's copy of the store holds. */
  public long storeBytes() {
    return app.storeBytes();
  }

  /** About how many bytes this server's at-most-once table holds ({@code tableBytes}). */
  public long amoTableBytes() {
    return app.tableBytes();
  }

  /** How many at-most-once sessions this server's state holds. */
  public int sessionCount() {
    return app.sessionCount();
  }

  /**
   * This server's view of itself for {@code pbkv info} (docs/design.md §5): what the node knows,
   * without a clock. Sections: server, replication, keyspace, clients, stats.
   */
  public ClientMessage.Info info() {
    List<ClientMessage.Info.Field> f = new ArrayList<>();
    java.util.function.BiConsumer<String, String[]> add =
        (section, kv) -> {
          for (int i = 0; i < kv.length; i += 2) {
            f.add(new ClientMessage.Info.Field(section, kv[i], kv[i + 1]));
          }
        };
    String role =
        isPrimary()
            ? "primary"
            : isBackup() ? "backup" : view.isMember(self) ? "restarted" : "idle";
    add.accept("server", new String[] {"address", self.name(), "boot_id", Long.toString(bootId)});
    add.accept(
        "replication",
        new String[] {
          "role", role,
          "view", Long.toString(view.viewNum()),
          "view_primary", view.primary() == null ? "none" : view.primary().name(),
          "view_backup", view.backup() == null ? "none" : view.backup().name(),
          "accepted_view", Long.toString(acceptedViewNum),
          "serving", Boolean.toString(isServing()),
          "transfer", transferProgress(),
          "backup_lag_ops", Integer.toString(isPrimary() ? log.size() : 0)
        });
    add.accept(
        "keyspace",
        new String[] {"keys", Integer.toString(app.size()), "bytes", Long.toString(storeBytes())});
    add.accept(
        "clients",
        new String[] {
          "sessions",
          Integer.toString(app.sessionCount()),
          "amo_table_bytes",
          Long.toString(app.tableBytes())
        });
    add.accept("stats", new String[] {"ops_executed", Long.toString(executedOps)});
    return new ClientMessage.Info(f);
  }

  /** The state transfer of this view, in words: "none", "sending: …", "installed", … */
  private String transferProgress() {
    if (isPrimary()) {
      if (transfer != null) {
        return "sending to " + view.backup() + ": " + transfer.ackedChunks() + " chunks acked";
      }
      return view.backup() == null ? "none (no backup)" : "done";
    }
    if (isBackup()) {
      return hasInstalledState()
          ? "installed"
          : "receiving: " + receivedChunks + " chunks installed";
    }
    return "none";
  }

  /** Client ops this server executed as primary since it started (not protocol state). */
  public long executedOps() {
    return executedOps;
  }

  /** Ops waiting at the primary for the backup. */
  public int queuedOps() {
    return log.size();
  }

  public ServerConfig config() {
    return config;
  }

  // --- equality and copies over the protocol state (for the model checker) -----------------

  /** This incarnation's boot id. */
  public long bootId() {
    return bootId;
  }

  /** A deep copy of this node's protocol state. */
  public PbServer copy() {
    PbServer c = new PbServer(self, viewServices, viewSenders, bootId, config);
    c.view = view;
    c.acceptedViewNum = acceptedViewNum;
    c.app = app.copy();
    c.warnedViewSenders.addAll(warnedViewSenders);
    c.transferDone = transferDone;
    c.transfer = transfer == null ? null : transfer.copy();
    c.log.copyFrom(log);
    c.forwardTimerArmed = forwardTimerArmed;
    c.primarySince = primarySince;
    c.lossReported = lossReported;
    c.earlyTransferView = earlyTransferView;
    c.earlyTransferUpTo = earlyTransferUpTo;
    c.installedViewNum = installedViewNum;
    c.receivedChunks = receivedChunks;
    c.appliedIndex = appliedIndex;
    c.outOfOrder.putAll(outOfOrder);
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PbServer other
        && self.equals(other.self)
        && bootId == other.bootId
        && view.equals(other.view)
        && acceptedViewNum == other.acceptedViewNum
        && transferDone == other.transferDone
        && forwardTimerArmed == other.forwardTimerArmed
        && primarySince == other.primarySince
        && lossReported == other.lossReported
        && earlyTransferView == other.earlyTransferView
        && earlyTransferUpTo == other.earlyTransferUpTo
        && installedViewNum == other.installedViewNum
        && receivedChunks == other.receivedChunks
        && appliedIndex == other.appliedIndex
        && Objects.equals(transfer, other.transfer)
        && app.equals(other.app)
        && log.equals(other.log)
        && outOfOrder.equals(other.outOfOrder)
        && config.equals(other.config);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        self,
        bootId,
        view,
        acceptedViewNum,
        transferDone,
        installedViewNum,
        receivedChunks,
        appliedIndex,
        app,
        log,
        forwardTimerArmed,
        primarySince,
        transfer,
        outOfOrder);
  }

  @Override
  public String toString() {
    return "PbServer["
        + self
        + ", view="
        + view
        + ", accepted="
        + acceptedViewNum
        + (isServing() ? ", serving" : "")
        + (hasInstalledState() ? ", installed" : "")
        + ", "
        + log
        + "]";
  }
}
