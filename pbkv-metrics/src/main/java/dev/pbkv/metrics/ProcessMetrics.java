package dev.pbkv.metrics;

import dev.pbkv.net.NetRuntime;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The registry of one pbkv process: the JVM's memory, GC, threads, CPU and uptime, the runtime's
 * connections, refused frames, dropped sends and outbound bytes, and a {@code pbkv_build_info}
 * gauge with the process's role. Nodes add their own meters ({@link MeteredServer}, {@link
 * MeteredViewService}).
 */
public final class ProcessMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** A registry for a process of kind {@code process} ("server", "viewservice"). */
  public ProcessMetrics(String process, String version) {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("pbkv.build.info", () -> 1)
        .description("1, with the process's kind and pbkv's version as tags")
        .tag("process", process)
        .tag("version", version)
        .register(registry);
  }

  /** Adds the meters of {@code runtime}: connections, refused frames, dropped sends. */
  public ProcessMetrics watch(NetRuntime runtime) {
    Gauge.builder("pbkv.connections", runtime, NetRuntime::openConnections)
        .description("TCP connections open now, in both directions")
        .register(registry);
    FunctionCounter.builder("pbkv.frames.refused", runtime, NetRuntime::framesRefused)
        .description("frames refused (malformed or over the limit); each closed its connection")
        .register(registry);
    FunctionCounter.builder("pbkv.sends.dropped", runtime, NetRuntime::sendsDropped)
        .description("messages dropped because their peer was unreachable or its queue full")
        .register(registry);
    FunctionCounter.builder("pbkv.sends.dropped.full", runtime, NetRuntime::sendsDroppedFull)
        .description(
            "messages dropped because their connection held the outbound cap's bytes"
                + " (also in pbkv.sends.dropped)")
        .register(registry);
    Gauge.builder("pbkv.outbound.bytes", runtime, NetRuntime::outboundBytes)
        .description("bytes waiting to go out now, over all connections")
        .baseUnit("bytes")
        .register(registry);
    Gauge.builder("pbkv.outbound.cap.bytes", runtime, NetRuntime::outboundCapBytes)
        .description("the cap on the bytes waiting to go out on one connection")
        .baseUnit("bytes")
        .register(registry);
    return this;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text format of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
