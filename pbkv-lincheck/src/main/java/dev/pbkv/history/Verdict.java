package dev.pbkv.history;

/** The outcome of a linearizability check; only {@link #OK} counts as a pass. */
public enum Verdict {
  /** Every key's sub-history has a linearization. */
  OK,
  /** Some key's sub-history has none: the history is not linearizable. */
  ILLEGAL,
  /** The budget ran out before a verdict: neither a pass nor a proven violation. */
  UNKNOWN
}
