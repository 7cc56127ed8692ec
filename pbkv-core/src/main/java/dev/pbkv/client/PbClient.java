package dev.pbkv.client;

import dev.pbkv.client.ClientTimer.RetryTick;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
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
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.util.Objects;

/**
 * One client session (docs/design.md §5): caches the view, sends each command to the primary with a
 * new sequence number, and retries with the same number until it gets the result. It asks the view
 * service only when it has no view, on a retry, or after a rejection. One command is outstanding at
 * a time; a process runs many sessions for concurrency.
 *
 * <p>The session's address is its identity for at-most-once: a session must not be restarted at the
 * same address (it would reuse sequence numbers).
 */
public final class PbClient implements Node {
  private final Address self;
  private final java.util.List<Address> viewServices; // asked for the view, every one of them
  private final ClientConfig config;

  private View view = View.INITIAL;
  private long seq;
  private Command outstanding;
  private Result result;

  public PbClient(Address self, Address viewService, ClientConfig config) {
    this(self, java.util.List.of(Objects.requireNonNull(viewService, "viewService")), config);
  }

  /**
   * A session of a cluster whose view service is replicated (docs/design.md §2.2): it asks every
   * replica and keeps the newest view any of them names.
   */
  public PbClient(Address self, java.util.List<Address> viewServices, ClientConfig config) {
    this.self = Objects.requireNonNull(self, "self");
    if (viewServices.isEmpty()) {
      throw new IllegalArgumentException("a client needs at least one view-service address");
    }
    this.viewServices = java.util.List.copyOf(viewServices);
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public void init(Effects fx) {}

  /**
   * Starts {@code command}. Its result becomes available through {@link #takeResult()}.
   *
   * @throws IllegalStateException if a command is outstanding already
   */
  public void submit(Command command, Effects fx) {
    Objects.requireNonNull(command, "command");
    if (outstanding != null) {
      throw new IllegalStateException(self + " has command " + seq + " outstanding already");
    }
    seq++;
    outstanding = command;
    result = null;
    send(fx);
    setRetryTimer(config.retryMillis(), fx);
  }

  /** Arms the retry of the current request after {@code millis} (with the back-off's jitter). */
  private void setRetryTimer(long millis, Effects fx) {
    fx.setTimer(
        new RetryTick(seq, millis),
        millis,
        Backoff.maxWithJitter(config.retryMillis(), config.retryCapMillis(), millis));
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    if (msg instanceof Reply reply) {
      if (outstanding != null && reply.seq() == seq) {
        outstanding = null;
        result = reply.result();
      }
    } else if (msg instanceof WrongServer wrong) {
      if (outstanding != null && wrong.seq() == seq) {
        if (!learnView(wrong.view(), fx)) {
          askViewServices(fx);
        }
      }
    } else if (msg instanceof ViewReply reply) {
      learnView(reply.view(), fx);
    }
    // Anything else (a Ping, a Forward, a Status…) is misrouted: ignored, so a runtime's caller
    // sees its op complete or time out, never an exception (docs/design.md §8).
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    if (timer instanceof RetryTick retry) {
      if (outstanding != null && retry.seq() == seq) {
        if (config.breaks(RuleSwitch.CLIENT_RETRIES_WITH_NEW_SEQ)) {
          seq++; // at-most-once broken on purpose: the retry looks like a new request
        }
        askViewServices(fx);
        send(fx);
        // no answer for a whole interval: back off (docs/design.md §5)
        setRetryTimer(
            Backoff.next(
                config.retryMillis(), config.retryCapMillis(), retry.intervalMillis(), false),
            fx);
      }
    } else {
      throw new IllegalArgumentException("client: unknown timer " + timer);
    }
  }

  /**
   * Adopts a newer view and re-sends the outstanding request to its primary; false if not newer.
   */
  private boolean learnView(View next, Effects fx) {
    if (next.viewNum() <= view.viewNum()) {
      return false;
    }
    view = next;
    if (outstanding != null) {
      send(fx);
    }
    return true;
  }

  private void askViewServices(Effects fx) {
    for (Address vs : viewServices) {
      fx.send(vs, new GetView());
    }
  }

  private void send(Effects fx) {
    if (view.primary() == null) {
      askViewServices(fx);
    } else {
      fx.send(view.primary(), new Request(seq, outstanding, view.viewNum()));
    }
  }

  // --- for the runtime that drives this session ---------------------------------------------

  public Address address() {
    return self;
  }

  /** True while a command is outstanding. */
  public boolean isWaiting() {
    return outstanding != null;
  }

  /** The sequence number of the newest command. */
  public long seq() {
    return seq;
  }

  /** The cached view. */
  public View view() {
    return view;
  }

  /** The result of the newest command once it has arrived (then cleared), or {@code null}. */
  public Result takeResult() {
    Result r = result;
    result = null;
    return r;
  }

  /** A deep copy of this node's protocol state. */
  public PbClient copy() {
    PbClient c = new PbClient(self, viewServices, config);
    c.view = view;
    c.seq = seq;
    c.outstanding = outstanding;
    c.result = result;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PbClient other
        && self.equals(other.self)
        && seq == other.seq
        && view.equals(other.view)
        && Objects.equals(outstanding, other.outstanding)
        && Objects.equals(result, other.result);
  }

  @Override
  public int hashCode() {
    return Objects.hash(self, seq, view, outstanding, result);
  }

  @Override
  public String toString() {
    return "PbClient["
        + self
        + ", view="
        + view
        + ", seq="
        + seq
        + (outstanding != null ? ", waiting for " + outstanding : "")
        + "]";
  }
}
