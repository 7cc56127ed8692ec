package dev.pbkv.sim;

import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;

/**
 * Observes a simulation, event by event (for narration, traces and checks). Times are virtual
 * microseconds. Every method has an empty default.
 */
public interface SimListener {
  /** A message left {@code from}; {@code id} links it to its delivery or drop. */
  default void onSend(long micros, long id, Address from, Address to, Message msg) {}

  /** A message reached its destination and is about to be handled. */
  default void onDeliver(long micros, long id, Address from, Address to, Message msg) {}

  /** A message was lost; {@code reason} says why. */
  default void onDrop(long micros, long id, Address from, Address to, Message msg, String reason) {}

  /** A timer fired and is about to be handled. */
  default void onTimer(long micros, Address node, Timer timer) {}

  /** A fault or a scripted step happened (crash, restart, pause, partition, …). */
  default void onFault(long micros, String description) {}

  /** A node finished handling an event; {@code node} is its current state. */
  default void onHandled(long micros, Address address, Node node) {}

  /** A node reported something an operator should know ({@code Effects.warn}). */
  default void onWarn(long micros, Address node, String line) {}
}
