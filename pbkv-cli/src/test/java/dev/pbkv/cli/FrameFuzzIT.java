package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.net.wire.WireCodec;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the frame decoder of live server processes: random bytes, truncated frames, huge length
 * prefixes and valid frames of the wrong type. Every bad frame closes only its own connection; the
 * cluster keeps serving throughout.
 */
class FrameFuzzIT {
  @Test
  void when_badFramesArrive_then_theServersKeepServing() throws Exception {
    long seed = Long.getLong("pbkv.fuzz.seed", 20261126L);
    System.out.println("frame fuzz seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    try (ProcessCluster cluster = new ProcessCluster()) {
      Address vs = cluster.startViewService();
      cluster.startServer(0);
      cluster.startServer(0);
      try (PbkvClient client =
          PbkvClient.connect(
              PbkvClient.Options.of(vs.name()).withTimeout(Duration.ofSeconds(10)))) {
        Status s = awaitAcked(client);
        List<Address> targets = List.of(vs, s.view().primary(), s.view().backup());
        int frames = 0;
        for (int round = 0; round < 20; round++) {
          for (Address target : targets) {
            for (int i = 0; i < 25; i++) {
              sendBadFrame(target, random);
              frames++;
            }
          }
          String key = "fuzz" + round;
          client.put(key, "ok");
          assertThat(client.execute(new Command.Get(key))).isEqualTo(new Result.Value("ok"));
        }
        System.out.println("frame fuzz: " + frames + " bad frames sent; the cluster kept serving");
        assertThat(frames).isEqualTo(1500);
      }
    }
  }

  private static Status awaitAcked(PbkvClient client) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        Status s = client.status(Duration.ofMillis(500));
        if (s.acked() && s.view().hasBackup()) {
          return s;
        }
      } catch (RuntimeException e) {
        // not up yet
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no acked view with a backup in 30 s");
  }

  private static void sendBadFrame(Address target, SplittableRandom r) throws IOException {
    int port = Integer.parseInt(target.name().substring(target.name().lastIndexOf(':') + 1));
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoLinger(true, 0);
      OutputStream out = socket.getOutputStream();
      byte[] frame;
      switch (r.nextInt(4)) {
        case 0 -> { // random bytes, random length prefix
          frame = new byte[1 + r.nextInt(200)];
          r.nextBytes(frame);
        }
        case 1 -> { // a valid frame cut short
          byte[] valid = framed(wrongTypeMessage(target, r));
          frame = java.util.Arrays.copyOf(valid, 1 + r.nextInt(valid.length - 1));
        }
        case 2 -> // a huge length prefix
            frame =
                ByteBuffer.allocate(8).putInt(0x7fff_0000 + r.nextInt(0xffff)).putInt(7).array();
        default -> // a valid frame of a type the receiver does not expect
            frame = framed(wrongTypeMessage(target, r));
      }
      out.write(frame);
      out.flush();
    } catch (IOException e) {
      // the server closed the connection first: that is the point
    }
  }

  private static byte[] framed(Message msg) {
    byte[] body = WireCodec.encode(new Envelope(Address.of("fuzzer"), Address.of("x:1"), msg));
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  private static Message wrongTypeMessage(Address target, SplittableRandom r) {
    View stale = new View(1 + r.nextInt(3), Address.of("nobody:1"), null);
    List<Message> wrong =
        List.of(
            new ClientMessage.Reply(r.nextLong(), Result.OK),
            new ClientMessage.WrongServer(r.nextLong(), stale),
            new ViewServiceMessage.Status(stale, true, List.of(), null),
            new ReplicationMessage.ForwardAck(r.nextInt(1000), r.nextInt(1000)),
            new ReplicationMessage.StateTransferAck(r.nextInt(1000), r.nextInt(10)),
            new ReplicationMessage.Forward(
                1 + r.nextInt(3),
                1,
                List.of(
                    new ReplicationMessage.Op(
                        Address.of("fuzzer"), 1, new Command.Put("fuzz", "x")))));
    return wrong.get(r.nextInt(wrong.size()));
  }
}
