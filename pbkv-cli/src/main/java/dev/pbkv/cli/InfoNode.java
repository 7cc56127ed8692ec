package dev.pbkv.cli;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage.Info;
import java.util.List;
import java.util.Locale;

/**
 * Adds the runtime's part to a server's {@link Info} on its way out (docs/design.md §5): uptime,
 * ops per second and the version. The node has no clock; this wrapper does, so pbkv-core stays free
 * of one. Ops per second is the rate of the node's {@code stats.ops_executed} over the last whole
 * second or more between two events (pings keep events coming every ping interval).
 */
final class InfoNode implements Node {
  private final Node node;
  private final String version;
  private final long startNanos = System.nanoTime();
  private long sampleNanos = startNanos;
  private long sampleOps;
  private double opsPerSecond;
  private final java.util.function.LongSupplier executedOps;

  InfoNode(Node node, java.util.function.LongSupplier executedOps) {
    this.node = node;
    this.executedOps = executedOps;
    this.version = new Main.Version().getVersion()[0].replaceFirst("^pbkv ", "");
  }

  @Override
  public void init(Effects fx) {
    node.init(wrap(fx));
  }

  @Override
  public void onMessage(Address from, Message msg, Effects fx) {
    node.onMessage(from, msg, wrap(fx));
  }

  @Override
  public void onConnectionReset(Address peer, Effects fx) {
    node.onConnectionReset(peer, wrap(fx));
  }

  @Override
  public void onTimer(Timer timer, Effects fx) {
    node.onTimer(timer, wrap(fx));
  }

  private Effects wrap(Effects fx) {
    sample();
    return new Effects() {
      @Override
      public void send(Address to, Message msg) {
        fx.send(to, msg instanceof Info info ? info.with(runtime()) : msg);
      }

      @Override
      public void setTimer(Timer timer, long minMillis, long maxMillis) {
        fx.setTimer(timer, minMillis, maxMillis);
      }

      @Override
      public void warn(String line) {
        fx.warn(line);
      }
    };
  }

  private void sample() {
    long now = System.nanoTime();
    if (now - sampleNanos >= 1_000_000_000L) {
      long ops = executedOps.getAsLong();
      opsPerSecond = (ops - sampleOps) * 1e9 / (now - sampleNanos);
      sampleOps = ops;
      sampleNanos = now;
    }
  }

  private List<Info.Field> runtime() {
    long uptime = (System.nanoTime() - startNanos) / 1_000_000_000L;
    return List.of(
        new Info.Field("runtime", "uptime_seconds", Long.toString(uptime)),
        new Info.Field(
            "runtime", "ops_per_second", String.format(Locale.ROOT, "%.1f", opsPerSecond)),
        new Info.Field("runtime", "version", version),
        new Info.Field("runtime", "java", Runtime.version().toString()));
  }
}
