package dev.pbkv.net.tls;

import java.util.regex.Pattern;

/** User names: 1 to {@value #MAX_LENGTH} letters, digits, dots, underscores and dashes. */
public final class UserName {
  /** The longest user name. */
  public static final int MAX_LENGTH = 64;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

  private UserName() {}

  /** True if {@code name} is a valid user name. */
  public static boolean valid(String name) {
    return name != null && VALID.matcher(name).matches();
  }
}
