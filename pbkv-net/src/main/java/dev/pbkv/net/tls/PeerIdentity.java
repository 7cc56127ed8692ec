package dev.pbkv.net.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is at the other end of a TLS connection, as its certificate says (nothing it claims in a
 * message counts): the role ({@link PeerRole}, null for none or no certificate), the hosts a
 * member's certificate names (DNS and IP SANs), the user a client certificate names, and its
 * subject for log lines.
 */
public record PeerIdentity(PeerRole role, List<String> hosts, String user, String subject) {
  /** A peer that sent no certificate (a password client, or an intruder). */
  public static final PeerIdentity NONE = new PeerIdentity(null, List.of(), null, "no certificate");

  /** The identity in a completed handshake's session. */
  public static PeerIdentity of(SSLSession session) {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return NONE;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
      return NONE;
    }
    PeerRole role = PeerRole.of(cert);
    return new PeerIdentity(
        role,
        PeerRole.hosts(cert).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
        role == PeerRole.CLIENT ? PeerRole.user(cert) : null,
        cert.getSubjectX500Principal().getName());
  }

  /** True if this is a member of {@code role} whose certificate names {@code host}. */
  public boolean isMember(PeerRole role, String host) {
    return this.role == role && host != null && hosts.contains(host.toLowerCase(Locale.ROOT));
  }

  /** "server certificate CN=…", "no certificate": for log lines. */
  public String describe() {
    if (this == NONE) {
      return "a peer without a certificate";
    }
    return (role == null
            ? "a certificate without a pbkv role"
            : "a " + role.word() + " certificate")
        + " ("
        + subject
        + ")";
  }

  /**
   * The host of a node address {@code HOST:PORT} (IPv6 in brackets, taken out), or null when the
   * address is not one (a client session's name). Parses only: no name lookup.
   */
  public static String hostOf(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      return null;
    }
    for (int i = colon + 1; i < address.length(); i++) {
      if (!Character.isDigit(address.charAt(i))) {
        return null;
      }
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return null;
    }
    return host.isEmpty() ? null : host;
  }
}
