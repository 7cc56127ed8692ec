package dev.pbkv.view;

import dev.pbkv.node.Timer;

/** Timers of the view service. */
public sealed interface ViewServiceTimer extends Timer {

  /** The liveness check, once per ping interval. */
  record CheckTick() implements ViewServiceTimer {}
}
