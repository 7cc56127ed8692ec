package dev.pbkv.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One metered server driven by hand (no network): what it counts, and that it changes nothing. */
class MeteredServerTest {
  private static final Address VS = Address.of("vs");
  private static final Address A = Address.of("a");
  private static final Address CLIENT = Address.of("client1");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Message> sent = new ArrayList<>();
  private final Effects fx =
      new Effects() {
        @Override
        public void send(Address to, Message msg) {
          sent.add(msg);
        }

        @Override
        public void setTimer(Timer timer, long minMillis, long maxMillis) {}
      };

  private double ops(String type, String outcome) {
    var c = registry.find("pbkv.ops").tag("type", type).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  private MeteredServer primaryWithoutBackup() {
    MeteredServer m = new MeteredServer(new PbServer(A, VS, 1, ServerConfig.defaults()), registry);
    m.init(fx);
    m.onMessage(VS, new ViewReply(new View(1, A, null)), fx);
    assertThat(m.server().isServing()).isTrue();
    return m;
  }

  @Test
  void when_aRequestIsRetriedAfterItsAnswer_then_theRepeatCountsAsRetry_notAsASecondOp() {
    MeteredServer m = primaryWithoutBackup();
    var put = new ClientMessage.Request(1, new Command.Put("k", "v"), 1);
    m.onMessage(CLIENT, put, fx);
    m.onMessage(CLIENT, put, fx); // the client's retry, answered from the at-most-once table
    m.onMessage(CLIENT, new ClientMessage.Request(2, new Command.Get("k"), 1), fx);

    assertThat(sent.stream().filter(s -> s instanceof ClientMessage.Reply).count()).isEqualTo(3);
    assertThat(ops("put", "ok")).isEqualTo(1);
    assertThat(ops("put", "retry")).isEqualTo(1);
    assertThat(ops("get", "ok")).isEqualTo(1);
    assertThat(registry.find("pbkv.op.latency").tag("type", "put").timer().count()).isEqualTo(1);
    assertThat(registry.find("pbkv.requests").counter().count()).isEqualTo(3);
  }

  @Test
  void when_aNonPrimaryIsAsked_then_itCountsWrongServer() {
    MeteredServer m = new MeteredServer(new PbServer(A, VS, 1, ServerConfig.defaults()), registry);
    m.init(fx);
    m.onMessage(CLIENT, new ClientMessage.Request(1, new Command.Get("k"), 0), fx);
    assertThat(ops("get", "wrong_server")).isEqualTo(1);
    assertThat(ops("get", "ok")).isZero();
  }

  @Test
  void when_sampled_then_theGaugesShowTheServersState() {
    MeteredServer m = primaryWithoutBackup();
    m.onMessage(CLIENT, new ClientMessage.Request(1, new Command.Put("key", "value"), 1), fx);
    m.sample();
    assertThat(registry.find("pbkv.store.keys").gauge().value()).isEqualTo(1);
    assertThat(registry.find("pbkv.store.bytes").gauge().value())
        .isGreaterThanOrEqualTo("key".length() + "value".length());
    assertThat(registry.find("pbkv.role").tag("role", "primary").gauge().value()).isEqualTo(1);
    assertThat(registry.find("pbkv.role").tag("role", "backup").gauge().value()).isZero();
    assertThat(registry.find("pbkv.view.number").gauge().value()).isEqualTo(1);
    assertThat(registry.find("pbkv.amo.sessions").gauge().value()).isEqualTo(1);
  }

  @Test
  void when_metered_then_theServerSendsExactlyWhatItWouldUnmetered() {
    PbServer plain = new PbServer(A, VS, 1, ServerConfig.defaults());
    List<Message> plainSent = new ArrayList<>();
    Effects plainFx =
        new Effects() {
          @Override
          public void send(Address to, Message msg) {
            plainSent.add(msg);
          }

          @Override
          public void setTimer(Timer timer, long minMillis, long maxMillis) {}
        };
    plain.init(plainFx);
    plain.onMessage(VS, new ViewReply(new View(1, A, null)), plainFx);
    MeteredServer m = primaryWithoutBackup();
    for (int seq = 1; seq <= 5; seq++) {
      var r = new ClientMessage.Request(seq, new Command.Append("k", "x" + seq), 1);
      plain.onMessage(CLIENT, r, plainFx);
      m.onMessage(CLIENT, r, fx);
    }
    assertThat(sent).isEqualTo(plainSent);
    assertThat(m.server()).isEqualTo(plain);
  }
}
