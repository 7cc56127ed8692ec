package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.client.ClientConfig;
import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TCP clients draw each retry's wait from the back-off's range (docs/design.md §5: [interval,
 * 1.25 × interval]), so sessions that retry at the same back-off do not retry in step (issue 13).
 * The jitter comes from a seeded stream that records every wait it hands out: the test counts the
 * waits, not the clock (no timing assertion). Each op meets a cluster that never answers it, so it
 * times out; its first retry timer is set when it is submitted, so each op draws at least once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientJitterTest {
  private static final long SEED = 13;
  private static final Address ANY_PORT = Address.of("127.0.0.1:0");

  /** One wait handed out: drawn from [origin, bound). */
  record Draw(long origin, long bound, long value) {}

  /** A seeded stream that records each bounded draw (the wait of a retry timer). */
  static final class Recording implements RandomGenerator {
    private final SplittableRandom random;
    final List<Draw> draws = new CopyOnWriteArrayList<>(); // drawn on the event loop, read here

    Recording(long seed) {
      System.out.println("ClientJitterTest seed " + seed);
      this.random = new SplittableRandom(seed);
    }

    @Override
    public long nextLong() {
      return random.nextLong();
    }

    @Override
    public long nextLong(long origin, long bound) {
      long v = random.nextLong(origin, bound);
      draws.add(new Draw(origin, bound, v));
      return v;
    }
  }

  /**
   * The ranges the back-off from 100 ms to {@code capMillis} sets: [w, w + w/4] for each wait w.
   */
  private static void assertEachDrawIsABackOffWait(List<Draw> draws, long capMillis) {
    for (Draw d : draws) {
      long w = d.origin();
      assertThat(w).as("a wait of the back-off: %s", d).isBetween(100L, capMillis);
      assertThat(w == capMillis || (w >= 100 && Long.bitCount(w / 100) == 1 && w % 100 == 0))
          .as("100 ms doubled, or the cap: %s", d)
          .isTrue();
      assertThat(d.bound()).as("the range ends at 1.25 × the wait: %s", d).isEqualTo(w + w / 4 + 1);
      assertThat(d.value()).as("in the range: %s", d).isBetween(w, w + w / 4);
    }
  }

  /** Runs one get on each of 8 sessions against a view service without servers; all time out. */
  private static void eightOpsTimeOut(UnaryOperator<PbkvClient.Options> options, Recording jitter)
      throws Exception {
    try (NetRuntime vs = NetRuntime.listen(ANY_PORT, null, a -> new ViewServer());
        PbkvClient c =
            PbkvClient.connect(
                options.apply(
                    PbkvClient.Options.of(vs.address().name())
                        .withSessions(8)
                        .withTimeout(Duration.ofSeconds(2))),
                jitter)) {
      List<CompletableFuture<String>> ops = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        ops.add(c.getAsync("k" + i));
      }
      for (CompletableFuture<String> op : ops) {
        assertThatThrownBy(op::get)
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(IndeterminateException.class);
      }
    }
  }

  @Test
  void when_pbkvClientSessionsRetry_then_eachWaitIsDrawnFromTheBackOffsRange_andTheyDiffer()
      throws Exception {
    Recording jitter = new Recording(SEED);
    eightOpsTimeOut(o -> o, jitter);
    List<Draw> first = jitter.draws.stream().filter(d -> d.origin() == 100).toList();
    assertThat(first).as("one first retry per op, set at submit").hasSize(8);
    assertEachDrawIsABackOffWait(jitter.draws, 1000);
    Set<Long> waits = first.stream().map(Draw::value).collect(Collectors.toSet());
    assertThat(waits)
        .as("the 8 sessions' first retries, not in step: %s", first)
        .hasSizeGreaterThan(1);
  }

  @Test
  void when_theRetryCapIsTheBase_then_pbkvClientRetriesAtAFixedInterval_withoutJitter()
      throws Exception {
    Recording jitter = new Recording(SEED);
    eightOpsTimeOut(o -> o.withRetryCap(Duration.ofMillis(100)), jitter);
    assertThat(jitter.draws).as("no range to draw from: %s", jitter.draws).isEmpty();
  }

  @Test
  void when_theRetryCapIsLow_then_pbkvClientsWaitsStopAtIt() throws Exception {
    Recording jitter = new Recording(SEED);
    eightOpsTimeOut(o -> o.withRetryCap(Duration.ofMillis(300)), jitter);
    assertThat(jitter.draws.stream().filter(d -> d.origin() == 100)).hasSize(8);
    assertEachDrawIsABackOffWait(jitter.draws, 300);
  }

  @Test
  void when_aDirectClientRetries_then_eachWaitIsDrawnFromTheBackOffsRange_andTheyDiffer()
      throws Exception {
    Recording jitter = new Recording(SEED);
    // a "view service" that accepts connections (the kernel's backlog) and never answers
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        DirectClient c =
            DirectClient.connect(
                "127.0.0.1:" + silent.getLocalPort(),
                Duration.ofMillis(50), // below the first wait (100 ms): one draw per op
                null,
                ClientConfig.defaults(),
                jitter)) {
      for (int i = 0; i < 10; i++) {
        assertThatThrownBy(() -> c.execute(new Command.Get("k")))
            .isInstanceOf(IndeterminateException.class);
      }
    }
    assertThat(jitter.draws).as("one first retry per op, set at submit").hasSize(10);
    assertEachDrawIsABackOffWait(jitter.draws, 1000);
    assertThat(jitter.draws.stream().map(Draw::value).distinct().count())
        .as("not in step: %s", jitter.draws)
        .isGreaterThan(1);
  }
}
