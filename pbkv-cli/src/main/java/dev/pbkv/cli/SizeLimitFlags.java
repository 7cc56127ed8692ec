package dev.pbkv.cli;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.SizeLimits;

/** The {@code --max-key-bytes} and {@code --max-value-bytes} flags of servers and clients. */
final class SizeLimitFlags {
  private SizeLimitFlags() {}

  /**
   * The most either limit may be: half the 64 MiB frame limit, so that a value, its key and the
   * message around it (a reply, a forward of one op, a state-transfer chunk) fit in one frame.
   */
  static final long MAX_LIMIT_BYTES = 32L << 20;

  static SizeLimits limits(long maxKeyBytes, long maxValueBytes) {
    check("--max-key-bytes", maxKeyBytes);
    check("--max-value-bytes", maxValueBytes);
    return new SizeLimits((int) maxKeyBytes, (int) maxValueBytes);
  }

  private static void check(String flag, long bytes) {
    if (bytes < 1 || bytes > MAX_LIMIT_BYTES) {
      throw new UserError(
          flag + " must be 1 byte to 32 MiB (half the frame limit), got " + bytes + " bytes");
    }
  }

  /**
   * Refuses {@code command} when it is over {@code limits}, with one line that names the limit and
   * its flag, e.g. "value of 2,097,152 bytes is over the limit of 1,048,576 bytes
   * (--max-value-bytes)".
   */
  static void require(SizeLimits limits, Command command) {
    SizeLimits.Violation v = limits.check(command);
    if (v != null) {
      throw new UserError(
          v.message()
              + (v.kind() == SizeLimits.Kind.KEY ? " (--max-key-bytes)" : " (--max-value-bytes)"));
    }
  }
}
