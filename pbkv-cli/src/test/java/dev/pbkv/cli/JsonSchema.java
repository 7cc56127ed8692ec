package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --json} schema as docs/json.md documents it: per command, its fields and their types,
 * read from the file's tables, so the document and the test cannot drift apart.
 */
final class JsonSchema {
  private static final Pattern COMMAND = Pattern.compile("^### `pbkv ([A-Za-z0-9 .-]+?) --json`");

  /**
   * The commands whose schema {@code JsonOutputTest} checks in-process (simulator and checkers);
   * {@code CliIT} checks the rest against a live cluster.
   */
  static final Set<String> IN_PROCESS =
      Set.of(
          "sim",
          "sim --seeds A..B",
          "scenario NAME",
          "scenario list",
          "check NAME",
          "check NAME --replay FILE",
          "check list",
          "lincheck FILE");

  private static final Pattern FIELD = Pattern.compile("^\\| `([a-z_.]+)` \\| ([a-z\\\\|]+) \\|");

  private final Map<String, Map<String, String>> fields;
  private final Set<String> checked = new LinkedHashSet<>();

  private JsonSchema(Map<String, Map<String, String>> fields) {
    this.fields = fields;
  }

  static JsonSchema load() throws IOException {
    Path doc = Path.of("..", "docs", "json.md");
    if (!Files.exists(doc)) {
      doc = Path.of("docs", "json.md");
    }
    Map<String, Map<String, String>> fields = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String line : Files.readAllLines(doc)) {
      Matcher c = COMMAND.matcher(line);
      Matcher f = FIELD.matcher(line);
      if (c.find()) {
        current = new LinkedHashMap<>();
        fields.put(c.group(1), current);
      } else if (current != null && f.find()) {
        current.put(f.group(1), f.group(2).replace("\\", ""));
      }
    }
    assertThat(fields).as("commands documented in docs/json.md").isNotEmpty();
    return new JsonSchema(fields);
  }

  Set<String> commands() {
    return fields.keySet();
  }

  Set<String> checked() {
    return checked;
  }

  /** The documented commands {@code CliIT} must check: all but {@link #IN_PROCESS}. */
  Set<String> liveCommands() {
    Set<String> live = new LinkedHashSet<>(fields.keySet());
    live.removeAll(IN_PROCESS);
    return live;
  }

  /** Parses {@code run}'s standard output and checks it against {@code command}'s schema. */
  JsonNode check(String command, MainTest.Run run) throws IOException {
    List<String> lines = run.out().lines().toList();
    assertThat(lines).as("%s: one line of JSON (stderr: %s)", command, run.err()).hasSize(1);
    JsonNode root = Json.MAPPER.readTree(lines.get(0));
    Map<String, String> schema = fields.get(command);
    assertThat(schema).as("docs/json.md documents %s", command).isNotNull().isNotEmpty();
    for (Map.Entry<String, String> e : schema.entrySet()) {
      JsonNode node = root;
      for (String part : e.getKey().split("\\.")) {
        node = node == null ? null : node.get(part);
      }
      assertThat(node).as("%s: field %s in %s", command, e.getKey(), lines.get(0)).isNotNull();
      assertThat(matches(node, e.getValue()))
          .as("%s: field %s is %s in %s", command, e.getKey(), e.getValue(), lines.get(0))
          .isTrue();
    }
    checked.add(command);
    return root;
  }

  private static boolean matches(JsonNode node, String type) {
    for (String t : type.split("\\|")) {
      boolean ok =
          switch (t) {
            case "null" -> node.isNull();
            case "string" -> node.isTextual();
            case "integer" -> node.isIntegralNumber();
            case "number" -> node.isNumber();
            case "boolean" -> node.isBoolean();
            case "array" -> node.isArray();
            case "object" -> node.isObject();
            default -> throw new AssertionError("unknown type in docs/json.md: " + t);
          };
      if (ok) {
        return true;
      }
    }
    return false;
  }
}
