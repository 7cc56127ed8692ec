package dev.pbkv.debug;

import java.util.List;

/**
 * The path a start point suggests: a scenario's own run in the simulator, or a model checker's
 * counterexample, as debugger actions. The page offers its next step; any other action leaves it (a
 * branch), and undo comes back to it.
 *
 * @param steps the actions, in order
 * @param story what the scenario or the search says along the way, each line placed after a number
 *     of steps
 */
public record Plan(List<PlanStep> steps, List<Line> story) {
  public Plan {
    steps = List.copyOf(steps);
    story = List.copyOf(story);
  }

  /**
   * One step of a plan.
   *
   * @param action what to do
   * @param micros when the original run did it (virtual time)
   * @param expect what the original run handled: the message ({@code FROM -> TO: MESSAGE}) or the
   *     timer text, compared when the step is taken (null: nothing to compare)
   */
  public record PlanStep(Action action, long micros, String expect) {}

  /** A line of the story, told once {@code afterSteps} steps of the plan are done. */
  public record Line(int afterSteps, String text) {}
}
