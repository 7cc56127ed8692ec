package dev.pbkv.check;

/** How a search ended. */
public enum Outcome {
  /** A state breaks an invariant. */
  INVARIANT_VIOLATED,
  /** A state reaches a goal. */
  GOAL_FOUND,
  /** Every reachable state (under the prunes) was explored. */
  SPACE_EXHAUSTED,
  /** The depth limit was reached with states still to explore. */
  DEPTH_EXHAUSTED,
  /** The time limit ran out. */
  TIME_EXHAUSTED,
  /**
   * The state budget ran out ({@link SearchSettings#maxStates}): a limit counted in work, so it
   * ends a search at the same point on a fast machine and on a busy one.
   */
  STATES_EXHAUSTED
}
