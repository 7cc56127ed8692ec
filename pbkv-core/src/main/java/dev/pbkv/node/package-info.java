/**
 * The node model that every pbkv protocol is written in (docs/design.md §8). A {@link Node} is a
 * deterministic state machine: its handlers run to completion and act only through {@link Effects}
 * (send a message, set a timer), so the simulator, the model checker and the TCP runtime drive the
 * same classes. Nodes are named by {@link Address}, and each protocol defines its messages and
 * timers as records under a sealed sub-interface of {@link Message} and {@link Timer}. Timers are
 * never cancelled: a handler recognises a stale timer and ignores it. Nothing in pbkv-core may
 * block, start threads, take locks, read a clock, open a socket or use unseeded randomness.
 */
package dev.pbkv.node;
