package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The client commands against a live cluster of processes, and their one-line errors. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CliIT {
  private static ProcessCluster cluster;
  private static Address vs;

  @RegisterExtension static final LogTailsOnFailure TAILS = new LogTailsOnFailure(() -> cluster);

  @BeforeAll
  static void startCluster() throws InterruptedException {
    cluster = new ProcessCluster();
    vs = cluster.startViewService();
    cluster.startServer(0);
    cluster.startServer(0);
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (System.nanoTime() < deadline) {
        Status s = c.status(Duration.ofSeconds(1));
        if (s.acked() && s.view().hasBackup()) {
          return;
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("cluster did not form in 60 s");
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static MainTest.Run run(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--viewserver";
    all[args.length + 1] = vs.name();
    return MainTest.run(all);
  }

  @Test
  void when_keysAreWrittenAndRead_then_theCommandsPrintResults() {
    assertThat(run("put", "city", "Oslo").out()).isEqualTo("OK\n");
    assertThat(run("get", "city").out()).isEqualTo("Oslo\n");
    assertThat(run("append", "city", "!").out()).isEqualTo("Oslo!\n");
    assertThat(run("cas", "city", "Oslo!", "Bergen").out()).isEqualTo("swapped\n");
    MainTest.Run notSwapped = run("cas", "city", "Oslo", "Tromsø");
    assertThat(notSwapped.exit()).isEqualTo(1);
    assertThat(notSwapped.err()).isEqualTo("pbkv cas: not swapped: the value is 'Bergen'\n");
    assertThat(run("cas", "--create", "town", "Bodø").out()).isEqualTo("swapped\n");
    assertThat(run("delete", "city").out()).isEqualTo("deleted\n");
    MainTest.Run absent = run("get", "city");
    assertThat(absent.exit()).isEqualTo(1);
    assertThat(absent.err()).contains("has no value");
  }

  @Test
  void when_keysAreListed_then_everyKeyWithThePrefixInOrder_pageByPage() {
    List<String> want = new ArrayList<>();
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()).withSessions(8))) {
      List<java.util.concurrent.CompletableFuture<Void>> puts = new ArrayList<>();
      for (int i = 0; i < 1500; i++) { // more than one page of 1000
        String k = String.format("kit/%04d", i);
        want.add(k);
        puts.add(c.putAsync(k, "v"));
      }
      puts.forEach(java.util.concurrent.CompletableFuture::join);
      c.put(new byte[] {'k', 'i', 't', '/', (byte) 0xFF, 0}, new byte[] {1});
      c.put("kiu", "not listed");
    }
    MainTest.Run all = run("keys", "kit/");
    assertThat(all.exit()).as(all.err()).isZero();
    List<String> lines = all.out().lines().toList();
    assertThat(lines).hasSize(1501);
    assertThat(lines.subList(0, 1500)).containsExactlyElementsOf(want);
    assertThat(lines.get(1500)).isEqualTo("$'kit/\\xff\\x00'");

    MainTest.Run first = run("keys", "kit/", "--limit", "2");
    assertThat(first.out()).isEqualTo("kit/0000\nkit/0001\n");
    assertThat(first.err())
        .isEqualTo("pbkv keys: more keys follow; continue with --cursor 6b69742f30303031\n");
    MainTest.Run next = run("keys", "kit/", "--limit", "2", "--cursor", "6b69742f30303031");
    assertThat(next.out()).isEqualTo("kit/0002\nkit/0003\n");
    assertThat(run("keys", "nothing-has-this-prefix/").out()).isEmpty();
    MainTest.Run bad = run("keys", "--cursor", "xyz");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--cursor must be hex digits");
  }

  @Test
  void when_infoIsAsked_then_thePrimaryDescribesItselfInSections() throws Exception {
    run("put", "info-key", "v");
    MainTest.Run r = run("info");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "# server\naddress: ",
            "# replication\nrole: primary\n",
            "# keyspace\nkeys: ",
            "# clients\nsessions: ",
            "# stats\nops_executed: ",
            "# runtime\nuptime_seconds: ",
            "ops_per_second: ",
            "version: ");
    Status s;
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      s = c.status(Duration.ofSeconds(5));
    }
    MainTest.Run backup = run("info", "--server", s.view().backup().name(), "--json");
    assertThat(backup.exit()).as(backup.err()).isZero();
    var json = Json.MAPPER.readTree(backup.out());
    assertThat(json.get("replication").get("role").asText()).isEqualTo("backup");
    assertThat(json.get("keyspace").get("keys").isIntegralNumber()).isTrue();
    assertThat(json.get("keyspace").get("keys").asLong()).isPositive();
    assertThat(json.get("replication").get("serving").isBoolean()).isTrue();
  }

  @Test
  void when_removeServerNamesAMemberOrAStranger_then_refused_andAnIdleServerIsForgotten()
      throws Exception {
    Status s;
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      s = c.status(Duration.ofSeconds(5));
    }
    MainTest.Run primary = run("admin", "remove-server", s.view().primary().name());
    assertThat(primary.exit()).isEqualTo(2);
    assertThat(primary.err())
        .isEqualTo(
            "pbkv admin remove-server: refused: "
                + s.view().primary()
                + " is the primary of view "
                + s.view().viewNum()
                + ": stop it first, and remove it once a new view has replaced it\n");
    MainTest.Run stranger = run("admin", "remove-server", "127.0.0.1:1");
    assertThat(stranger.exit()).isEqualTo(2);
    assertThat(stranger.err()).contains("does not know 127.0.0.1:1");

    Address idle = cluster.startServer(0);
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (c.status(Duration.ofSeconds(5)).servers().stream()
          .noneMatch(h -> h.server().equals(idle) && h.alive())) {
        assertThat(System.nanoTime()).as("the idle server pings").isLessThan(deadline);
        Thread.sleep(50);
      }
      cluster.kill(idle);
      MainTest.Run removed = run("admin", "remove-server", idle.name(), "--json");
      assertThat(removed.exit()).as(removed.err()).isZero();
      var json = Json.MAPPER.readTree(removed.out());
      assertThat(json.get("removed").asBoolean()).isTrue();
      assertThat(c.status(Duration.ofSeconds(5)).servers()).noneMatch(h -> h.server().equals(idle));
    }
    assertThat(run("status").out()).doesNotContain(idle.name());
  }

  /**
   * Every command's --json output against the schema in docs/json.md (JsonSchema): parsed with
   * Jackson, every documented field present with its type.
   */
  @Test
  void when_commandsPrintJson_then_theOutputMatchesTheDocumentedSchema() throws Exception {
    JsonSchema schema = JsonSchema.load();
    schema.check("put", run("put", "json-k", "v1", "--json"));
    schema.check("get", run("get", "json-k", "--json"));
    schema.check("get", run("get", "json-absent", "--json"));
    schema.check("append", run("append", "json-k", "2", "--json"));
    schema.check("cas", run("cas", "json-k", "v12", "v3", "--json"));
    schema.check("cas", run("cas", "json-k", "nope", "v4", "--json"));
    schema.check("delete", run("delete", "json-k", "--json"));
    schema.check("delete", run("delete", "json-k", "--json"));
    schema.check("keys", run("keys", "json-", "--json"));
    schema.check("keys", run("keys", "--limit", "1", "--json"));
    schema.check("info", run("info", "--json"));
    schema.check("status", run("status", "--json"));
    schema.check("admin remove-server", run("admin", "remove-server", "127.0.0.1:1", "--json"));
    schema.check("error", run("keys", "--cursor", "xyz", "--json"));
    schema.check("error", run("get", "--json"));
    JsonNode bench =
        schema.check(
            "bench",
            run("bench", "--sessions", "2", "--duration", "1s", "--warmup", "200ms", "--json"));
    assertThat(bench.get("exit").asInt()).isZero();
    assertThat(bench.get("ops").asLong()).isPositive();
    assertThat(bench.get("throughput_ops_per_second").asDouble()).isPositive();
    assertThat(bench.get("latency_ms").get("p50").asDouble()).isPositive();
    schema.check("error", run("bench", "--mix", "put:x", "--json"));
    assertThat(schema.checked()).containsAll(schema.liveCommands());
  }

  @Test
  void when_aValueIsOverTheLimits_then_theClientOrThePrimaryRefusesIt_withExitCode2()
      throws Exception {
    java.nio.file.Path big = java.nio.file.Files.createTempFile("pbkv-big", ".bin");
    try {
      java.nio.file.Files.write(big, new byte[2 << 20]);
      MainTest.Run client = run("put", "big", "--value-file", big.toString());
      assertThat(client.exit()).isEqualTo(2);
      assertThat(client.err())
          .isEqualTo(
              "pbkv put: value of 2,097,152 bytes is over the limit of 1,048,576 bytes"
                  + " (--max-value-bytes)\n");
      // a client with a larger limit sends it: the primary refuses it, never executed
      MainTest.Run primary =
          run("put", "big", "--value-file", big.toString(), "--max-value-bytes", "4MiB");
      assertThat(primary.exit()).isEqualTo(2);
      assertThat(primary.err())
          .isEqualTo("pbkv put: value of 2,097,152 bytes is over the limit of 1,048,576 bytes\n");
      assertThat(run("get", "big").exit()).as("absent").isEqualTo(1);
      MainTest.Run info = run("info");
      assertThat(info.out()).contains("amo_table_bytes: ");
    } finally {
      java.nio.file.Files.deleteIfExists(big);
    }
  }

  @Test
  void when_casNamesAKeyWithoutValue_then_oneClearLine() {
    MainTest.Run r = run("cas", "nothing-here", "a", "b");
    assertThat(r.exit()).isEqualTo(1); // a failed outcome, not a usage error
    assertThat(r.err())
        .isEqualTo(
            "pbkv cas: not swapped: key 'nothing-here' has no value"
                + " (use --create to set it only if absent)\n");
  }

  @Test
  void when_statusIsAsked_then_itShowsTheViewAndTheServers() {
    MainTest.Run r = run("status");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("view service", "primary", "backup", "acked", "alive", "progress: OK");
  }

  @Test
  void when_theViewServiceIsUnreachable_then_oneLineAndNonZeroExit() throws Exception {
    Socket bound =
        new Socket(); // bound, not listening: no one takes the port, connecting is refused
    bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    int port = bound.getLocalPort();
    MainTest.Run r =
        MainTest.run("get", "k", "--viewserver", "127.0.0.1:" + port, "--timeout", "500ms");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("refused the connection");
    MainTest.Run status =
        MainTest.run("status", "--viewserver", "127.0.0.1:" + port, "--timeout", "500ms");
    assertThat(status.exit()).isEqualTo(2); // unreachable, as for get
    assertThat(status.out())
        .startsWith("view service 127.0.0.1:" + port + ": refused the connection")
        .contains("progress: unknown");
    bound.close();
  }

  @Test
  void when_addressesOrPortsAreBad_then_oneLineAndExit2() throws Exception {
    MainTest.Run bad = MainTest.run("get", "k", "--viewserver", "nonsense");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("'nonsense' is not HOST:PORT");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      MainTest.Run inUse =
          MainTest.run(
              "viewserver", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--in-memory");
      assertThat(inUse.exit()).isEqualTo(2);
      assertThat(inUse.err()).contains("cannot listen on");
      assertThat(inUse.err().strip().lines()).hasSize(1);
    }
  }

  @Test
  void when_theShellReadsCommands_then_itRunsThem_andKeepsAHistory() {
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              "put s 1\nappend s 2\nhistory\n!1\nget s\nbogus\nquit\n"
                  .getBytes(StandardCharsets.UTF_8)));
      MainTest.Run r = run("shell");
      assertThat(r.exit()).isEqualTo(2); // the worst line's: bogus
      assertThat(r.out()).isEqualTo("OK\n12\n   1  put s 1\n   2  append s 2\nput s 1\nOK\n1\n");
      assertThat(r.err()).startsWith("pbkv shell: unknown command 'bogus'; expected get, put");
    } finally {
      System.setIn(stdin);
    }
  }
}
