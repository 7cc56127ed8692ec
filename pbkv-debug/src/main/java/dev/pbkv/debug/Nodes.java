package dev.pbkv.debug;

import dev.pbkv.check.CheckClient;
import dev.pbkv.check.SearchState;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Node;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/** What the debugger needs of any node: a copy, and for clients their ops. */
final class Nodes {
  private Nodes() {}

  /**
   * A deep copy of a node's protocol state: the model checker's {@link SearchState#copyNode} for
   * the nodes it knows, else the node's own public {@code copy()} (every protocol node has one,
   * docs/design.md §8), so the debugger steps any node the project adds.
   */
  static Node copy(Node n) {
    try {
      return SearchState.copyNode(n);
    } catch (IllegalArgumentException unknown) {
      try {
        Method copy = n.getClass().getMethod("copy");
        Object c = copy.invoke(n);
        if (c instanceof Node node && node.getClass() == n.getClass()) {
          return node;
        }
      } catch (ReflectiveOperationException e) {
        // fall through
      }
      throw new IllegalArgumentException(
          "the debugger cannot copy " + n.getClass().getName() + ": it has no public copy()");
    }
  }

  /** One client op: its command and its result (null while outstanding). */
  record ClientOp(Command command, Result result) {}

  /** The ops a client node has called, in order; null if {@code n} is not a client. */
  static List<ClientOp> clientOps(Node n) {
    if (n instanceof DebugClient d) {
      List<ClientOp> out = new ArrayList<>();
      for (int i = 0; i < d.commands().size(); i++) {
        out.add(new ClientOp(d.commands().get(i), d.result(i)));
      }
      return out;
    }
    if (n instanceof CheckClient c) {
      List<ClientOp> out = new ArrayList<>();
      for (int i = 0; i < c.submitted(); i++) {
        out.add(new ClientOp(c.workload().get(i), c.result(i)));
      }
      return out;
    }
    return null;
  }
}
