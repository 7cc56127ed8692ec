package dev.pbkv.bench;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.PbServer;
import dev.pbkv.server.ServerConfig;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The servers' per-op path without any I/O: a primary and a backup of view 2 exchange their
 * messages in memory; each invocation hands the primary one put request ({@code single}), or 64
 * from different sessions at once ({@code batch64}, as under load), and delivers every message
 * until the replies are out (request, forward, apply, ack, execute, reply). Average time per op.
 * Run by hand: {@code java -jar pbkv-bench/target/benchmarks.jar ServerPath}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ServerPathBenchmark {
  private static final Address VS = Address.of("vs");
  private static final Address P = Address.of("p");
  private static final Address B = Address.of("b");
  private static final int KEYS = 100_000;

  private record Delivery(Address from, Address to, Message msg) {}

  /** The effects of one server: sends go into the shared queue; timers are not needed here. */
  private record Fx(Address self, ArrayDeque<Delivery> queue) implements Effects {
    @Override
    public void send(Address to, Message msg) {
      queue.add(new Delivery(self, to, msg));
    }

    @Override
    public void setTimer(Timer timer, long minMillis, long maxMillis) {}
  }

  private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
  private PbServer primary;
  private PbServer backup;
  private Fx primaryFx;
  private Fx backupFx;
  private Address[] clients;
  private long[] seqs;
  private String[] keys;
  private String value;
  private long next;
  private int replies;

  /** Brings up view 2 (primary p, backup b, state transferred) and fills the store. */
  @Setup
  public void setup() {
    primary = new PbServer(P, VS, 1, ServerConfig.defaults());
    backup = new PbServer(B, VS, 1, ServerConfig.defaults());
    primaryFx = new Fx(P, queue);
    backupFx = new Fx(B, queue);
    View view = new View(2, P, B);
    backup.onMessage(VS, new ViewServiceMessage.ViewReply(view), backupFx);
    primary.onMessage(VS, new ViewServiceMessage.ViewReply(view), primaryFx);
    pump();
    if (!primary.isServing() || !backup.hasInstalledState()) {
      throw new IllegalStateException("view 2 did not come up: " + primary + " / " + backup);
    }
    clients = new Address[64];
    seqs = new long[64];
    for (int i = 0; i < clients.length; i++) {
      clients[i] = Address.of("c-0123456789ab-" + i);
    }
    keys = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "key:" + i;
    }
    value = "v".repeat(16);
    for (int i = 0; i < KEYS / 64; i++) {
      ops(64);
    }
    if (primary.valueOf("key:" + (KEYS - 1)) == null
        || !primary.stateSnapshot().equals(backup.stateSnapshot())) {
      throw new IllegalStateException("the fill did not reach both servers alike");
    }
  }

  /** Delivers every queued message between the servers; counts replies to clients. */
  private void pump() {
    Delivery d;
    while ((d = queue.poll()) != null) {
      if (d.to().equals(P)) {
        primary.onMessage(d.from(), d.msg(), primaryFx);
      } else if (d.to().equals(B)) {
        backup.onMessage(d.from(), d.msg(), backupFx);
      } else if (d.msg() instanceof ClientMessage.Reply) {
        replies++;
      }
    }
  }

  /** One put through the primary and the backup. */
  @Benchmark
  public int single() {
    return ops(1);
  }

  /** 64 puts from different sessions at once. */
  @Benchmark
  @OperationsPerInvocation(64)
  public int batch64() {
    return ops(64);
  }

  private int ops(int batch) {
    int before = replies;
    for (int i = 0; i < batch; i++) {
      long n = next++;
      int c = (int) (n % clients.length);
      Command put = new Command.Put(keys[(int) ((n * 7919) % KEYS)], value);
      primary.onMessage(clients[c], new ClientMessage.Request(++seqs[c], put, 2), primaryFx);
    }
    pump();
    if (replies - before != batch) {
      throw new IllegalStateException((replies - before) + " replies for " + batch + " requests");
    }
    return replies;
  }
}
