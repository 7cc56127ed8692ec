package dev.pbkv.debug;

import dev.pbkv.node.Address;
import dev.pbkv.node.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Who can take part in a debugged run, in a fixed order: each node's address, its role and how to
 * make it from a boot id (1 at its first start, one more at each restart). The nodes themselves are
 * the real protocol classes; the debugger only copies them ({@link Nodes#copy}).
 */
public final class Cast {
  /** What a node is, for the state panel and the invariants. */
  public enum Role {
    VIEW_SERVICE,
    SERVER,
    CLIENT,
    OTHER
  }

  /** One node of the cast. */
  public record Member(Address address, Role role, LongFunction<Node> factory) {
    public Member {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(factory, "factory");
    }
  }

  private final List<Member> members;
  private final Map<Address, Integer> index = new HashMap<>(); // lookups only

  public Cast(List<Member> members) {
    this.members = List.copyOf(members);
    for (int i = 0; i < this.members.size(); i++) {
      if (index.put(this.members.get(i).address(), i) != null) {
        throw new IllegalArgumentException("two nodes named " + this.members.get(i).address());
      }
    }
  }

  public List<Member> members() {
    return members;
  }

  public int size() {
    return members.size();
  }

  public Member member(int i) {
    return members.get(i);
  }

  /** The index of {@code a}, or -1 if it is not in the cast. */
  public int indexOf(Address a) {
    Integer i = index.get(a);
    return i == null ? -1 : i;
  }

  public Address address(int i) {
    return members.get(i).address();
  }
}
