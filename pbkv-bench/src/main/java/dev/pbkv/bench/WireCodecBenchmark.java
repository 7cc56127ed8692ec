package dev.pbkv.bench;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.net.wire.WireCodec;
import dev.pbkv.net.wire.WireFormatException;
import dev.pbkv.node.Address;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The wire codec on the messages of the hot path: a client's put request, the primary's reply, a
 * forward of one op and of a batch of 64, and the backup's ack (average time to encode one envelope
 * to bytes, and to decode it back). Run by hand: {@code java -jar pbkv-bench/target/benchmarks.jar
 * WireCodec}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WireCodecBenchmark {

  /** Which message. */
  @Param({"request", "reply", "forward1", "forward64", "forwardAck"})
  public String message;

  private Envelope envelope;
  private byte[] bytes;

  /** Builds the envelope and its bytes, and checks once that they round-trip. */
  @Setup
  public void setup() throws WireFormatException {
    Address client = Address.of("c-0123456789ab-7");
    Address primary = Address.of("127.0.0.1:7101");
    Address backup = Address.of("127.0.0.1:7102");
    Command put = new Command.Put("key:12345", "v".repeat(16));
    envelope =
        switch (message) {
          case "request" ->
              new Envelope(client, primary, new ClientMessage.Request(42, put, 2), 1000, Map.of());
          case "reply" ->
              new Envelope(primary, client, new ClientMessage.Reply(42, Result.OK), 1001, Map.of());
          case "forward1" -> new Envelope(primary, backup, forward(1), 1002, Map.of());
          case "forward64" -> new Envelope(primary, backup, forward(64), 1003, Map.of());
          case "forwardAck" ->
              new Envelope(
                  backup, primary, new ReplicationMessage.ForwardAck(2, 1234), 1004, Map.of());
          default -> throw new IllegalArgumentException("unknown message " + message);
        };
    bytes = WireCodec.encode(envelope);
    if (!WireCodec.decode(bytes).equals(envelope)) {
      throw new IllegalStateException("the codec does not round-trip " + envelope);
    }
  }

  private static ReplicationMessage.Forward forward(int ops) {
    List<ReplicationMessage.LogEntry> list = new ArrayList<>();
    for (int i = 0; i < ops; i++) {
      list.add(
          new ReplicationMessage.Op(
              Address.of("c-0123456789ab-" + i),
              1000 + i,
              new Command.Put("key:" + (10_000 + i), "v".repeat(16))));
    }
    return new ReplicationMessage.Forward(2, 500, list);
  }

  @Benchmark
  public byte[] encode() {
    return WireCodec.encode(envelope);
  }

  @Benchmark
  public Envelope decode() throws WireFormatException {
    return WireCodec.decode(bytes);
  }
}
