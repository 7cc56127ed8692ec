package dev.pbkv.node;

/**
 * A message between nodes. Every protocol defines its messages as records under a {@code sealed}
 * sub-interface of this one. Messages are immutable values: the runtime may deliver the same
 * instance more than once.
 */
public interface Message {
  /** A short name for diagrams and traces, e.g. {@code "Forward v3 #7-9"}: type and key numbers. */
  default String label() {
    return getClass().getSimpleName();
  }

  /** The size of a message that holds a few numbers and no text: {@value} bytes. */
  int SMALL_BYTES = 16;

  /**
   * About how many bytes this message takes on the wire: its encoded size, estimated without
   * encoding it (within a few dozen bytes for small messages and a few percent for large ones; the
   * simulator's links charge it against their bandwidth). By default {@link #SMALL_BYTES}; a
   * message that carries text or data adds its size.
   */
  default int sizeBytes() {
    return SMALL_BYTES;
  }

  /**
   * The wire size of {@code s} (0 for {@code null}), for {@link #sizeBytes()}: keys and values are
   * byte strings, one char per byte ({@code kv.ByteStrings}), so a char up to 255 is one byte; a
   * wider char (text the simulator allows) counts as its UTF-8 size.
   */
  static int bytes(String s) {
    if (s == null) {
      return 0;
    }
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0xff) {
        n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
      }
    }
    return n;
  }

  /** {@code a + b}, saturating at {@link Integer#MAX_VALUE} (sizes of huge messages). */
  static int plus(int a, long b) {
    return (int) Math.min(Integer.MAX_VALUE, a + b);
  }
}
