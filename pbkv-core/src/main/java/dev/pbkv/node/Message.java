package dev.pbkv.node;

/**
 * A message between nodes. Every protocol defines its messages as records under a {@code sealed}
 * sub-interface of this one. Messages are immutable values: the runtime may deliver the same
 * instance more than once.
 */
public interface Message {
  /** A short name for diagrams and traces, e.g. {@code "Forward v3 #7-9"}: type and key numbers. */
  default String label() {
    return getClass().getSimpleName();
  }
}
