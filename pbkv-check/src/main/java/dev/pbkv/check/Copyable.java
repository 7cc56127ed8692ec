package dev.pbkv.check;

import dev.pbkv.node.Node;

/**
 * A node the model checker can copy. Its {@code equals}/{@code hashCode} must cover its protocol
 * state (the checks mode of {@link Search#checks} tests that).
 */
public interface Copyable extends Node {
  /** A deep copy of the protocol state. */
  Copyable copy();
}
