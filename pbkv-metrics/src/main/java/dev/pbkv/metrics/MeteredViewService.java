package dev.pbkv.metrics;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * A {@link ViewServer} with metrics: pings and view requests received, view changes, the current
 * view and whether its primary has acked it, and how many servers are alive. Like {@link
 * MeteredServer}, it watches from outside and leaves the protocol class unchanged.
 */
public final class MeteredViewService implements Node {
  private final ViewServer viewServer;
  private final Counter pings;
  private final Counter viewRequests;
  private final Counter viewChanges;
  private volatile long viewNum;
  private volatile boolean acked;
  private volatile long serversAlive;
  private volatile long serversKnown;

  public MeteredViewService(ViewServer viewServer, MeterRegistry registry) {
    this.viewServer = viewServer;
    this.pings =
        Counter.builder("pbkv.viewservice.pings")
            .description("pings received from servers")
            .register(registry);
    this.viewRequests =
        Counter.builder("pbkv.viewservice.view.requests")
            .description("GetView and GetStatus requests received (clients, status)")
            .register(registry);
    this.viewChanges =
        Counter.builder("pbkv.viewservice.view.changes")
            .description("new views made by this view service")
            .register(registry);
    Gauge.builder("pbkv.view.number", this, m -> m.viewNum)
        .description("the current view")
        .register(registry);
    Gauge.builder("pbkv.view.acked", this, m -> m.acked ? 1 : 0)
        .description("1 when the current view's primary has acked it")
        .register(registry);
    Gauge.builder("pbkv.viewservice.servers.alive", this, m -> m.serversAlive)
        .description("servers that pinged within the dead interval")
        .register(registry);
    Gauge.builder("pbkv.viewservice.servers.known", this, m -> m.serversKnown)
        .description("servers the view service has heard from, dead ones included")
        .register(registry);
  }

  /** The view service wrapped. */
  public ViewServer viewServer() {
    return viewServer;
  }

  /** Copies the view service's state into the gauges; call on the event loop. */
  public void sample() {
    var status = viewServer.status();
    viewNum = status.view().viewNum();
    acked = status.acked();
    serversKnown = status.servers().size();
    serversAlive = status.servers().stream().filter(s -> s.alive()).count();
  }

  @Override
  public void init(Effects fx) {
    viewServer.init(fx);
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    long before = viewServer.view().viewNum();
    if (msg instanceof ViewServiceMessage.Ping) {
      pings.increment();
    } else if (msg instanceof ViewServiceMessage.GetView
        || msg instanceof ViewServiceMessage.GetStatus) {
      viewRequests.increment();
    }
    viewServer.onMessage(from, msg, fx);
    if (viewServer.view().viewNum() != before) {
      viewChanges.increment();
    }
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    long before = viewServer.view().viewNum();
    viewServer.onTimer(timer, fx);
    if (viewServer.view().viewNum() != before) {
      viewChanges.increment();
    }
  }
}
