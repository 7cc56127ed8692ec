package dev.pbkv.net.wire;

/**
 * Bytes that are not a valid pbkv {@link Envelope}: malformed protobuf, an unknown message type, a
 * missing required field, a bad address or a semantically invalid value (such as a view without a
 * primary). The message is always a single line naming the problem, fit for a log line.
 */
public final class WireFormatException extends Exception {

  /**
   * A wire-format problem.
   *
   * @param reason what is wrong (line breaks are replaced so the message stays on one line)
   */
  public WireFormatException(String reason) {
    super(oneLine(reason));
  }

  /**
   * A wire-format problem found through another exception.
   *
   * @param reason what is wrong (line breaks are replaced so the message stays on one line)
   * @param cause the exception that revealed it
   */
  public WireFormatException(String reason, Throwable cause) {
    super(oneLine(reason), cause);
  }

  static String oneLine(String s) {
    if (s == null) {
      return "(no reason given)";
    }
    return s.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ').strip();
  }
}
