/**
 * The model checker (docs/model-checker.md). {@link Search} explores every delivery order of a
 * small configuration of the real nodes, built by {@link CheckSystem}: breadth-first for the
 * shortest counterexample, keeping 128-bit state fingerprints ({@code FingerprintSet}), or by
 * seeded random depth-first probes. A {@link SearchState} holds every node, the messages in flight
 * (a delivered message stays deliverable, which models duplication) and each node's pending timers;
 * {@link SearchSettings} and {@link Predicates} give the invariants, goals and prunes. {@link
 * SearchScenarios} are the named searches of {@code pbkv check}, each with the rule switches it
 * must catch; {@link CheckTrace} saves and replays what a search found, and {@link TraceExport}
 * turns it into a trace. The package depends on pbkv-core and pbkv-trace, not on the simulator.
 */
package dev.pbkv.check;
