package dev.pbkv.net.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * What a certificate allows its holder to be, marked in the certificate as a subject alternative
 * name URI {@code pbkv:role:server}, {@code pbkv:role:viewservice} or {@code pbkv:role:client}
 * ({@code pbkv certs} writes it). A certificate without such a URI (or with two) has no role: it
 * may connect, but it is neither a member nor a user.
 */
public enum PeerRole {
  /** A key-value server: pings, forwards, transfers state, acks, answers clients. */
  SERVER("server"),
  /** The view service: the only sender of views. */
  VIEWSERVICE("viewservice"),
  /** A user of the store; its name is the SAN URI {@code pbkv:user:NAME}. */
  CLIENT("client");

  /** The URI prefix that marks a role. */
  public static final String ROLE_URI = "pbkv:role:";

  /** The URI prefix that names a client certificate's user. */
  public static final String USER_URI = "pbkv:user:";

  private static final int SAN_URI = 6;

  private final String word;

  PeerRole(String word) {
    this.word = word;
  }

  /** The word in the certificate, e.g. {@code server}. */
  public String word() {
    return word;
  }

  /** The SAN URI that marks this role, e.g. {@code pbkv:role:server}. */
  public String uri() {
    return ROLE_URI + word;
  }

  /** The role {@code cert} is marked with, or null when it has none or more than one. */
  public static PeerRole of(X509Certificate cert) {
    PeerRole found = null;
    for (String uri : uris(cert)) {
      if (uri.startsWith(ROLE_URI)) {
        PeerRole r = byWord(uri.substring(ROLE_URI.length()));
        if (r == null || (found != null && found != r)) {
          return null;
        }
        found = r;
      }
    }
    return found;
  }

  /** The user a client certificate names ({@code pbkv:user:NAME}), or null. */
  public static String user(X509Certificate cert) {
    for (String uri : uris(cert)) {
      if (uri.startsWith(USER_URI) && uri.length() > USER_URI.length()) {
        return uri.substring(USER_URI.length());
      }
    }
    return null;
  }

  private static PeerRole byWord(String word) {
    for (PeerRole r : values()) {
      if (r.word.equals(word)) {
        return r;
      }
    }
    return null;
  }

  /** The SAN URIs of {@code cert}. */
  static List<String> uris(X509Certificate cert) {
    return sans(cert, SAN_URI);
  }

  /** The DNS names (type 2) and IP addresses (type 7) of {@code cert}'s SAN. */
  static List<String> hosts(X509Certificate cert) {
    List<String> out = new java.util.ArrayList<>(sans(cert, 2));
    out.addAll(sans(cert, 7));
    return out;
  }

  private static List<String> sans(X509Certificate cert, int type) {
    Collection<List<?>> all;
    try {
      all = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    if (all == null) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (List<?> entry : all) {
      if (entry.size() >= 2
          && entry.get(0) instanceof Integer t
          && t == type
          && entry.get(1) instanceof String s) {
        out.add(s);
      }
    }
    return out;
  }
}
