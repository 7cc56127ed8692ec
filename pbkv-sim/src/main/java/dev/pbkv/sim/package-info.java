/**
 * The deterministic simulator (docs/design.md §8). {@link Simulation} runs nodes in virtual time on
 * one thread, with one event queue ordered by (time, sequence), a seeded network that delays,
 * drops, duplicates and replays messages, and named faults (partition, cut, crash, restart, pause).
 * A seed reproduces a run event for event: every purpose draws from its own stream ({@link
 * SimRandom}). {@link Cluster} scripts a primary/backup deployment and records its client history;
 * {@link RandomRun} and {@link Swarm} run random workloads under random faults and check safety and
 * liveness; {@link LogicalClocks} and {@link TraceRecorder} stamp and record traces. The package
 * depends on pbkv-core, pbkv-trace and pbkv-lincheck, never on the TCP runtime.
 */
package dev.pbkv.sim;
