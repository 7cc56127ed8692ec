package dev.pbkv.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line arguments as bytes. The JVM decodes {@code argv} with the locale's charset, which
 * turns bytes that are not text into U+FFFD, so two different keys could become one. On Linux the
 * exact bytes are in {@code /proc/self/cmdline}; {@link #recover} re-decodes the arguments from
 * there as UTF-8 in which every byte that is not UTF-8 becomes the lone surrogate U+DC80 + byte
 * (Python's "surrogateescape"), and {@link #bytes} turns such a string back into exactly the bytes
 * given. Text arguments are unchanged; the shell's {@code $'\xHH'} quoting produces the same form.
 */
final class ArgBytes {
  private ArgBytes() {}

  /**
   * The arguments with their exact bytes, where the process's command line can be read and matches
   * {@code args}; else {@code args} as they are.
   */
  static String[] recover(String[] args) {
    Path cmdline = Path.of("/proc/self/cmdline");
    if (args.length == 0 || !Files.isReadable(cmdline)) {
      return args;
    }
    List<byte[]> raw = new ArrayList<>();
    try {
      byte[] all = Files.readAllBytes(cmdline);
      int start = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] == 0) {
          raw.add(java.util.Arrays.copyOfRange(all, start, i));
          start = i + 1;
        }
      }
    } catch (IOException | RuntimeException e) {
      return args;
    }
    if (raw.size() < args.length) {
      return args;
    }
    List<byte[]> tail = raw.subList(raw.size() - args.length, raw.size());
    String[] out = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      String exact = fromBytes(tail.get(i));
      boolean ascii = exact.chars().allMatch(c -> c < 0x80);
      if (ascii ? !exact.equals(args[i]) : args[i].chars().allMatch(c -> c < 0x80 && c != '?')) {
        return args; // the command line is not the one these arguments came from
      }
      out[i] = exact;
    }
    return out;
  }

  /** {@code bytes} as UTF-8, with each byte that is not UTF-8 as U+DC80 + byte. */
  static String fromBytes(byte[] bytes) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    while (true) {
      CoderResult r = d.decode(in, out, true);
      if (r.isUnderflow()) {
        d.flush(out);
        return out.flip().toString();
      }
      if (r.isError()) {
        for (int i = 0; i < r.length(); i++) {
          out.put((char) (0xDC00 | (in.get() & 0xff)));
        }
      }
    }
  }

  /** The bytes an argument stands for: UTF-8, with U+DC80..U+DCFF as the byte they escape. */
  static byte[] bytes(String arg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(arg.length());
    int i = 0;
    while (i < arg.length()) {
      char c = arg.charAt(i);
      if (c >= 0xDC80 && c <= 0xDCFF) {
        out.write(c & 0xff);
        i++;
        continue;
      }
      int cp = arg.codePointAt(i);
      int n = Character.charCount(cp);
      out.writeBytes(arg.substring(i, i + n).getBytes(StandardCharsets.UTF_8));
      i += n;
    }
    return out.toByteArray();
  }
}
