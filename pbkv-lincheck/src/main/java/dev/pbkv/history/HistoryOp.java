package dev.pbkv.history;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;

/**
 * One client operation in a history: who called it, when it was called and when it returned
 * (virtual microseconds), and its result. An op without a result is <em>indeterminate</em>: it may
 * have taken effect at any point after its call, or never.
 */
public record HistoryOp(
    int id, String client, long callMicros, long returnMicros, Command command, Result result) {

  /** Marks an op that has not returned. */
  public static final long NEVER = Long.MAX_VALUE;

  public boolean isIndeterminate() {
    return result == null;
  }

  @Override
  public String toString() {
    return "#"
        + id
        + " "
        + client
        + " "
        + command
        + " -> "
        + (result == null ? "?" : abbreviate(result.toString()))
        + " ["
        + callMicros
        + ", "
        + (returnMicros == NEVER ? "…" : returnMicros)
        + "]";
  }

  /** Long values (appends grow) keep their last 60 characters, where the news is. */
  private static String abbreviate(String text) {
    return text.length() <= 64
        ? text
        : "…" + text.substring(text.length() - 60) + " (" + text.length() + " chars)";
  }
}
