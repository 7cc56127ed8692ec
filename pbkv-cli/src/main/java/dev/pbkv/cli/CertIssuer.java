package dev.pbkv.cli;

import dev.pbkv.net.tls.PeerRole;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * A certificate authority for one cluster ({@code pbkv certs}): ECDSA P-256 keys, certificates
 * built with Bouncy Castle and signed by the JDK's provider, written as PEM (certificates) and
 * unencrypted PKCS#8 PEM (keys, readable by the owner only).
 *
 * <p>Every certificate but the CA's carries its role as a SAN URI ({@link PeerRole}); members carry
 * their host as a DNS name or IP address SAN (what peers check the connection against), clients
 * their user name as {@code pbkv:user:NAME} (and as the CN).
 */
final class CertIssuer {
  /** Certificates start being valid this long before they are made (clocks differ). */
  static final Duration SKEW = Duration.ofHours(1);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate caCert;
  private final PrivateKey caKey;

  private CertIssuer(X509Certificate caCert, PrivateKey caKey) {
    this.caCert = caCert;
    this.caKey = caKey;
  }

  X509Certificate caCert() {
    return caCert;
  }

  /** The CA's key, to write it once when the CA is made. */
  PrivateKey caKeyForWrite() {
    return caKey;
  }

  /** A new CA valid for {@code days}. */
  static CertIssuer newAuthority(String name, int days) {
    KeyPair kp = newKeyPair();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
    Instant now = Instant.now();
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(SKEW)),
              Date.from(now.plus(Duration.ofDays(days))),
              subject,
              kp.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      X509Certificate cert = sign(b, kp.getPrivate());
      return new CertIssuer(cert, kp.getPrivate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the CA certificate: " + e, e);
    }
  }

  /** The CA in {@code caCrt} and {@code caKey} (PEM files written by {@link #write}). */
  static CertIssuer load(Path caCrt, Path caKey) {
    try {
      return new CertIssuer(readCert(caCrt), readKey(caKey));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new UserError("cannot read the CA (" + caCrt + ", " + caKey + "): " + e.getMessage());
    }
  }

  /** A certificate and its key. */
  record Issued(X509Certificate cert, PrivateKey key) {}

  /**
   * A certificate for {@code role}: {@code name} is the member's host (DNS name or IP address) or
   * the client's user name. Valid from {@code notBefore} to {@code notAfter}.
   */
  Issued issue(PeerRole role, String name, Instant notBefore, Instant notAfter) {
    KeyPair kp = newKeyPair();
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "pbkv")
            .addRDN(BCStyle.OU, role.word())
            .addRDN(BCStyle.CN, name)
            .build();
    List<GeneralName> sans = new ArrayList<>();
    sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, role.uri()));
    if (role == PeerRole.CLIENT) {
      sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, PeerRole.USER_URI + name));
    } else {
      sans.add(new GeneralName(isIp(name) ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    try {
      JcaX509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              caCert, serial(), Date.from(notBefore), Date.from(notAfter), subject, kp.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          role == PeerRole.CLIENT
              ? new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
              : new ExtendedKeyUsage(
                  new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                  }));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(new GeneralName[0])));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      return new Issued(sign(b, caKey), kp.getPrivate());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the certificate for " + name + ": " + e, e);
    }
  }

  /**
   * {@link #issue(PeerRole, String, Instant, Instant)}, valid from now (less the skew) for days.
   */
  Issued issue(PeerRole role, String name, int days) {
    Instant now = Instant.now();
    return issue(role, name, now.minus(SKEW), now.plus(Duration.ofDays(days)));
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
      X509CertificateHolder holder = b.build(signer);
      return new JcaX509CertificateConverter().getCertificate(holder);
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 in this JDK: " + e, e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  static boolean isIp(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }

  /** The PEM text of a certificate. */
  static String pem(Object certOrKey) {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      if (certOrKey instanceof PrivateKey k) {
        w.writeObject(new JcaPKCS8Generator(k, null));
      } else {
        w.writeObject(certOrKey);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return s.toString();
  }

  /**
   * Writes {@code text} to the new file {@code file} (refusing to replace one), readable by the
   * owner only when {@code secret}.
   */
  static void write(Path file, String text, boolean secret) throws IOException {
    Files.writeString(
        file, text, StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE_NEW);
    if (secret) {
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the folder's permissions protect the key
      }
    }
  }

  static X509Certificate readCert(Path file) throws IOException, GeneralSecurityException {
    try (var in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file)))) {
      Object o = p.readObject();
      if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
      }
      if (o instanceof PKCS8EncryptedPrivateKeyInfo) {
        throw new GeneralSecurityException("the key is encrypted");
      }
      throw new GeneralSecurityException("not an unencrypted PKCS#8 EC key");
    }
  }
}
