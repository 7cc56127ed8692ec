package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.net.tls.PeerRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pbkv certs}: the files it writes are what the JDK (and so the TLS runtime) reads. */
class CertsCommandTest {
  @TempDir Path dir;

  static X509Certificate cert(Path file) throws Exception {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  /** The key, read by the JDK alone from the PEM's base64 PKCS#8 body. */
  static java.security.PrivateKey key(Path file) throws Exception {
    String pem = Files.readString(file);
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return KeyFactory.getInstance("EC")
        .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
  }

  @Test
  void when_certsAreMade_then_theJdkReadsThemWithRoleAndIdentityAndTheCaSignedThem()
      throws Exception {
    MainTest.Run r =
        MainTest.run(
            "certs",
            "--out",
            dir.toString(),
            "--servers",
            "127.0.0.1,db1.example",
            "--viewservers",
            "127.0.0.1",
            "--clients",
            "alice",
            "--days",
            "30");
    assertThat(r.exit()).as(r.err()).isZero();
    X509Certificate ca = cert(dir.resolve("ca.crt"));
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);

    X509Certificate server = cert(dir.resolve("server-127.0.0.1.crt"));
    server.verify(ca.getPublicKey());
    server.checkValidity();
    assertThat(PeerRole.of(server)).isEqualTo(PeerRole.SERVER);
    assertThat(server.getSubjectAlternativeNames()).contains(List.of(7, "127.0.0.1"));
    assertThat(server.getExtendedKeyUsage())
        .contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"); // serverAuth, clientAuth
    long days = (server.getNotAfter().getTime() - System.currentTimeMillis()) / 86_400_000L;
    assertThat(days).isBetween(29L, 30L);

    X509Certificate named = cert(dir.resolve("server-db1.example.crt"));
    assertThat(named.getSubjectAlternativeNames()).contains(List.of(2, "db1.example"));

    X509Certificate vs = cert(dir.resolve("viewservice-127.0.0.1.crt"));
    vs.verify(ca.getPublicKey());
    assertThat(PeerRole.of(vs)).isEqualTo(PeerRole.VIEWSERVICE);

    X509Certificate alice = cert(dir.resolve("client-alice.crt"));
    alice.verify(ca.getPublicKey());
    assertThat(PeerRole.of(alice)).isEqualTo(PeerRole.CLIENT);
    assertThat(PeerRole.user(alice)).isEqualTo("alice");
    assertThat(PeerRole.of(ca)).isNull();

    // the key belongs to the certificate: what it signs, the certificate's public key verifies
    java.security.PrivateKey k = key(dir.resolve("client-alice.key"));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(k);
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(alice.getPublicKey());
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).isTrue();
    assertThat(alice.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(Files.getPosixFilePermissions(dir.resolve("client-alice.key")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void when_filesExist_then_nothingIsOverwritten_andTheCaIsReusedForNewUsers() throws Exception {
    assertThat(MainTest.run("certs", "--out", dir.toString(), "--clients", "alice").exit())
        .isZero();
    String before = Files.readString(dir.resolve("client-alice.crt"));
    MainTest.Run again = MainTest.run("certs", "--out", dir.toString(), "--clients", "alice");
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("client-alice.crt exists already: refusing to overwrite");
    assertThat(Files.readString(dir.resolve("client-alice.crt"))).isEqualTo(before);

    MainTest.Run bob =
        MainTest.run("certs", "--out", dir.toString(), "--clients", "bob", "--days", "0");
    assertThat(bob.exit()).as(bob.err()).isZero();
    assertThat(bob.out()).contains("using the CA", "expired already");
    X509Certificate b = cert(dir.resolve("client-bob.crt"));
    b.verify(cert(dir.resolve("ca.crt")).getPublicKey());
    assertThatThrownBy(b::checkValidity).isInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void when_aNameIsBad_then_oneLineAndNothingWritten() throws Exception {
    MainTest.Run r = MainTest.run("certs", "--out", dir.toString(), "--clients", "al ice");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo("pbkv certs: 'al ice' is not a user name (1-64 of letters, digits, . _ -)");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
