package dev.pbkv.check;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.view.ViewServer;
import java.util.Objects;

/**
 * The view service as the model checker restarts it (docs/design.md §2): a {@link ViewServer} that,
 * on a {@link Restart} message from the {@link ViewServiceCrasher}, is replaced by a fresh one that
 * resumes from a copy of its store, losing every other piece of its state. Its pending check tick
 * stays pending and serves the new incarnation, as the timer a restarted process sets at start.
 */
public final class RestartableViewServer implements Copyable {
  /** Crash the view service and start it again from its store. */
  public record Restart() implements Message {}

  private ViewServer inner;
  private int restarts;

  public RestartableViewServer(ViewServer inner) {
    this.inner = Objects.requireNonNull(inner, "inner");
  }

  /** The view service's current incarnation. */
  public ViewServer viewServer() {
    return inner;
  }

  /** How many times it restarted, up to 1 (counted for the state's identity only so far). */
  public int restarts() {
    return restarts;
  }

  @Override
  public void init(Effects fx) {
    inner.init(fx);
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    if (msg instanceof Restart) {
      ViewServer fresh = new ViewServer(inner.config(), inner.store().copy());
      fresh.init(
          new Effects() {
            @Override
            public void send(Address to, Message m) {
              fx.send(to, m);
            }

            @Override
            public void setTimer(Timer timer, long minMillis, long maxMillis) {
              // the check tick of the crashed incarnation is still pending: it serves this one
            }
          });
      inner = fresh;
      restarts = Math.min(restarts + 1, 1);
    } else {
      inner.onMessage(from, msg, fx);
    }
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    inner.onTimer(timer, fx);
  }

  @Override
  public RestartableViewServer copy() {
    RestartableViewServer c = new RestartableViewServer(inner.copy());
    c.restarts = restarts;
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RestartableViewServer other
        && restarts == other.restarts
        && inner.equals(other.inner);
  }

  @Override
  public int hashCode() {
    return inner.hashCode() * 31 + restarts;
  }

  @Override
  public String toString() {
    return inner + (restarts > 0 ? " (restarted)" : "");
  }

  /**
   * A node that makes the view service restart: once its timer fires, it sends {@link Restart}. The
   * message stays deliverable, as every message in the model checker, so the view service may
   * restart any number of times after that, at any point.
   */
  public static final class ViewServiceCrasher implements Copyable {
    /** Fires once: the crash. */
    public record Crash() implements Timer {}

    private final Address viewService;

    public ViewServiceCrasher(Address viewService) {
      this.viewService = viewService;
    }

    @Override
    public void init(Effects fx) {
      fx.setTimer(new Crash(), 0);
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {}

    @Override
    public void onTimer(Timer timer, Effects fx) {
      fx.send(viewService, new Restart());
    }

    @Override
    public ViewServiceCrasher copy() {
      return this; // no state
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ViewServiceCrasher;
    }

    @Override
    public int hashCode() {
      return 17;
    }

    @Override
    public String toString() {
      return "ViewServiceCrasher";
    }
  }

  static Node unwrap(Node n) {
    if (n instanceof ReplicatedViewService r) {
      return r.leader();
    }
    return n instanceof RestartableViewServer r ? r.viewServer() : n;
  }
}
