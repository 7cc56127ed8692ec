package dev.pbkv.node;

/**
 * A timer a node sets for itself. Every protocol defines its timers as records under a {@code
 * sealed} sub-interface of this one, carrying whatever the node needs to tell a current timer from
 * a stale one.
 */
public interface Timer {}
