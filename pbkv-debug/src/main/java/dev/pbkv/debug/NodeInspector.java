package dev.pbkv.debug;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.kv.AmoApplication;
import dev.pbkv.kv.Snapshot;
import dev.pbkv.node.Node;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's state for the page: a one-line headline (role, view, what it waits for) and every field
 * of its protocol state as a tree, read reflectively like a debugger's variables view — so a node
 * class added later shows without code here. The key-value state ({@link AmoApplication}) shows as
 * its store and its at-most-once table; configurations, which never change, are left out. Values
 * are cut to {@value #MAX_ITEMS} items per collection and {@value #MAX_DEPTH} levels.
 */
final class NodeInspector {
  static final int MAX_ITEMS = 60;
  static final int MAX_DEPTH = 5;
  static final int MAX_TEXT = 300;

  private NodeInspector() {}

  /** One line: what the node is now. */
  static String headline(Node n, World.Status status) {
    if (n == null) {
      return status == World.Status.NOT_STARTED ? "not started" : "crashed (state lost)";
    }
    String prefix = status == World.Status.PAUSED ? "PAUSED — " : "";
    if (n instanceof ViewServer vs) {
      return prefix
          + "view "
          + vs.view()
          + (vs.isAcked() ? " (acked)" : " (waiting for its primary's ack)");
    }
    if (n instanceof PbServer s) {
      return prefix
          + World.role(s)
          + " in view "
          + s.view()
          + (s.hasInstalledState() ? ", state installed" : "")
          + (s.queuedOps() > 0 ? ", " + s.queuedOps() + " ops in its log" : "");
    }
    List<Nodes.ClientOp> ops = Nodes.clientOps(n);
    if (ops != null) {
      if (ops.isEmpty()) {
        return prefix + "idle, no op yet";
      }
      Nodes.ClientOp last = ops.get(ops.size() - 1);
      return prefix
          + (last.result() == null
              ? "waiting for '" + last.command() + "'"
              : "idle; last '" + last.command() + "' → " + last.result());
    }
    return prefix + n.getClass().getSimpleName();
  }

  /** The node's fields, as nested maps, lists and strings. */
  static Object state(Node n) {
    if (n == null) {
      return Map.of();
    }
    return value(n, 0);
  }

  private static Object value(Object v, int depth) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String
        || v instanceof Number
        || v instanceof Boolean
        || v instanceof Enum<?>
        || v instanceof Record
        || v instanceof Character) {
      return cut(String.valueOf(v));
    }
    if (v instanceof AmoApplication app) {
      Snapshot s = app.snapshot();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("store", value(s.data(), depth + 1));
      out.put("at-most-once table", value(s.sessions(), depth + 1));
      out.put("sweeps", s.sweeps());
      return out;
    }
    if (depth >= MAX_DEPTH) {
      return cut(String.valueOf(v));
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      int k = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (k++ == MAX_ITEMS) {
          out.put("…", (m.size() - MAX_ITEMS) + " more");
          break;
        }
        out.put(cut(String.valueOf(e.getKey())), value(e.getValue(), depth + 1));
      }
      return out;
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      for (Object x : c) {
        if (out.size() == MAX_ITEMS) {
          out.add("… " + (c.size() - MAX_ITEMS) + " more");
          break;
        }
        out.add(value(x, depth + 1));
      }
      return out;
    }
    if (v.getClass().isArray()) {
      return cut(String.valueOf(v));
    }
    if (v.getClass().getName().startsWith("java.")) {
      return cut(String.valueOf(v));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Class<?> c = v.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || isConfig(f.getType())) {
          continue;
        }
        try {
          f.setAccessible(true);
          out.put(f.getName(), value(f.get(v), depth + 1));
        } catch (ReflectiveOperationException | RuntimeException e) {
          out.put(f.getName(), "(cannot read: " + e.getClass().getSimpleName() + ")");
        }
      }
    }
    return out;
  }

  private static boolean isConfig(Class<?> type) {
    return type == ServerConfig.class
        || type == ViewServiceConfig.class
        || type == ClientConfig.class;
  }

  private static String cut(String s) {
    return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "…" : s;
  }
}
