package dev.pbkv.net.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The users file ({@code pbkv server --users FILE}): who may use the store and which keys. One user
 * per line, fields separated by spaces:
 *
 * <pre>
 * # NAME  PASSWORD-HASH or -      read=PREFIX,...   write=PREFIX,...
 * alice   pbkdf2-sha256:600000:…  read=app/,shared/ write=app/
 * ops     -                       read=*            write=*
 * </pre>
 *
 * <p>{@code -} instead of a hash: the user can only log in with a client certificate ({@code pbkv
 * certs --clients NAME}). A prefix {@code *} is every key; a key is readable (get, and the value a
 * compare-and-set returns) if it starts with one of the read prefixes, writable (put, append,
 * delete, compare-and-set) with one of the write prefixes; a compare-and-set needs both. {@code
 * read=} or {@code write=} left out or empty: nothing. Prefixes are UTF-8 text matched against the
 * key's bytes. Lines starting with {@code #} are comments.
 *
 * <p>Limits: the file at most {@value #MAX_BYTES} bytes, {@value #MAX_USERS} users, {@value
 * #MAX_PREFIXES} prefixes per user. Any malformed line is an error naming the file and line.
 */
public final class Users {
  /** The largest users file read. */
  public static final int MAX_BYTES = 1 << 20;

  /** The most users in a file. */
  public static final int MAX_USERS = 10_000;

  /** The most prefixes (read and write together) of one user. */
  public static final int MAX_PREFIXES = 100;

  /** One user: the password hash (null: certificate only) and the key prefixes. */
  public record User(String name, PasswordHash hash, List<String> read, List<String> write) {
    /** True if this user may read {@code key}. */
    public boolean mayRead(String key) {
      return matches(read, key);
    }

    /** True if this user may write {@code key}. */
    public boolean mayWrite(String key) {
      return matches(write, key);
    }

    private static boolean matches(List<String> prefixes, String key) {
      for (String p : prefixes) {
        if (p.equals("*") || key.startsWith(p)) {
          return true;
        }
      }
      return false;
    }

    /** The line for this user in a users file. */
    public String line() {
      return name
          + " "
          + (hash == null ? "-" : hash.toString())
          + " read="
          + String.join(",", read.stream().map(Users::text).toList())
          + " write="
          + String.join(",", write.stream().map(Users::text).toList());
    }
  }

  private final Map<String, User> users;

  private Users(Map<String, User> users) {
    this.users = users;
  }

  /** The user named {@code name}, or null. */
  public User get(String name) {
    return users.get(name);
  }

  /** How many users. */
  public int size() {
    return users.size();
  }

  /**
   * Reads a users file.
   *
   * @throws IllegalArgumentException in one line naming the file (and line) if it cannot be read or
   *     is malformed
   */
  public static Users read(Path file) {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(
            "--users " + file + ": over " + MAX_BYTES + " bytes, the limit");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("--users " + file + ": no such file");
    } catch (IOException e) {
      throw new IllegalArgumentException("--users " + file + ": cannot read it: " + e.getMessage());
    }
    Map<String, User> users = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      User u;
      try {
        u = parse(line);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--users " + file + " line " + (i + 1) + ": " + e.getMessage());
      }
      if (users.put(u.name(), u) != null) {
        throw new IllegalArgumentException(
            "--users " + file + " line " + (i + 1) + ": user '" + u.name() + "' again");
      }
      if (users.size() > MAX_USERS) {
        throw new IllegalArgumentException(
            "--users " + file + ": over " + MAX_USERS + " users, the limit");
      }
    }
    return new Users(users);
  }

  /** Parses one line: {@code NAME HASH|- [read=P,...] [write=P,...]}. */
  public static User parse(String line) {
    String[] f = line.strip().split("\\s+");
    if (f.length < 2) {
      throw new IllegalArgumentException("expected NAME HASH|- read=PREFIX,... write=PREFIX,...");
    }
    if (!UserName.valid(f[0])) {
      throw new IllegalArgumentException("'" + f[0] + "' is not a user name");
    }
    PasswordHash hash = f[1].equals("-") ? null : PasswordHash.parse(f[1]);
    List<String> read = List.of();
    List<String> write = List.of();
    for (int i = 2; i < f.length; i++) {
      if (f[i].startsWith("read=")) {
        read = prefixes(f[i].substring(5));
      } else if (f[i].startsWith("write=")) {
        write = prefixes(f[i].substring(6));
      } else {
        throw new IllegalArgumentException("'" + f[i] + "' is neither read=... nor write=...");
      }
    }
    if (read.size() + write.size() > MAX_PREFIXES) {
      throw new IllegalArgumentException("over " + MAX_PREFIXES + " prefixes");
    }
    return new User(f[0], hash, read, write);
  }

  private static List<String> prefixes(String list) {
    List<String> out = new ArrayList<>();
    for (String p : list.split(",")) {
      if (!p.isEmpty()) {
        out.add(p.equals("*") ? "*" : bytes(p));
      }
    }
    return List.copyOf(out);
  }

  /** UTF-8 text as a byte string (one char per byte), as keys are held. */
  static String bytes(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  static String text(String bytes) {
    return bytes.equals("*")
        ? "*"
        : new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
