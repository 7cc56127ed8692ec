/**
 * The interactive debugger ({@code pbkv debug}, docs/design.md §7): the real protocol nodes stepped
 * one action at a time from a page in the browser. A {@link dev.pbkv.debug.World} is one immutable
 * state (nodes, messages in flight, timers, cut links, clocks, client ops, invariants); a {@link
 * dev.pbkv.debug.Session} is the tree of states the user grows with {@link dev.pbkv.debug.Action}s,
 * with undo and branches. A {@link dev.pbkv.debug.Start} comes from a scenario's own simulator run
 * ({@link dev.pbkv.debug.ScenarioStart}), a model checker's saved trace ({@link
 * dev.pbkv.debug.CheckStart}) or a saved session ({@link dev.pbkv.debug.SessionFile}); {@link
 * dev.pbkv.debug.DebugServer} serves the page on the loopback interface. It reuses the model
 * checker's messages, timers and node copies (pbkv-check), the scenarios (pbkv-sim), the
 * linearizability checker (pbkv-lincheck) and the space-time diagram (pbkv-trace).
 */
package dev.pbkv.debug;
