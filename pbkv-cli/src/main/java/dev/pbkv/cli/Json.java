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
