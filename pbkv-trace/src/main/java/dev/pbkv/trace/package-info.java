/**
 * Traces of executions, and their pictures (docs/trace-format.md). A {@link Trace} is a list of
 * {@link TraceEvent}s, each stamped with its node's Lamport time and vector clock, stored as JSON
 * Lines; {@link TraceWriter} writes one as it happens, and {@link Trace#merge} combines the traces
 * of several processes. {@link DiagramRenderer} turns a trace into a self-contained HTML page with
 * an SVG space-time diagram, and {@link ShiVizExporter} into the ShiViz log format. The package
 * knows no protocol and depends on no other pbkv module: the simulator, the model checker and the
 * TCP runtime record the events.
 */
package dev.pbkv.trace;
