package dev.pbkv.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a shell line into words as a POSIX shell does: blanks separate words; {@code '…'} keeps
 * everything literally; {@code "…"} keeps everything but {@code \"}, {@code \\}, {@code \$} and
 * {@code \`}; a backslash outside quotes keeps the next character; {@code $'…'} (bash's ANSI-C
 * quoting) takes {@code \n}, {@code \t}, {@code \r}, {@code \0}, {@code \\}, {@code \'} and {@code
 * \xHH}, any byte; a {@code #} that starts a word starts a comment. {@code ''} is an empty word.
 *
 * <p>Words are in {@link ArgBytes}' form: a byte above 127 given as {@code \xHH} is the char U+DC00
 * + byte, so {@link ArgBytes#bytes} gives back exactly the bytes written.
 */
final class ShellWords {
  private ShellWords() {}

  /**
   * The words of {@code line}.
   *
   * @throws UserError with one line, for an unterminated quote or a bad escape
   */
  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = null; // null: between words
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (w == null) {
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
          i++;
          continue;
        }
        if (c == '#') {
          break;
        }
        w = new StringBuilder();
      }
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        words.add(w.toString());
        w = null;
        i++;
      } else if (c == '\\') {
        if (i + 1 >= n) {
          throw new UserError("a \\ at the end of the line escapes nothing");
        }
        w.append(line.charAt(i + 1));
        i += 2;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new UserError("unterminated ' quote");
        }
        w.append(line, i + 1, end);
        i = end + 1;
      } else if (c == '"') {
        i = doubleQuoted(line, i + 1, w);
      } else if (c == '$' && i + 1 < n && line.charAt(i + 1) == '\'') {
        i = ansiC(line, i + 2, w);
      } else {
        w.append(c);
        i++;
      }
    }
    if (w != null) {
      words.add(w.toString());
    }
    return words;
  }

  private static int doubleQuoted(String line, int i, StringBuilder w) {
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
        w.append(line.charAt(i + 1));
        i += 2;
      } else {
        w.append(c);
        i++;
      }
    }
    throw new UserError("unterminated \" quote");
  }

  private static int ansiC(String line, int i, StringBuilder w) {
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '\'') {
        return i + 1;
      }
      if (c != '\\') {
        w.append(c);
        i++;
        continue;
      }
      if (i + 1 >= line.length()) {
        break;
      }
      char e = line.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'n' -> w.append('\n');
        case 't' -> w.append('\t');
        case 'r' -> w.append('\r');
        case '0' -> w.append('\0');
        case '\\', '\'', '"' -> w.append(e);
        case 'x' -> {
          int end = i;
          while (end < line.length() && end < i + 2 && Character.digit(line.charAt(end), 16) >= 0) {
            end++;
          }
          if (end == i) {
            throw new UserError("\\x needs one or two hex digits, in $'…'");
          }
          int b = Integer.parseInt(line.substring(i, end), 16);
          w.append(b < 0x80 ? (char) b : (char) (0xDC00 | b));
          i = end;
        }
        default -> throw new UserError("unknown escape \\" + e + " in $'…'");
      }
    }
    throw new UserError("unterminated $' quote");
  }
}
