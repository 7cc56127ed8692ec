package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads histories from files in three line-based formats, detected from the first non-blank line,
 * and writes the pbkv format. A malformed line throws {@link IllegalArgumentException} with a
 * one-line message {@code source:line: problem}.
 *
 * <ul>
 *   <li>{@link Format#JEPSEN_EDN}, Porcupine's and Jepsen's event lines: {@code {:process 0, :type
 *       :invoke, :f :append, :key "0", :value "x"}}, then {@code :ok} (done), {@code :fail} (did
 *       not happen: dropped) or {@code :info} (indeterminate) for the same process; an invoke left
 *       open at the end is indeterminate. Times are line numbers. Functions: get, put, append; an
 *       append's {@code :ok} value is its argument, so its result is {@link Result.Ok}.
 *   <li>{@link Format#SYNTHETIC_JSONL}, one op a line: {@code {"call":83744, "client":3, "f":
 *       "append", "key":"k1", "value":"a8;", "output":"...", "return":274335}}; {@code "unknown":
 *       true} (with {@code "return":-1}) marks an indeterminate op.
 *   <li>{@link Format#PBKV_JSONL}, ours: a header {@code {"format":"pbkv-history","version":1}},
 *       then one op a line: {@code id}, {@code client}, {@code call}, {@code return} (null: never
 *       returned), {@code f} (get, put, append, delete, cas), {@code key}, {@code value} (put and
 *       append argument, cas update), {@code expected} (cas; null expects absent), and the result:
 *       {@code result} is absent or null for an indeterminate op, else {@code "value"} with {@code
 *       output} (null: absent), {@code "ok"}, {@code "deleted"} with {@code existed}, {@code "cas"}
 *       with {@code swapped} and {@code previous}, or {@code "error"} with {@code message}.
 * </ul>
 *
 * <p>In both external formats a key is never absent: a read of a missing key returns {@code ""} and
 * an append to it treats it as {@code ""}. Reads of {@code ""} are therefore read as {@link
 * Result.Value}{@code (null)}, the absent key; this is exact because those formats have no delete
 * and an empty value can only come from writing one, so a put or append of {@code ""} is rejected.
 */
public final class HistoryFiles {
  /** The file formats {@link #read} understands. */
  public enum Format {
    /** Porcupine / Jepsen EDN event lines. */
    JEPSEN_EDN,
    /** The synthetic JSON Lines of {@code histories/synthetic} (pbkv-lincheck's test data). */
    SYNTHETIC_JSONL,
    /** pbkv's own JSON Lines, written by {@link #write}. */
    PBKV_JSONL
  }

  static final String HEADER = "{\"format\":\"pbkv-history\",\"version\":1}";

  private HistoryFiles() {}

  /** Reads the history in {@code file}, whatever its format. */
  public static List<HistoryOp> read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString());
    }
  }

  /** Parses a history held in a string; {@code source} names it in error messages. */
  public static List<HistoryOp> parse(String text, String source) {
    try {
      return read(new StringReader(text), source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a history from {@code reader}; {@code source} names it in error messages. */
  public static List<HistoryOp> read(Reader reader, String source) throws IOException {
    BufferedReader in =
        reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
    Parser parser = null;
    String line;
    int number = 0;
    while ((line = in.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        if (parser == null) {
          Format format = detect(line);
          parser =
              switch (format) {
                case JEPSEN_EDN -> new EdnParser();
                case SYNTHETIC_JSONL -> new SyntheticParser();
                case PBKV_JSONL -> new PbkvParser();
              };
        }
        parser.line(line, number);
      } catch (IllegalArgumentException | ClassCastException e) {
        throw new IllegalArgumentException(source + ":" + number + ": " + e.getMessage(), e);
      }
    }
    return parser == null ? new ArrayList<>() : parser.finish();
  }

  /** The format of a file whose first non-blank line is {@code firstLine}. */
  public static Format detect(String firstLine) {
    String t = firstLine.strip();
    if (t.startsWith("{:") || (t.startsWith("{") && t.contains(":process"))) {
      return Format.JEPSEN_EDN;
    }
    Map<String, Object> m = ScalarLine.json(t);
    if ("pbkv-history".equals(m.get("format")) || m.containsKey("id") || m.containsKey("result")) {
      return Format.PBKV_JSONL;
    }
    return Format.SYNTHETIC_JSONL;
  }

  /** Writes {@code history} to {@code file} in the pbkv format. */
  public static void write(Path file, List<HistoryOp> history) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(w, history);
    }
  }

  /**
   * Writes {@code history} to {@code out} in the pbkv format: a header, then one op a line. Scans
   * are left out: the format has no scan, and the checker does not check them ({@link ScanCheck}
   * does).
   */
  public static void write(Appendable out, List<HistoryOp> history) throws IOException {
    out.append(HEADER).append('\n');
    StringBuilder b = new StringBuilder(128);
    for (HistoryOp op : history) {
      if (op.command() instanceof Command.Scan) {
        continue;
      }
      b.setLength(0);
      b.append("{\"id\":").append(op.id()).append(",\"client\":");
      quote(b, op.client());
      b.append(",\"call\":").append(op.callMicros()).append(",\"return\":");
      b.append(op.returnMicros() == HistoryOp.NEVER ? "null" : Long.toString(op.returnMicros()));
      Command c = op.command();
      b.append(",\"f\":\"").append(name(c)).append("\",\"key\":");
      quote(b, c.key());
      if (c instanceof Command.Put put) {
        b.append(",\"value\":");
        quote(b, put.value());
      } else if (c instanceof Command.Append append) {
        b.append(",\"value\":");
        quote(b, append.value());
      } else if (c instanceof Command.CompareAndSet cas) {
        b.append(",\"expected\":");
        quote(b, cas.expected());
        b.append(",\"value\":");
        quote(b, cas.update());
      }
      Result r = op.result();
      if (r instanceof Result.Value v) {
        b.append(",\"result\":\"value\",\"output\":");
        quote(b, v.value());
      } else if (r instanceof Result.Ok) {
        b.append(",\"result\":\"ok\"");
      } else if (r instanceof Result.Deleted d) {
        b.append(",\"result\":\"deleted\",\"existed\":").append(d.existed());
      } else if (r instanceof Result.CasResult cr) {
        b.append(",\"result\":\"cas\",\"swapped\":").append(cr.swapped()).append(",\"previous\":");
        quote(b, cr.previous());
      } else if (r instanceof Result.Error e) {
        b.append(",\"result\":\"error\",\"message\":");
        quote(b, e.message());
      }
      b.append("}\n");
      out.append(b);
    }
  }

  private static String name(Command c) {
    if (c instanceof Command.Get) {
      return "get";
    } else if (c instanceof Command.Put) {
      return "put";
    } else if (c instanceof Command.Append) {
      return "append";
    } else if (c instanceof Command.Delete) {
      return "delete";
    } else if (c instanceof Command.CompareAndSet) {
      return "cas";
    }
    throw new IllegalArgumentException("unknown command " + c);
  }

  private static void quote(StringBuilder b, String s) {
    if (s == null) {
      b.append("null");
      return;
    }
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    b.append('"');
  }

  /** Turns lines of one format into ops. */
  private interface Parser {
    void line(String line, int number);

    List<HistoryOp> finish();
  }

  private static Object required(Map<String, Object> m, String field) {
    if (!m.containsKey(field)) {
      throw new IllegalArgumentException("missing field \"" + field + "\"");
    }
    return m.get(field);
  }

  private static String requiredString(Map<String, Object> m, String field) {
    Object v = required(m, field);
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException("field \"" + field + "\" must be a string, not " + v);
    }
    return s;
  }

  private static String optionalString(Map<String, Object> m, String field) {
    Object v = m.get(field);
    if (v != null && !(v instanceof String)) {
      throw new IllegalArgumentException("field \"" + field + "\" must be a string or null");
    }
    return (String) v;
  }

  private static long requiredLong(Map<String, Object> m, String field) {
    Object v = required(m, field);
    if (!(v instanceof Long l)) {
      throw new IllegalArgumentException("field \"" + field + "\" must be an integer, not " + v);
    }
    return l;
  }

  private static boolean requiredBoolean(Map<String, Object> m, String field) {
    Object v = required(m, field);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException("field \"" + field + "\" must be true or false");
    }
    return b;
  }

  private static String scalarText(Object v) {
    return v instanceof String s ? s : String.valueOf(v);
  }

  private static String nonEmptyWrite(String f, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(
          f + " of an empty value: this format cannot tell it from an absent key");
    }
    return value;
  }

  /** Reads of "" mean the absent key in the external formats. */
  private static Result.Value read(String output) {
    return new Result.Value(output == null || output.isEmpty() ? null : output);
  }

  private static final class SyntheticParser implements Parser {
    private final List<HistoryOp> ops = new ArrayList<>();

    @Override
    public void line(String line, int number) {
      Map<String, Object> m = ScalarLine.json(line);
      String f = requiredString(m, "f");
      String key = requiredString(m, "key");
      long call = requiredLong(m, "call");
      boolean unknown = Boolean.TRUE.equals(m.get("unknown"));
      long ret = unknown ? HistoryOp.NEVER : requiredLong(m, "return");
      String client = scalarText(required(m, "client"));
      Command command;
      Result result;
      switch (f) {
        case "get" -> {
          command = new Command.Get(key);
          result = unknown ? null : read(requiredString(m, "output"));
        }
        case "put" -> {
          command = new Command.Put(key, nonEmptyWrite(f, requiredString(m, "value")));
          result = unknown ? null : Result.OK;
        }
        case "append" -> {
          command = new Command.Append(key, nonEmptyWrite(f, requiredString(m, "value")));
          String output = optionalString(m, "output");
          result = unknown ? null : output == null ? Result.OK : new Result.Value(output);
        }
        default -> throw new IllegalArgumentException("unknown \"f\": \"" + f + "\"");
      }
      if (!unknown && ret < call) {
        throw new IllegalArgumentException("returns (" + ret + ") before its call (" + call + ")");
      }
      ops.add(new HistoryOp(ops.size(), client, call, ret, command, result));
    }

    @Override
    public List<HistoryOp> finish() {
      return ops;
    }
  }

  private static final class PbkvParser implements Parser {
    private final List<HistoryOp> ops = new ArrayList<>();

    @Override
    public void line(String line, int number) {
      Map<String, Object> m = ScalarLine.json(line);
      if (m.containsKey("format")) {
        if (!"pbkv-history".equals(m.get("format")) || !Long.valueOf(1).equals(m.get("version"))) {
          throw new IllegalArgumentException("unsupported header " + line.strip());
        }
        return;
      }
      int id = m.containsKey("id") ? Math.toIntExact(requiredLong(m, "id")) : ops.size();
      String client = scalarText(required(m, "client"));
      long call = requiredLong(m, "call");
      long ret = m.get("return") == null ? HistoryOp.NEVER : requiredLong(m, "return");
      String f = requiredString(m, "f");
      String key = requiredString(m, "key");
      Command command =
          switch (f) {
            case "get" -> new Command.Get(key);
            case "put" -> new Command.Put(key, requiredString(m, "value"));
            case "append" -> new Command.Append(key, requiredString(m, "value"));
            case "delete" -> new Command.Delete(key);
            case "cas" ->
                new Command.CompareAndSet(
                    key, optionalString(m, "expected"), requiredString(m, "value"));
            default -> throw new IllegalArgumentException("unknown \"f\": \"" + f + "\"");
          };
      String kind = optionalString(m, "result");
      Result result;
      if (kind == null) {
        result = null;
      } else {
        result =
            switch (kind) {
              case "value" -> new Result.Value(optionalString(m, "output"));
              case "ok" -> Result.OK;
              case "deleted" -> new Result.Deleted(requiredBoolean(m, "existed"));
              case "cas" ->
                  new Result.CasResult(
                      requiredBoolean(m, "swapped"), optionalString(m, "previous"));
              case "error" -> new Result.Error(optionalString(m, "message"));
              default -> throw new IllegalArgumentException("unknown \"result\": \"" + kind + "\"");
            };
      }
      if (ret < call) {
        throw new IllegalArgumentException("returns (" + ret + ") before its call (" + call + ")");
      }
      ops.add(new HistoryOp(id, client, call, ret, command, result));
    }

    @Override
    public List<HistoryOp> finish() {
      return ops;
    }
  }

  private static final class EdnParser implements Parser {
    private final List<HistoryOp> ops = new ArrayList<>(); // null where an op failed
    private final Map<String, Integer> open = new HashMap<>(); // process -> index in ops

    @Override
    public void line(String line, int number) {
      Map<String, Object> m = ScalarLine.edn(line);
      String process = scalarText(required(m, "process"));
      String type = keyword(m, "type");
      String f = keyword(m, "f");
      String key = scalarText(required(m, "key"));
      Object value = m.get("value");
      if (value != null && !(value instanceof String)) {
        throw new IllegalArgumentException(":value must be a string or nil, not " + value);
      }
      Integer pending = open.get(process);
      if (type.equals("invoke")) {
        if (pending != null) {
          throw new IllegalArgumentException(
              "process " + process + " invokes again before its previous op completed");
        }
        Command command =
            switch (f) {
              case "get" -> new Command.Get(key);
              case "put" -> new Command.Put(key, nonEmptyWrite(f, (String) value));
              case "append" -> new Command.Append(key, nonEmptyWrite(f, (String) value));
              default -> throw new IllegalArgumentException("unknown :f :" + f);
            };
        open.put(process, ops.size());
        ops.add(new HistoryOp(ops.size(), process, number, HistoryOp.NEVER, command, null));
        return;
      }
      if (pending == null) {
        throw new IllegalArgumentException(
            "process " + process + " completes :" + type + " with no op pending");
      }
      HistoryOp op = ops.get(pending);
      if (!op.command().key().equals(key) || !f.equals(name(op.command()))) {
        throw new IllegalArgumentException(
            "completion :" + f + " " + key + " does not match the pending " + op.command());
      }
      open.remove(process);
      switch (type) {
        case "ok" -> {
          Result result =
              op.command() instanceof Command.Get ? read((String) value) : (Result) Result.OK;
          ops.set(
              pending,
              new HistoryOp(op.id(), process, op.callMicros(), number, op.command(), result));
        }
        case "fail" -> ops.set(pending, null);
        case "info" -> {
          // indeterminate: leave it open-ended
        }
        default -> throw new IllegalArgumentException("unknown :type :" + type);
      }
    }

    private static String keyword(Map<String, Object> m, String field) {
      Object v = required(m, field);
      if (!(v instanceof ScalarLine.Keyword k)) {
        throw new IllegalArgumentException(":" + field + " must be a keyword, not " + v);
      }
      return k.name();
    }

    @Override
    public List<HistoryOp> finish() {
      List<HistoryOp> out = new ArrayList<>(ops.size());
      for (HistoryOp op : ops) {
        if (op != null) {
          out.add(op);
        }
      }
      return out;
    }
  }
}
