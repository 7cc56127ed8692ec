package dev.pbkv.history;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses one line holding a flat map of scalars: a JSON object ({@code {"a":1,"b":"x","c":null}})
 * or an EDN map ({@code {:a 1, :b "x", :c :kw, :d nil}}). Values are {@link String}, {@link Long},
 * {@link Double}, {@link Boolean}, {@link Keyword} (EDN only) or null. A malformed line throws
 * {@link IllegalArgumentException} naming the column.
 */
final class ScalarLine {
  /** An EDN keyword value such as {@code :invoke}, without its colon. */
  record Keyword(String name) {
    @Override
    public String toString() {
      return ":" + name;
    }
  }

  private final String s;
  private final boolean edn;
  private int i;

  private ScalarLine(String s, boolean edn) {
    this.s = s;
    this.edn = edn;
  }

  static Map<String, Object> json(String line) {
    return new ScalarLine(line, false).object();
  }

  static Map<String, Object> edn(String line) {
    return new ScalarLine(line, true).object();
  }

  private Map<String, Object> object() {
    Map<String, Object> out = new LinkedHashMap<>();
    skipSpace();
    expect('{');
    skipSpace();
    if (peek() == '}') {
      i++;
      return finish(out);
    }
    while (true) {
      skipSpace();
      String key;
      if (edn) {
        expect(':');
        key = symbol();
      } else {
        key = string();
        skipSpace();
        expect(':');
      }
      skipSpace();
      if (out.containsKey(key)) {
        throw error("duplicate field \"" + key + "\"");
      }
      out.put(key, value());
      skipSpace();
      char ch = peek();
      if (ch == '}') {
        i++;
        return finish(out);
      }
      if (!edn) {
        expect(',');
      }
    }
  }

  private Map<String, Object> finish(Map<String, Object> out) {
    skipSpace();
    if (i < s.length()) {
      throw error("unexpected text after the closing '}'");
    }
    return out;
  }

  private Object value() {
    char ch = peek();
    if (ch == '"') {
      return string();
    }
    if (ch == '-' || (ch >= '0' && ch <= '9')) {
      return number();
    }
    if (edn && ch == ':') {
      i++;
      return new Keyword(symbol());
    }
    String word = symbol();
    switch (word) {
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      case "null":
        if (!edn) {
          return null;
        }
        break;
      case "nil":
        if (edn) {
          return null;
        }
        break;
      default:
        break;
    }
    i -= word.length();
    throw error(word.isEmpty() ? "expected a value" : "unexpected value '" + word + "'");
  }

  private Object number() {
    int start = i;
    if (peek() == '-') {
      i++;
    }
    boolean fraction = false;
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (ch >= '0' && ch <= '9') {
        i++;
      } else if (ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-') {
        fraction = true;
        i++;
      } else {
        break;
      }
    }
    String text = s.substring(start, i);
    try {
      return fraction ? (Object) Double.parseDouble(text) : (Object) Long.parseLong(text);
    } catch (NumberFormatException e) {
      i = start;
      throw error("bad number '" + text + "'");
    }
  }

  private String symbol() {
    int start = i;
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (Character.isLetterOrDigit(ch)
          || ch == '-'
          || ch == '_'
          || ch == '?'
          || ch == '!'
          || ch == '.'
          || ch == '/'
          || ch == '*'
          || ch == '+') {
        i++;
      } else {
        break;
      }
    }
    return s.substring(start, i);
  }

  private String string() {
    expect('"');
    StringBuilder b = null;
    int start = i;
    while (true) {
      if (i >= s.length()) {
        throw error("unterminated string");
      }
      char ch = s.charAt(i);
      if (ch == '"') {
        String out = b == null ? s.substring(start, i) : b.append(s, start, i).toString();
        i++;
        return out;
      }
      if (ch == '\\') {
        if (b == null) {
          b = new StringBuilder();
        }
        b.append(s, start, i);
        i++;
        if (i >= s.length()) {
          throw error("unterminated string");
        }
        char esc = s.charAt(i++);
        switch (esc) {
          case '"', '\\', '/' -> b.append(esc);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 > s.length()) {
              throw error("bad \\u escape");
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            } catch (NumberFormatException e) {
              throw error("bad \\u escape");
            }
            i += 4;
          }
          default -> {
            i--;
            throw error("bad escape '\\" + esc + "'");
          }
        }
        start = i;
      } else {
        i++;
      }
    }
  }

  private void skipSpace() {
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || (edn && ch == ',')) {
        i++;
      } else {
        break;
      }
    }
  }

  private char peek() {
    if (i >= s.length()) {
      throw error("unexpected end of line");
    }
    return s.charAt(i);
  }

  private void expect(char ch) {
    if (peek() != ch) {
      throw error("expected '" + ch + "' but found '" + s.charAt(i) + "'");
    }
    i++;
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("column " + (i + 1) + ": " + what);
  }
}
