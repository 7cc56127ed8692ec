package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real processes over TLS ({@code pbkv certs}, then the --tls-* flags): clients work
 * with a certificate from the cluster's CA, {@code pbkv status} says the cluster is secured, and a
 * client without TLS gets nowhere.
 */
class TlsClusterIT {
  @TempDir Path certs;
  private final ProcessCluster cluster = new ProcessCluster();

  @AfterEach
  void stop() {
    cluster.close();
  }

  static String[] with(Path certs, String name, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(ProcessCluster.tlsArgs(certs, name));
    return all.toArray(new String[0]);
  }

  @Test
  void when_theClusterRunsTls_then_clientsWithCertificatesWork_andStatusSaysSecured()
      throws Exception {
    MainTest.Run made =
        MainTest.run(
            "certs",
            "--out",
            certs.toString(),
            "--servers",
            "127.0.0.1",
            "--viewservers",
            "127.0.0.1",
            "--clients",
            "alice");
    assertThat(made.exit()).as(made.err()).isZero();
    cluster.secure(certs);
    Address vs = cluster.startViewService();
    cluster.startServer(0);
    cluster.startServer(0);
    String v = "--viewserver=" + vs.name();

    MainTest.Run put =
        MainTest.run(with(certs, "client-alice", "put", v, "--timeout", "30s", "k", "secret"));
    assertThat(put.exit()).as(put.err()).isZero();
    MainTest.Run get = MainTest.run(with(certs, "client-alice", "get", v, "k"));
    assertThat(get.exit()).as(get.err()).isZero();
    assertThat(get.out().strip()).isEqualTo("secret");

    MainTest.Run status = MainTest.run(with(certs, "client-alice", "status", v));
    assertThat(status.out()).contains("security: TLS");

    // plain TCP to a TLS port: refused (the view service logs it once), exit 2, one line
    MainTest.Run plain = MainTest.run("get", v, "--timeout", "2s", "k");
    assertThat(plain.exit()).as(plain.out() + plain.err()).isNotZero();
    assertThat(plain.err().strip().lines()).hasSize(1);
    String vsLog = Files.readString(cluster.logDir().resolve("viewserver-1.log"));
    assertThat(vsLog).contains("(TLS)").contains("refused 127.0.0.1:").contains("TLS handshake");
  }
}
