/**
 * Metrics of a running pbkv process in the Prometheus text format: {@link MeteredServer} and {@link
 * MeteredViewService} wrap the protocol's nodes and count what goes in and out (the nodes
 * themselves stay free of clocks and metrics), {@link ProcessMetrics} adds the runtime's
 * connections and refused frames and the JVM's memory and GC, and {@link MetricsEndpoint} serves
 * {@code /metrics} over HTTP ({@code --metrics-listen}).
 */
package dev.pbkv.metrics;
