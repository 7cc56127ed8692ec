package dev.pbkv.net.tls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 password hash, written {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}
 * (salt and hash in base64). Checking a password derives its key with the same salt and iterations
 * and compares the two keys with {@link MessageDigest#isEqual} (constant time).
 *
 * @param iterations PBKDF2 iterations, {@value #MIN_ITERATIONS} to {@value #MAX_ITERATIONS}
 * @param salt 16 to 64 random bytes
 * @param hash the derived key, {@value #HASH_BYTES} bytes
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {
  /** Iterations of new hashes (OWASP's 2023 advice for PBKDF2-HMAC-SHA256 is 600 000). */
  public static final int DEFAULT_ITERATIONS = 600_000;

  /** The fewest iterations accepted in a users file. */
  public static final int MIN_ITERATIONS = 10_000;

  /** The most iterations accepted (a check must not stall a server for long). */
  public static final int MAX_ITERATIONS = 10_000_000;

  /** The derived key's length. */
  public static final int HASH_BYTES = 32;

  private static final String PREFIX = "pbkdf2-sha256:";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Checks the sizes. */
  public PasswordHash {
    if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException(
          "iterations must be " + MIN_ITERATIONS + " to " + MAX_ITERATIONS + ", got " + iterations);
    }
    if (salt.length < 16 || salt.length > 64) {
      throw new IllegalArgumentException("the salt must be 16 to 64 bytes, got " + salt.length);
    }
    if (hash.length != HASH_BYTES) {
      throw new IllegalArgumentException(
          "the hash must be " + HASH_BYTES + " bytes, got " + hash.length);
    }
    salt = salt.clone();
    hash = hash.clone();
  }

  /** A new hash of {@code password} with a fresh 16-byte salt. */
  public static PasswordHash of(char[] password, int iterations) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return new PasswordHash(iterations, salt, derive(password, salt, iterations));
  }

  /**
   * Parses {@code pbkdf2-sha256:ITERATIONS:SALT:HASH}.
   *
   * @throws IllegalArgumentException in one line, if it is not one
   */
  public static PasswordHash parse(String text) {
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a password hash starts with '" + PREFIX + "'");
    }
    String[] parts = text.substring(PREFIX.length()).split(":", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "a password hash is " + PREFIX + "ITERATIONS:SALT:HASH (base64)");
    }
    try {
      return new PasswordHash(
          Integer.parseInt(parts[0]),
          Base64.getDecoder().decode(parts[1]),
          Base64.getDecoder().decode(parts[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the iterations '" + parts[0] + "' are not a number");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad password hash: " + e.getMessage());
    }
  }

  /** True if {@code password} is the one hashed; always derives a full key (constant time). */
  public boolean matches(char[] password) {
    return MessageDigest.isEqual(derive(password, salt, iterations), hash);
  }

  @Override
  public byte[] salt() {
    return salt.clone();
  }

  @Override
  public byte[] hash() {
    return hash.clone();
  }

  @Override
  public String toString() {
    Base64.Encoder b = Base64.getEncoder();
    return PREFIX + iterations + ":" + b.encodeToString(salt) + ":" + b.encodeToString(hash);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PasswordHash p
        && p.iterations == iterations
        && java.util.Arrays.equals(p.salt, salt)
        && java.util.Arrays.equals(p.hash, hash);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(hash);
  }

  static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no PBKDF2WithHmacSHA256 in this JDK", e);
    } finally {
      spec.clearPassword();
    }
  }
}
