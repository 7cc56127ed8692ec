package dev.pbkv.cli;

import dev.pbkv.net.tls.TlsConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --tls-cert}, {@code --tls-key}, {@code --tls-ca}: TLS on every connection. */
final class TlsOptions {
  @Option(
      names = "--tls-cert",
      paramLabel = "FILE.crt",
      defaultValue = "${env:PBKV_TLS_CERT}",
      description =
          "this process's certificate (PEM, from pbkv certs); with --tls-key and --tls-ca every"
              + " connection uses TLS [PBKV_TLS_CERT]")
  Path cert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE.key",
      defaultValue = "${env:PBKV_TLS_KEY}",
      description = "the certificate's private key (PKCS#8 PEM, unencrypted) [PBKV_TLS_KEY]")
  Path key;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE.crt",
      defaultValue = "${env:PBKV_TLS_CA}",
      description =
          "the CA certificate (PEM) that every peer's certificate must be signed by; without"
              + " --tls-* the connections are plain TCP [PBKV_TLS_CA]")
  Path ca;

  @Option(
      names = "--tls-provider",
      paramLabel = "auto|jdk|openssl",
      defaultValue = "${env:PBKV_TLS_PROVIDER:-auto}",
      description =
          "the TLS engine: BoringSSL (openssl, bundled for Linux x86-64) or the JDK's; auto"
              + " (the default) takes BoringSSL where it loads [PBKV_TLS_PROVIDER]")
  String provider;

  /** The TLS files, or null for plain TCP; a partial or unreadable set is a one-line error. */
  TlsConfig config() {
    try {
      TlsConfig config =
          TlsConfig.of(
              cert, key, ca, TlsConfig.Provider.parse(provider == null ? "auto" : provider));
      if (config != null) {
        config.engineName(); // --tls-provider openssl where BoringSSL does not load: one line now
      }
      return config;
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
  }
}
