package dev.pbkv.node;

import java.util.Objects;

/**
 * The name of a node: a view service, a server or a client. Addresses are compared by name, so a
 * node restarted at the same address is the same address.
 */
public record Address(String name) implements Comparable<Address> {

  public Address {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an address needs a non-blank name");
    }
  }

  public static Address of(String name) {
    return new Address(name);
  }

  @Override
  public int compareTo(Address other) {
    return name.compareTo(other.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
