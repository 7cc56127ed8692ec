package dev.pbkv.node;

/**
 * What a handler may ask its runtime to do. Effects are buffered by the runtime and applied after
 * the handler returns; none of them blocks, and a send to an unreachable node is silently lost, as
 * the protocol expects.
 */
public interface Effects {

  /** Sends a message; it may be delayed, reordered, duplicated or lost. */
  void send(Address to, Message msg);

  /**
   * Sets a one-shot timer that fires after between {@code minMillis} and {@code maxMillis}
   * milliseconds. Timers are never cancelled; a handler ignores a timer that is no longer current.
   */
  void setTimer(Timer timer, long minMillis, long maxMillis);

  /** Sets a timer with an exact delay. */
  default void setTimer(Timer timer, long millis) {
    setTimer(timer, millis, millis);
  }

  /**
   * Reports something an operator should know, in one line: the TCP runtime logs it at WARN, the
   * simulator narrates it. It changes nothing in the protocol; by default it is dropped.
   */
  default void warn(String line) {}
}
