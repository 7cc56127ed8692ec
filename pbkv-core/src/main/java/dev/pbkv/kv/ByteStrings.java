package dev.pbkv.kv;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Keys and values are bytes. A {@link Command} and a {@link Result} carry them as <em>byte
 * strings</em>: Java strings in which each char is one byte, 0 to 255 (ISO-8859-1). The store keeps
 * exactly those bytes ({@link KvStore} stores such a string one byte per char), the wire format
 * sends them as protobuf {@code bytes}, and the simulator, the model checker and the traces keep
 * using the strings as they are: an ASCII key is the same string either way.
 *
 * <p>Text becomes a byte string through its UTF-8 encoding ({@link #fromText}) and back ({@link
 * #toText}); raw bytes convert without any encoding ({@link #of}, {@link #bytes}).
 */
public final class ByteStrings {
  private ByteStrings() {}

  /** The byte string holding exactly {@code bytes}. */
  public static String of(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /**
   * The bytes of a byte string.
   *
   * @throws IllegalArgumentException if some char is above 255 (not a byte string)
   */
  public static byte[] bytes(String byteString) {
    if (!isByteString(byteString)) {
      throw new IllegalArgumentException(
          "not a byte string (a char above 255): " + display(byteString));
    }
    return byteString.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** True if every char of {@code s} is 0 to 255. */
  public static boolean isByteString(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) > 0xff) {
        return false;
      }
    }
    return true;
  }

  /** The byte string of {@code text}'s UTF-8 encoding ({@code null} stays {@code null}). */
  public static String fromText(String text) {
    return text == null ? null : of(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The text whose UTF-8 encoding a byte string holds ({@code null} stays {@code null}); bytes that
   * are not UTF-8 become U+FFFD: use {@link #bytes} for the exact bytes.
   */
  public static String toText(String byteString) {
    return byteString == null ? null : new String(bytes(byteString), StandardCharsets.UTF_8);
  }

  /**
   * A byte string for display: as text if it is printable UTF-8 (no control characters), else in
   * the shell's {@code $'…'} notation, where every byte that is not printable ASCII is {@code
   * \xHH}. The two never look alike unless the text itself starts with {@code $'}.
   */
  public static String display(String byteString) {
    if (byteString == null) {
      return null;
    }
    byte[] b = byteString.getBytes(StandardCharsets.ISO_8859_1);
    if (isByteString(byteString)) {
      try {
        String text =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b))
                .toString();
        if (text.codePoints().noneMatch(Character::isISOControl)) {
          return text;
        }
      } catch (CharacterCodingException notText) {
        // shown escaped below
      }
    } else {
      return byteString; // not a byte string: show it as it is
    }
    StringBuilder sb = new StringBuilder("$'");
    for (byte x : b) {
      int c = x & 0xff;
      if (c == '\'' || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.append('\'').toString();
  }
}
