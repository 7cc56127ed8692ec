package dev.pbkv.check;

import java.util.Objects;
import java.util.function.Predicate;

/** A named predicate over search states: an invariant, a goal or a prune. */
public record StatePredicate(String name, Predicate<SearchState> test) {
  public StatePredicate {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(test, "test");
  }

  public static StatePredicate of(String name, Predicate<SearchState> test) {
    return new StatePredicate(name, test);
  }

  public boolean holds(SearchState s) {
    return test.test(s);
  }

  @Override
  public String toString() {
    return name;
  }
}
