package dev.pbkv.debug;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

/**
 * A debugging session: a tree of states grown from a {@link Start}. Every action makes a child of
 * the current state and moves there; undo moves to the parent; going to any earlier state and
 * taking another action starts a branch, and the old branch stays (nothing is ever lost). While the
 * path from the start equals a prefix of the start's {@link Plan}, {@link #next} takes the plan's
 * next step.
 *
 * <p>Not thread-safe: the HTTP server calls it under one lock.
 */
public final class Session {
  /** Most states a session keeps; an action beyond it is refused (the page says so). */
  public static final int MAX_STATES = 100_000;

  /** One state of the tree. */
  public static final class Node {
    final int id;
    final Node parent;
    final World world;
    final int planIndex; // plan steps taken on the way here, or -1 once the path left the plan
    final List<Node> children = new ArrayList<>(1);
    Node lastChild; // where redo goes

    Node(int id, Node parent, World world, int planIndex) {
      this.id = id;
      this.parent = parent;
      this.world = world;
      this.planIndex = planIndex;
    }

    public int id() {
      return id;
    }

    public Node parent() {
      return parent;
    }

    public World world() {
      return world;
    }

    /** Plan steps taken on the way here, or -1 once the path left the plan. */
    public int planIndex() {
      return planIndex;
    }

    public List<Node> children() {
      return Collections.unmodifiableList(children);
    }
  }

  private final Start start;
  private final List<Node> nodes = new ArrayList<>();
  private Node current;

  public Session(Start start) {
    this.start = start;
    this.current = new Node(0, null, start.root(), 0);
    nodes.add(current);
  }

  public Start start() {
    return start;
  }

  public Node current() {
    return current;
  }

  public World world() {
    return current.world;
  }

  /** The state with {@code id}. */
  public Node node(int id) {
    if (id < 0 || id >= nodes.size()) {
      throw new IllegalArgumentException("no state " + id);
    }
    return nodes.get(id);
  }

  /** Every state, by id. */
  public List<Node> nodes() {
    return Collections.unmodifiableList(nodes);
  }

  /** The states from the start to the current one. */
  public List<Node> path() {
    List<Node> out = new ArrayList<>();
    for (Node n = current; n != null; n = n.parent) {
      out.add(n);
    }
    Collections.reverse(out);
    return out;
  }

  /** The plan's next step, if the path is still on the plan and it has one. */
  public Plan.PlanStep nextPlanned() {
    int k = current.planIndex;
    return k >= 0 && k < start.plan().steps().size() ? start.plan().steps().get(k) : null;
  }

  /**
   * Takes {@code action} from the current state and moves to the result. If the current state has a
   * child made by the same action, moves there (redo).
   *
   * @throws IllegalArgumentException with a one-line reason if the action is not possible
   */
  public Node apply(Action action) {
    for (Node c : current.children) {
      if (c.world.action().equals(action)) {
        current.lastChild = c;
        current = c;
        return c;
      }
    }
    if (nodes.size() >= MAX_STATES) {
      throw new IllegalArgumentException(
          "this session holds " + MAX_STATES + " states, its limit: save it and start again");
    }
    Plan.PlanStep planned = nextPlanned();
    boolean onPlan = planned != null && planned.action().equals(action);
    World w =
        onPlan
            ? current.world.apply(action, planned.micros())
            : current.world.apply(action, current.world.micros() + 1000);
    if (onPlan && planned.expect() != null) {
      String handled = handled(w, action);
      if (handled != null && !handled.equals(planned.expect())) {
        throw new IllegalStateException(
            "the debugger's nodes differ from the original run at plan step "
                + (current.planIndex + 1)
                + ": it handled "
                + planned.expect()
                + ", the debugger "
                + handled);
      }
    }
    Node child = new Node(nodes.size(), current, w, onPlan ? current.planIndex + 1 : -1);
    nodes.add(child);
    current.children.add(child);
    current.lastChild = child;
    current = child;
    return child;
  }

  /** What a planned step handled, as {@link Plan.PlanStep#expect} says it. */
  private static String handled(World after, Action action) {
    if (action instanceof Action.Deliver d) {
      return after.sent(d.id()).envelope().toString();
    }
    if (action instanceof Action.Drop d) {
      return after.sent(d.id()).envelope().toString();
    }
    if (action instanceof Action.Fire f) {
      return f.timer();
    }
    return null;
  }

  /** Takes the plan's next step; false if there is none (the end, or the path left the plan). */
  public boolean next() {
    Plan.PlanStep p = nextPlanned();
    if (p == null) {
      return false;
    }
    apply(p.action());
    return true;
  }

  /**
   * Takes plan steps until a state satisfies {@code stop} (checked after each step), the plan ends,
   * or {@code max} steps were taken; returns how many were taken.
   */
  public int runPlan(Predicate<World> stop, int max) {
    int n = 0;
    while (n < max && next()) {
      n++;
      if (stop.test(current.world)) {
        break;
      }
    }
    return n;
  }

  /** Moves to the parent state; false at the start. */
  public boolean undo() {
    if (current.parent == null) {
      return false;
    }
    current = current.parent;
    return true;
  }

  /** Moves to the child last visited from here; false if there is none. */
  public boolean redo() {
    if (current.lastChild == null) {
      return false;
    }
    current = current.lastChild;
    return true;
  }

  /** Moves to state {@code id} (any state of the tree: an earlier one, or another branch). */
  public void go(int id) {
    current = node(id);
  }

  /** The actions from the start to the current state: what a saved session replays. */
  public List<Action> actions() {
    List<Action> out = new ArrayList<>();
    for (Node n : path()) {
      if (n.parent != null) {
        out.add(n.world.action());
      }
    }
    return out;
  }
}
