package dev.pbkv.net.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * The PEM files of one process's TLS: its certificate and key (optional for a client that logs in
 * with a password) and the CA certificate every peer's certificate must be signed by.
 *
 * <p>Both directions verify: a process connecting out checks that the peer's certificate is signed
 * by the CA, valid now, and names the host it connected to (DNS or IP SAN); a process accepting a
 * connection asks for the peer's certificate (optional: a password client has none) and, when one
 * is sent, checks it is signed by the CA and valid. TLS 1.3 and 1.2 only. The TLS engine is
 * BoringSSL (netty-tcnative) where it loads and the JDK's otherwise ({@link Provider}).
 *
 * @param cert this process's certificate chain (PEM), or null
 * @param key its private key (unencrypted PKCS#8 PEM), or null; given exactly when cert is
 * @param ca the CA certificate(s) (PEM) peers are checked against
 * @param provider which TLS engine to use
 */
public record TlsConfig(Path cert, Path key, Path ca, Provider provider) {
  private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /**
   * The TLS engine ({@code --tls-provider}). BoringSSL through netty-tcnative costs about half of
   * what the JDK's engine costs per round trip (bench/tls-roundtrip.sh); the jar carries it for
   * Linux x86-64 only, and elsewhere {@link #AUTO} falls back to the JDK's.
   */
  public enum Provider {
    /** BoringSSL where it loads, else the JDK's engine. */
    AUTO,
    /** The JDK's {@code SSLEngine}. */
    JDK,
    /** BoringSSL (netty-tcnative); an error where it does not load. */
    OPENSSL;

    /**
     * The provider named {@code name} (case-insensitive), or a one-line error naming the choices.
     */
    public static Provider parse(String name) {
      for (Provider p : values()) {
        if (p.name().equalsIgnoreCase(name.trim())) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "--tls-provider " + name + ": unknown; one of auto, jdk, openssl");
    }

    /** The engine this choice gives here. */
    public SslProvider resolve() {
      switch (this) {
        case JDK:
          return SslProvider.JDK;
        case OPENSSL:
          if (!OpenSsl.isAvailable()) {
            throw new IllegalArgumentException(
                "--tls-provider openssl: BoringSSL (netty-tcnative) does not load here: "
                    + OpenSsl.unavailabilityCause());
          }
          return SslProvider.OPENSSL;
        default:
          return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
      }
    }
  }

  /** The files, with the engine chosen automatically. */
  public TlsConfig(Path cert, Path key, Path ca) {
    this(cert, key, ca, Provider.AUTO);
  }

  /**
   * Checks the combination and that the files can be read.
   *
   * @throws IllegalArgumentException in one line naming the option and file
   */
  public TlsConfig {
    if (provider == null) {
      provider = Provider.AUTO;
    }
    if (ca == null) {
      throw new IllegalArgumentException("--tls-ca is required with --tls-cert/--tls-key");
    }
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both");
    }
    readable("--tls-ca", ca);
    if (cert != null) {
      readable("--tls-cert", cert);
      readable("--tls-key", key);
    }
  }

  /**
   * The config the three options give, or null when none is given (plain TCP).
   *
   * @throws IllegalArgumentException if only some are given, or a file cannot be read
   */
  public static TlsConfig of(Path cert, Path key, Path ca) {
    return of(cert, key, ca, Provider.AUTO);
  }

  /** As {@link #of(Path, Path, Path)}, with the TLS engine chosen. */
  public static TlsConfig of(Path cert, Path key, Path ca, Provider provider) {
    if (cert == null && key == null && ca == null) {
      return null;
    }
    return new TlsConfig(cert, key, ca, provider);
  }

  /** The engine in use, for logs: "BoringSSL" or "JDK". */
  public String engineName() {
    return provider.resolve() == SslProvider.OPENSSL ? "BoringSSL (netty-tcnative)" : "JDK";
  }

  private static void readable(String option, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          option + " " + file + ": " + (Files.exists(file) ? "not a file" : "no such file"));
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(option + " " + file + ": not allowed to read it");
    }
  }

  /** The context for connections this process accepts (it must have a certificate). */
  public SslContext serverContext() {
    if (cert == null) {
      throw new IllegalArgumentException("a listening process needs --tls-cert and --tls-key");
    }
    try {
      return SslContextBuilder.forServer(file(cert), file(key))
          .trustManager(file(ca))
          .clientAuth(ClientAuth.OPTIONAL)
          .sslProvider(provider.resolve())
          .protocols(PROTOCOLS)
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(problem(e));
    }
  }

  /** The context for connections this process opens, checking the peer's host name. */
  public SslContext clientContext() {
    try {
      SslContextBuilder b =
          SslContextBuilder.forClient()
              .trustManager(file(ca))
              .sslProvider(provider.resolve())
              .protocols(PROTOCOLS)
              .endpointIdentificationAlgorithm("HTTPS");
      if (cert != null) {
        b.keyManager(file(cert), file(key));
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(problem(e));
    }
  }

  private String problem(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String why = root.getMessage() == null ? root.toString() : root.getMessage();
    return "cannot use the TLS files (--tls-cert "
        + cert
        + ", --tls-key "
        + key
        + ", --tls-ca "
        + ca
        + "): "
        + why.replace('\n', ' ');
  }

  private static File file(Path p) {
    return p.toFile();
  }
}
