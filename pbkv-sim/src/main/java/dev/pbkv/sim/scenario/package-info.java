/**
 * The lecture's failure scenarios, scripted in the simulator (docs/design.md §6 and §9). Each
 * {@link Scenario} (split brain, missing writes, stale reads, old messages, the progress cases and
 * more, each a package-private class) narrates what happens in plain words and checks the outcome
 * the protocol must produce. {@link Scenarios} is the catalogue and the runner, {@link ScenarioRun}
 * the context a script runs in, and a {@link ScenarioResult} with its {@link Check}s is what a run
 * found. With a rule switch set, the same checks show the anomaly that the rule prevents. A
 * scenario is deterministic: its seed fixes every event.
 */
package dev.pbkv.sim.scenario;
