package dev.pbkv.check;

import dev.pbkv.rules.RuleSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A named search of a small configuration, in phases (the classic primary/backup search tests'
 * style): every phase but the last is a BFS to a goal, and the next phase searches on from the goal
 * state with its own settings (a server stopped, a partition, a client started). The last phase is
 * the search that matters: BFS for the shortest trace, or random DFS.
 *
 * @param name the name {@code pbkv check NAME} knows it by
 * @param description one line
 * @param system the configuration for a set of broken rules
 * @param phases the phases, in order
 * @param expected what the last phase should find with the correct protocol
 * @param catches the rule switches whose breakage the last phase must find as a violation
 */
public record SearchScenario(
    String name,
    String description,
    Function<Set<RuleSwitch>, CheckSystem> system,
    List<Phase> phases,
    Outcome expected,
    Set<RuleSwitch> catches) {

  /** One phase: its name and its settings (fresh for every run). */
  public record Phase(String name, Supplier<SearchSettings> settings) {}

  /** What a run found: one result per phase that ran. */
  public record Run(List<SearchResult> phases) {
    public SearchResult last() {
      return phases.get(phases.size() - 1);
    }

    /** The events of all phases, from the initial state. */
    public List<Event> fullTrace() {
      return last().state() == null ? List.of() : last().state().trace();
    }
  }

  /** The outcome the last phase must have: a violation if a caught switch is broken. */
  public Outcome expectedWith(Set<RuleSwitch> rules) {
    for (RuleSwitch r : rules) {
      if (catches.contains(r)) {
        return Outcome.INVARIANT_VIOLATED;
      }
    }
    return expected;
  }

  /** Whether {@code outcome} is what this scenario expects with {@code rules} broken. */
  public boolean isExpected(Outcome outcome, Set<RuleSwitch> rules) {
    Outcome e = expectedWith(rules);
    if (e == Outcome.INVARIANT_VIOLATED || e == Outcome.GOAL_FOUND) {
      return outcome == e;
    }
    // no violation expected: exhausting the space, the depth or the time without one is a pass
    return outcome != Outcome.INVARIANT_VIOLATED && outcome != Outcome.GOAL_FOUND
        || outcome == expected;
  }

  /**
   * Runs the phases with {@code rules} broken. {@code lastPhase} may adjust the last phase's
   * settings (depth, time); {@code dfsSeed} non-null runs the last phase as random DFS.
   */
  public Run run(
      Set<RuleSwitch> rules,
      Function<SearchSettings, SearchSettings> lastPhase,
      Long dfsSeed,
      Search.Stats stats) {
    SearchState state = system.apply(rules).initialState();
    List<SearchResult> results = new ArrayList<>();
    for (int i = 0; i < phases.size(); i++) {
      SearchSettings settings = phases.get(i).settings().get();
      boolean last = i == phases.size() - 1;
      SearchResult r;
      if (last) {
        settings = lastPhase.apply(settings);
        r =
            dfsSeed == null
                ? Search.bfs(state, settings, stats)
                : Search.dfs(state, settings, dfsSeed, stats);
      } else {
        r = Search.bfs(state, settings);
      }
      results.add(r);
      if (!last) {
        if (r.outcome() != Outcome.GOAL_FOUND) {
          return new Run(results); // the setup phase did not reach its goal: the run stops here
        }
        state = r.state();
      }
    }
    return new Run(results);
  }

  public Run run(Set<RuleSwitch> rules) {
    return run(rules, s -> s, null, new Search.Stats());
  }
}
