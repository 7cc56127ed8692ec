package dev.pbkv.check;

import java.util.List;

/**
 * What a search found.
 *
 * @param outcome how it ended
 * @param state the violating or goal state (null otherwise)
 * @param predicate the invariant broken or the goal reached (null otherwise)
 * @param depth the deepest level explored (BFS) or the longest probe (DFS)
 * @param states distinct states (BFS) or generated states (DFS)
 * @param elapsedMillis wall-clock time
 * @param seed the DFS seed (0 for BFS)
 */
public record SearchResult(
    Outcome outcome,
    SearchState state,
    StatePredicate predicate,
    int depth,
    long states,
    long elapsedMillis,
    long seed) {

  /** The events from the root to {@link #state()}: shortest for BFS. */
  public List<Event> trace() {
    return state == null ? List.of() : state.trace();
  }

  public double statesPerSecond() {
    return states * 1000.0 / Math.max(1, elapsedMillis);
  }

  /** A one-line summary. */
  public String summary() {
    return outcome
        + (predicate == null ? "" : " (" + predicate + ")")
        + ", depth "
        + depth
        + ", "
        + states
        + " states in "
        + elapsedMillis
        + " ms ("
        + Math.round(statesPerSecond())
        + "/s)"
        + (state == null ? "" : ", trace of " + trace().size() + " events")
        + (seed != 0 ? ", seed " + seed : "");
  }

  /** The trace, one event per line. */
  public String traceText() {
    StringBuilder sb = new StringBuilder();
    int i = 1;
    for (Event e : trace()) {
      sb.append(String.format("%3d. %s%n", i++, e));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return summary();
  }
}
