package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage.Request;
import dev.pbkv.server.ReplicationMessage.ForwardAck;
import dev.pbkv.server.ReplicationMessage.ForwardReject;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.GetView;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceMessage.Status;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A confused peer answers a client's requests with well-formed messages of the wrong type: the
 * caller sees an indeterminate outcome (the op may or may not have run), never an exception from
 * the protocol code (docs/design.md §8).
 */
class MisroutedMessageTest {

  /** Plays view service and primary at one address, and answers every request with junk. */
  private static final class Confused implements Node {
    private final Address self;

    Confused(Address self) {
      this.self = self;
    }

    @Override
    public void init(Effects fx) {}

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      if (msg instanceof GetView) {
        fx.send(from, new ViewReply(new View(1, self, null)));
      } else if (msg instanceof Request r) {
        for (Message junk :
            List.of(
                new Ping(1, 1),
                new GetView(),
                new Status(View.INITIAL, true, List.of(), null),
                new ForwardAck(1, r.seq()),
                new ForwardReject(1, null, null),
                new Request(r.seq(), r.command(), 1),
                new dev.pbkv.net.tls.Login("alice", "secret"))) {
          fx.send(from, junk);
        }
      }
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {}
  }

  private static Address freeAddress() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return Address.of("127.0.0.1:" + s.getLocalPort());
    }
  }

  @Test
  void when_aServerAnswersWithMisroutedMessages_then_aDirectClientSeesIndeterminate()
      throws Exception {
    Address peer = freeAddress();
    try (NetRuntime rt = NetRuntime.listen(peer, null, Confused::new);
        DirectClient c = DirectClient.connect(peer.name(), Duration.ofMillis(500))) {
      assertThatThrownBy(() -> c.execute(new Command.Get("k")))
          .isInstanceOf(IndeterminateException.class);
      assertThatThrownBy(() -> c.put("k", "v")).isInstanceOf(IndeterminateException.class);
    }
  }

  @Test
  void when_aServerAnswersWithMisroutedMessages_then_aPbkvClientSeesIndeterminate()
      throws Exception {
    Address peer = freeAddress();
    try (NetRuntime rt = NetRuntime.listen(peer, null, Confused::new);
        PbkvClient c =
            PbkvClient.connect(
                PbkvClient.Options.of(peer.name()).withTimeout(Duration.ofMillis(500)))) {
      assertThatThrownBy(() -> c.get("k")).isInstanceOf(IndeterminateException.class);
    }
  }
}
