package dev.pbkv.view;

import dev.pbkv.node.Address;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The part of the view service's state that safety depends on, as it is written to a {@link
 * ViewStore} before any view is announced (docs/design.md §2): the current view (naming the
 * incarnation of each member), whether its primary acked it, and per address the incarnations the
 * view service has seen replaced (retired), so that a late ping from one of them is never taken for
 * a new incarnation. Liveness (who pinged when) is soft state and is not part of it.
 *
 * @param view the current view
 * @param acked whether the view's primary has acked it
 * @param retired per address, the retired boot ids, oldest first (at most {@link
 *     #MAX_RETIRED_PER_ADDRESS} each)
 */
public record DurableViewState(View view, boolean acked, Map<Address, List<Long>> retired) {
  /** How many retired boot ids are kept per address; older ones are forgotten. */
  public static final int MAX_RETIRED_PER_ADDRESS = 16;

  /** Nothing written yet: view 0 (which needs no ack), no retired incarnation. */
  public static final DurableViewState INITIAL = new DurableViewState(View.INITIAL, true, Map.of());

  public DurableViewState {
    Objects.requireNonNull(view, "view");
    TreeMap<Address, List<Long>> copy = new TreeMap<>();
    for (Map.Entry<Address, List<Long>> e : retired.entrySet()) {
      List<Long> ids = e.getValue();
      if (ids.size() > MAX_RETIRED_PER_ADDRESS) {
        throw new IllegalArgumentException(
            "at most " + MAX_RETIRED_PER_ADDRESS + " retired boot ids per address, got " + ids);
      }
      if (!ids.isEmpty()) {
        copy.put(Objects.requireNonNull(e.getKey()), List.copyOf(ids));
      }
    }
    retired = Collections.unmodifiableMap(copy);
  }

  /** Whether {@code bootId} is a retired incarnation of {@code server}. */
  public boolean isRetired(Address server, long bootId) {
    List<Long> ids = retired.get(server);
    return ids != null && ids.contains(bootId);
  }

  /**
   * This state with {@code bootId} of {@code server} retired (the oldest forgotten past the cap).
   */
  public DurableViewState retire(Address server, long bootId) {
    if (isRetired(server, bootId)) {
      return this;
    }
    TreeMap<Address, List<Long>> next = new TreeMap<>(retired);
    List<Long> ids = new ArrayList<>(retired.getOrDefault(server, List.of()));
    ids.add(bootId);
    if (ids.size() > MAX_RETIRED_PER_ADDRESS) {
      ids.remove(0);
    }
    next.put(server, ids);
    return new DurableViewState(view, acked, next);
  }

  public DurableViewState withView(View newView, boolean newAcked) {
    return new DurableViewState(newView, newAcked, retired);
  }
}
