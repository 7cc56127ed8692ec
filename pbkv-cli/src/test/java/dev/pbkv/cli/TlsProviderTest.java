package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.NetRuntime;
import dev.pbkv.net.tls.ConnectionSecurity;
import dev.pbkv.net.tls.TlsConfig;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tls-provider}: both TLS engines carry a request and its reply through the real runtime
 * with the files {@code pbkv certs} writes, each context is the engine asked for, and the bundled
 * BoringSSL loads on the machines the jar is built for (Linux x86-64, where CI runs).
 */
class TlsProviderTest {
  @TempDir Path dir;

  private TlsConfig config(String who, TlsConfig.Provider provider) {
    return new TlsConfig(
        dir.resolve(who + ".crt"), dir.resolve(who + ".key"), dir.resolve("ca.crt"), provider);
  }

  @Test
  void when_eachEngineIsChosen_then_aRoundTripWorks_andTheContextIsThatEngine() throws Exception {
    assertThat(
            MainTest.run(
                    "certs", "--out", dir.toString(), "--servers", "127.0.0.1", "--clients", "t")
                .exit())
        .isZero();
    assertThat(OpenSsl.isAvailable())
        .as("BoringSSL should load here: %s", OpenSsl.unavailabilityCause())
        .isTrue();
    for (TlsConfig.Provider p : TlsConfig.Provider.values()) {
      TlsConfig server = config("server-127.0.0.1", p);
      TlsConfig client = config("client-t", p);
      SslContext ctx = server.serverContext();
      boolean openssl = ctx instanceof ReferenceCountedOpenSslContext;
      assertThat(openssl).as("engine of %s", p).isEqualTo(p != TlsConfig.Provider.JDK);
      assertThat(server.engineName()).startsWith(openssl ? "BoringSSL" : "JDK");
      assertThat(roundTrip(server, client)).as("reply over %s", p).isInstanceOf(Result.Ok.class);
    }
  }

  @Test
  void when_theProviderIsUnknown_then_oneLineNamesTheChoices() {
    assertThatThrownBy(() -> TlsConfig.Provider.parse("boring"))
        .hasMessage("--tls-provider boring: unknown; one of auto, jdk, openssl");
    assertThat(TlsConfig.Provider.parse(" OpenSSL ")).isEqualTo(TlsConfig.Provider.OPENSSL);
  }

  private static Result roundTrip(TlsConfig server, TlsConfig client) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Address srv = Address.of("127.0.0.1:" + port);
    Node echo =
        new Node() {
          @Override
          public void init(Effects fx) {}

          @Override
          public void onMessage(Address from, Message m, Effects fx) {
            if (m instanceof ClientMessage.Request r) {
              fx.send(from, new ClientMessage.Reply(r.seq(), new Result.Ok()));
            }
          }

          @Override
          public void onTimer(Timer t, Effects fx) {}
        };
    CompletableFuture<Result> reply = new CompletableFuture<>();
    Node asker =
        new Node() {
          @Override
          public void init(Effects fx) {
            fx.send(srv, new ClientMessage.Request(1, new Command.Get("k"), 0));
          }

          @Override
          public void onMessage(Address from, Message m, Effects fx) {
            if (m instanceof ClientMessage.Reply r) {
              reply.complete(r.result());
            }
          }

          @Override
          public void onTimer(Timer t, Effects fx) {}
        };
    try (NetRuntime s =
            NetRuntime.listen(
                srv,
                new InetSocketAddress("127.0.0.1", port),
                a -> echo,
                null,
                NetRuntime.DEFAULT_OUTBOUND_CAP_BYTES,
                ConnectionSecurity.member(server));
        NetRuntime c = NetRuntime.client(ConnectionSecurity.client(client))) {
      c.addNode(Address.of("tls-provider-test-1"), asker).join();
      return reply.get(30, TimeUnit.SECONDS);
    }
  }
}
