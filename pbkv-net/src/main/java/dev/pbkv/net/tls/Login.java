package dev.pbkv.net.tls;

import dev.pbkv.node.Message;
import java.util.Objects;

/**
 * A client's user name and password, sent once at the start of each TLS connection before its first
 * request (never over plain TCP). A runtime message: the receiving runtime's {@link PeerGate}
 * checks it and keeps the user for the connection; no node ever sees it. Its text form never shows
 * the password.
 *
 * @param user the user name ({@link UserName})
 * @param password the password, at most {@link #MAX_PASSWORD_CHARS} characters
 */
public record Login(String user, String password) implements Message {
  /** The longest password accepted. */
  public static final int MAX_PASSWORD_CHARS = 1024;

  /** Checks for nulls. */
  public Login {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String label() {
    return "Login " + user;
  }

  @Override
  public int sizeBytes() {
    return Message.plus(Message.plus(SMALL_BYTES, Message.bytes(user)), Message.bytes(password));
  }

  @Override
  public String toString() {
    return "Login[user=" + user + ", password=(hidden)]";
  }
}
