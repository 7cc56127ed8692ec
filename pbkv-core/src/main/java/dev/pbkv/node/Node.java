package dev.pbkv.node;

/**
 * A protocol participant as a deterministic state machine (sans-IO).
 *
 * <p>Contract for implementations: every handler runs to completion and only changes the node's own
 * state and asks for effects through {@link Effects}. A handler must not block, sleep, start
 * threads, take locks, read a clock, use unseeded randomness, iterate a hash-ordered collection or
 * touch static mutable state. Given the same state and the same input, a handler produces the same
 * new state and the same effects. This is what lets the simulator, the model checker and the TCP
 * runtime drive the same classes.
 */
public interface Node {

  /** Called once when the node starts (or restarts as a fresh node); typically sets timers. */
  void init(Effects fx);

  /**
   * Handles one message. Any {@link Message} may arrive (a misrouted, replayed or forged one, or
   * another protocol's): a node handles the ones its role uses and ignores the rest, and never
   * throws on one.
   */
  void onMessage(Address from, Message msg, Effects fx);

  /** Handles one timer that was set earlier. Stale timers are recognised and ignored. */
  void onTimer(Timer timer, Effects fx);

  /**
   * The runtime's report that messages between this node and {@code peer} may have been lost: a
   * connection to it broke (or could not be opened), or the runtime dropped a send to it at its
   * outbound cap. Over a FIFO connection those are the only losses, so a node can repair exactly
   * then instead of re-sending what the transport still holds (docs/design.md §4.1). A handler
   * should only note the report and act at its next timer: sends made here may be dropped and
   * reported again. By default ignored.
   */
  default void onConnectionReset(Address peer, Effects fx) {}
}
