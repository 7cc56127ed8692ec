package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pbkv.net.DirectClient;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvException;
import dev.pbkv.net.tls.TlsConfig;
import dev.pbkv.node.Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of real processes over TLS ({@code pbkv certs}, then the --tls-* flags): clients work
 * with a certificate from the cluster's CA, {@code pbkv status} says the cluster is secured, and a
 * client without TLS gets nowhere. {@code DirectClient} ({@code bench --client direct}) too.
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
    directClientOverTls(vs, v);
  }

  /** DirectClient with the same --tls-* files as PbkvClient, against the same TLS cluster. */
  private void directClientOverTls(Address vs, String v) {
    TlsConfig alice =
        new TlsConfig(
            certs.resolve("client-alice.crt"),
            certs.resolve("client-alice.key"),
            certs.resolve("ca.crt"));
    String big = "x".repeat(100_000); // several TLS records each way
    try (DirectClient d = DirectClient.connect(vs.name(), Duration.ofSeconds(30), alice)) {
      assertThat(d.get("k")).isEqualTo("secret"); // written by PbkvClient above
      d.put("direct", "over TLS");
      assertThat(d.get("direct")).isEqualTo("over TLS");
      d.put("big", big);
      assertThat(d.get("big")).isEqualTo(big);
    }
    // the same with each TLS engine (auto above takes BoringSSL where it loads)
    for (TlsConfig.Provider engine : TlsConfig.Provider.values()) {
      if (engine == TlsConfig.Provider.OPENSSL && !io.netty.handler.ssl.OpenSsl.isAvailable()) {
        continue;
      }
      TlsConfig withEngine = new TlsConfig(alice.cert(), alice.key(), alice.ca(), engine);
      try (DirectClient d = DirectClient.connect(vs.name(), Duration.ofSeconds(30), withEngine)) {
        d.put("direct-" + engine, big);
        assertThat(d.get("direct-" + engine)).as("%s", engine).isEqualTo(big);
      }
    }
    // plain TCP to the TLS ports: the connection opens, but no op gets an answer
    try (DirectClient plain = DirectClient.connect(vs.name(), Duration.ofSeconds(2))) {
      assertThatThrownBy(() -> plain.get("k")).isInstanceOf(IndeterminateException.class);
    }
    // a certificate of another CA: the handshake fails, and the error says so
    Path rogue = certs.resolve("rogue");
    MainTest.Run made = MainTest.run("certs", "--out", rogue.toString(), "--clients", "alice");
    assertThat(made.exit()).as(made.err()).isZero();
    TlsConfig other =
        new TlsConfig(
            rogue.resolve("client-alice.crt"),
            rogue.resolve("client-alice.key"),
            rogue.resolve("ca.crt"));
    assertThatThrownBy(() -> DirectClient.connect(vs.name(), Duration.ofSeconds(5), other))
        .isInstanceOf(PbkvException.class)
        .hasMessageContaining("TLS handshake failed");
    // the load generator's direct client over TLS: ops complete, no errors
    MainTest.Run bench =
        MainTest.run(
            with(
                certs,
                "client-alice",
                "bench",
                v,
                "--client",
                "direct",
                "--sessions",
                "2",
                "--duration",
                "1s",
                "--warmup",
                "500ms",
                "--json"));
    assertThat(bench.exit()).as(bench.err()).isZero();
    JsonNode result;
    try {
      result = Json.MAPPER.readTree(bench.out());
    } catch (java.io.IOException e) {
      throw new AssertionError(bench.out(), e);
    }
    assertThat(result.get("client").asText()).isEqualTo("direct");
    assertThat(result.get("ops").asLong()).isPositive();
    assertThat(result.get("errors").asLong()).as(bench.out()).isZero();
  }
}
