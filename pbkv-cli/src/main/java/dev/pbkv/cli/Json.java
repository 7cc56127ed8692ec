package dev.pbkv.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * {@code --json} output (docs/json.md): one JSON object per command on standard output, on one
 * line. Keys and values that are bytes are strings of their bytes as text when they are valid UTF-8
 * without control characters, else as in {@code get} ({@code $'…'}), with a {@code _hex} twin.
 */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Where a command's text goes under {@code --json}: nowhere, so that standard output carries the
   * one JSON document only.
   */
  static PrintWriter discard() {
    return new PrintWriter(java.io.Writer.nullWriter());
  }

  /** {@code items} as a JSON array of strings. */
  static com.fasterxml.jackson.databind.node.ArrayNode strings(Iterable<?> items) {
    com.fasterxml.jackson.databind.node.ArrayNode a = MAPPER.createArrayNode();
    for (Object item : items) {
      a.add(String.valueOf(item));
    }
    return a;
  }

  static void print(ObjectNode o, PrintWriter out) {
    try {
      out.println(MAPPER.writeValueAsString(o));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * An info value with its type: whole numbers and decimals as numbers, true/false as booleans,
   * anything else as a string.
   */
  static void putTyped(ObjectNode o, String name, String value) {
    if (value.matches("-?\\d{1,19}")) {
      try {
        o.put(name, Long.parseLong(value));
        return;
      } catch (NumberFormatException tooBig) {
        o.put(name, value);
        return;
      }
    }
    if (value.matches("-?\\d+\\.\\d+")) {
      o.put(name, Double.parseDouble(value));
    } else if (value.equals("true") || value.equals("false")) {
      o.put(name, Boolean.parseBoolean(value));
    } else {
      o.put(name, value);
    }
  }
}
