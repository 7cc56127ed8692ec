package dev.pbkv.cli;

/** A mistake in what the user asked for; reported as one line, never as a stack trace. */
final class UserError extends RuntimeException {
  UserError(String message) {
    super(message, null, false, false);
  }
}
