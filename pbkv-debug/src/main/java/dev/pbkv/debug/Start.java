package dev.pbkv.debug;

import dev.pbkv.rules.RuleSwitch;
import java.util.Map;
import java.util.Set;

/**
 * Where a debugging session begins: the nodes, the first state (for a model-checker trace every
 * node has started, as in the checker's initial state), the path the start point suggests, and how
 * to describe it — in the page, and in a saved session, which records {@code source} so that {@code
 * pbkv debug --replay} can build the same start again.
 *
 * @param title one line for the page's header
 * @param summary what this run is about
 * @param rules the rule switches broken on purpose
 * @param root the first state
 * @param plan the suggested path
 * @param source how to build this start again (saved in a session file)
 */
public record Start(
    String title,
    String summary,
    Set<RuleSwitch> rules,
    World root,
    Plan plan,
    Map<String, Object> source) {
  public Start {
    rules = Set.copyOf(rules);
    source = Map.copyOf(source);
  }
}
