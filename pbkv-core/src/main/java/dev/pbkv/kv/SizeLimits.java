package dev.pbkv.kv;

import java.util.Locale;

/**
 * The largest key and value a cluster takes (docs/design.md §10). The client library refuses a
 * command over a limit before sending it, and the primary refuses one with a {@link Result.Error}
 * before it enters the log: never executed, never forwarded. An {@link Command.Append} whose result
 * would be over the value limit is refused too. The simulator and the model checker run the same
 * checks, since the server runs them.
 *
 * @param maxKeyBytes the most bytes of a key (and of a scan's prefix and cursor)
 * @param maxValueBytes the most bytes of a value: a put's, a compare-and-set's expected value and
 *     update, an append's argument and the value an append produces
 */
public record SizeLimits(int maxKeyBytes, int maxValueBytes) {
  /** The default key limit: 64 KiB. */
  public static final int DEFAULT_MAX_KEY_BYTES = 64 << 10;

  /** The default value limit: 1 MiB. */
  public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;

  /** The defaults: 64 KiB keys, 1 MiB values. */
  public static final SizeLimits DEFAULTS =
      new SizeLimits(DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES);

  public SizeLimits {
    if (maxKeyBytes <= 0) {
      throw new IllegalArgumentException("maxKeyBytes must be > 0, got " + maxKeyBytes);
    }
    if (maxValueBytes <= 0) {
      throw new IllegalArgumentException("maxValueBytes must be > 0, got " + maxValueBytes);
    }
  }

  /** Which limit a refusal names (the CLI adds the flag that sets it). */
  public enum Kind {
    KEY,
    VALUE
  }

  /** Why a command is refused: which limit, and the sentence that says so. */
  public record Violation(Kind kind, String message) {}

  /**
   * The first limit {@code command} is over, or {@code null} when it is within every limit. Byte
   * strings count one byte per char (docs/design.md §5).
   */
  public Violation check(Command command) {
    Violation v = key("key", command.key());
    if (v != null) {
      return v;
    }
    if (command instanceof Command.Put p) {
      return value("value", p.value());
    } else if (command instanceof Command.Append a) {
      return value("value", a.value());
    } else if (command instanceof Command.CompareAndSet c) {
      v = c.expected() == null ? null : value("expected value", c.expected());
      return v != null ? v : value("value", c.update());
    } else if (command instanceof Command.Scan s) {
      return s.after() == null ? null : key("cursor", s.after());
    }
    return null;
  }

  /** The refusal of an append whose result would hold {@code resultBytes}, or {@code null}. */
  public Violation checkAppendResult(long resultBytes) {
    return resultBytes > maxValueBytes
        ? new Violation(
            Kind.VALUE,
            "the appended value would hold "
                + grouped(resultBytes)
                + " bytes, over the limit of "
                + grouped(maxValueBytes)
                + " bytes")
        : null;
  }

  private Violation key(String what, String key) {
    return key.length() > maxKeyBytes
        ? new Violation(Kind.KEY, over(what, key.length(), maxKeyBytes))
        : null;
  }

  private Violation value(String what, String value) {
    return value.length() > maxValueBytes
        ? new Violation(Kind.VALUE, over(what, value.length(), maxValueBytes))
        : null;
  }

  private static String over(String what, long bytes, long limit) {
    return what
        + " of "
        + grouped(bytes)
        + " bytes is over the limit of "
        + grouped(limit)
        + " bytes";
  }

  /** {@code n} with thousands separators: 1,048,576. */
  public static String grouped(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
