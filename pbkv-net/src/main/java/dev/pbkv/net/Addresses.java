package dev.pbkv.net;

import dev.pbkv.node.Address;
import java.net.InetSocketAddress;

/**
 * Addresses of nodes that listen on TCP are {@code HOST:PORT} (IPv6 hosts in brackets); other
 * addresses (client sessions) are reachable only over a connection they opened.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * Parses {@code HOST:PORT}.
   *
   * @throws IllegalArgumentException with a one-line message naming the bad value
   */
  public static InetSocketAddress parse(String text) {
    InetSocketAddress a = tryParse(text);
    if (a == null) {
      throw new IllegalArgumentException(
          "'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:7000, a port from 1 to 65535)");
    }
    return a;
  }

  /** The socket address of {@code address} if it is {@code HOST:PORT}, else null. */
  public static InetSocketAddress socketAddress(Address address) {
    return tryParse(address.name());
  }

  /** Like {@link #socketAddress}, but port 0 (any free port) is allowed: where to bind. */
  static InetSocketAddress bindAddress(Address address) {
    return tryParse(address.name(), 0);
  }

  /** HOST:PORT to bind, port 0 allowed (any free port); one-line error otherwise. */
  public static InetSocketAddress parseListen(String hostAndPort) {
    InetSocketAddress a = tryParse(hostAndPort, 0);
    if (a == null) {
      throw new IllegalArgumentException(
          "'"
              + hostAndPort
              + "' is not HOST:PORT (e.g. 127.0.0.1:7000, a port from 1 to 65535, or 0 for any"
              + " free port)");
    }
    return a;
  }

  /**
   * The address to listen on, {@code HOST:PORT}, where port 0 asks for any free port: {@link
   * NetRuntime#listen} then names the node by the port it got ({@link NetRuntime#address()}).
   *
   * @throws IllegalArgumentException with a one-line message naming the bad value
   */
  public static Address listenAddress(String hostAndPort) {
    InetSocketAddress a = tryParse(hostAndPort, 0);
    if (a == null) {
      throw new IllegalArgumentException(
          "'"
              + hostAndPort
              + "' is not HOST:PORT (e.g. 127.0.0.1:7000, a port from 1 to 65535, or 0 for any"
              + " free port)");
    }
    return Address.of(format(a.getHostString(), a.getPort()));
  }

  /**
   * The addresses of a comma-separated list {@code "h1:p1,h2:p2"} (a replicated view service), in
   * order, without duplicates.
   *
   * @throws IllegalArgumentException naming the entry that is not HOST:PORT, or if it is empty
   */
  public static java.util.List<Address> list(String commaSeparated) {
    java.util.LinkedHashSet<Address> out = new java.util.LinkedHashSet<>();
    for (String part : commaSeparated.split(",")) {
      if (!part.isBlank()) {
        out.add(of(part.trim()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("'" + commaSeparated + "' names no HOST:PORT");
    }
    return java.util.List.copyOf(out);
  }

  /** The canonical address of a node listening at {@code host:port}. */
  public static Address of(String hostAndPort) {
    InetSocketAddress a = parse(hostAndPort);
    return Address.of(format(a.getHostString(), a.getPort()));
  }

  static String format(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static InetSocketAddress tryParse(String text) {
    return tryParse(text, 1);
  }

  private static InetSocketAddress tryParse(String text, int minPort) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      return null;
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return null; // an IPv6 host needs brackets
    }
    if (host.isEmpty() || host.contains(" ")) {
      return null;
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      return null;
    }
    if (port < minPort || port > 65535) {
      return null;
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
