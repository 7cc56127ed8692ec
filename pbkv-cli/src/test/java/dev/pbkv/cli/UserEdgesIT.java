package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.net.PbkvClient;
import dev.pbkv.node.Address;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges a new user meets, run as a user runs them: {@code pbkv} processes started by bash
 * against a live cluster of processes, each checked for its exact line and exit code.
 */
class UserEdgesIT {
  private static ProcessCluster cluster;
  private static Address vs;

  @BeforeAll
  static void startCluster() throws InterruptedException {
    cluster = new ProcessCluster();
    vs = cluster.startViewService();
    cluster.startServer(0);
    cluster.startServer(0);
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (System.nanoTime() < deadline) {
        Status s = c.status(Duration.ofSeconds(1));
        if (s.acked() && s.view().hasBackup()) {
          return;
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError("cluster did not form in 30 s");
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  private static PbkvProcess.Result pbkv(String bashArgs, byte[] stdin) {
    return PbkvProcess.run(bashArgs + " --viewserver " + vs.name(), stdin);
  }

  private static PbkvProcess.Result pbkv(String bashArgs) {
    return pbkv(bashArgs, null);
  }

  private static byte[] bytes(int from, int to) {
    byte[] b = new byte[to - from + 1];
    for (int i = from; i <= to; i++) {
      b[i - from] = (byte) i;
    }
    return b;
  }

  @Test
  void when_argumentsAreNotText_then_twoKeysStayTwoKeys_andTheValueKeepsItsBytes() {
    PbkvProcess.Result put = pbkv("put $'bin\\xff\\xfe' $'\\xff'");
    assertThat(put.exit()).as(put.err()).isZero();
    assertThat(put.out()).isEqualTo("OK\n");
    PbkvProcess.Result other = pbkv("get $'bin\\xfe\\xff'");
    assertThat(other.exit()).isEqualTo(1);
    assertThat(other.err()).isEqualTo("pbkv get: key $'bin\\xfe\\xff' has no value\n");
    PbkvProcess.Result same = pbkv("get $'bin\\xff\\xfe'");
    assertThat(same.out()).isEqualTo("$'\\xff'\n");
    assertThat(pbkv("get --raw $'bin\\xff\\xfe'").stdout()).containsExactly((byte) 0xff);
  }

  @Test
  void when_keyAndValueHoldEveryByteAnArgumentCanHold_then_theyRoundTrip() {
    byte[] all = bytes(1, 255); // an argument cannot hold NUL
    String q = PbkvProcess.quoted(all);
    PbkvProcess.Result put = pbkv("put " + q + " " + q);
    assertThat(put.out()).as(put.err()).isEqualTo("OK\n");
    PbkvProcess.Result get = pbkv("get --raw " + q);
    assertThat(get.exit()).as(get.err()).isZero();
    assertThat(get.stdout()).isEqualTo(all);
  }

  @Test
  void when_aValueComesFromAFileOrStdin_then_everyByteValueRoundTrips(@TempDir Path dir)
      throws Exception {
    byte[] all = bytes(0, 255);
    Path file = dir.resolve("all.bin");
    Files.write(file, all);
    assertThat(pbkv("put from-file --value-file " + file).out()).isEqualTo("OK\n");
    assertThat(pbkv("get --raw from-file").stdout()).isEqualTo(all);
    assertThat(pbkv("put from-stdin -", all).out()).isEqualTo("OK\n");
    assertThat(pbkv("get --raw from-stdin").stdout()).isEqualTo(all);
    PbkvProcess.Result shown = pbkv("get from-stdin");
    assertThat(shown.out()).startsWith("$'\\x00\\x01\\x02").endsWith("\\xfe\\xff'\n");
    PbkvProcess.Result appended = pbkv("append --raw from-stdin -", new byte[] {0});
    assertThat(appended.stdout()).hasSize(257).endsWith(254, 255, 0);
    PbkvProcess.Result cas = pbkv("cas from-file - new", all);
    assertThat(cas.out()).as(cas.err()).isEqualTo("swapped\n");
    assertThat(pbkv("get from-file").out()).isEqualTo("new\n");
  }

  @Test
  void when_aServerBindsTheWildcard_then_theViewNamesTheAddressItAdvertises() throws Exception {
    // the advertised port must be known before the server starts, so it is chosen here (the one
    // probe-then-bind left in the tests: --advertise names a fixed port by design)
    int port = ProcessCluster.freePort();
    Address advertised = Address.of("127.0.0.1:" + port);
    cluster.startServerWith(
        advertised, "--listen", "0.0.0.0:" + port, "--advertise", advertised.name());
    try (PbkvClient c = PbkvClient.connect(PbkvClient.Options.of(vs.name()))) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      Status s = c.status(Duration.ofSeconds(2));
      while (s.servers().stream().noneMatch(h -> h.server().equals(advertised) && h.alive())) {
        assertThat(System.nanoTime()).as("registered in 30 s: %s", s).isLessThan(deadline);
        Thread.sleep(50); // polling an observable condition
        s = c.status(Duration.ofSeconds(2));
      }
      assertThat(s.servers()).noneMatch(h -> h.server().name().startsWith("0.0.0.0"));
    }
    PbkvProcess.Result status = pbkv("status");
    assertThat(status.out()).contains("  " + advertised + " ").doesNotContain("0.0.0.0");
  }

  @Test
  void when_aScriptRunsInTheShell_then_quotingWorks_errorsGoToStderr_andTheWorstLineIsTheExit() {
    String script =
        String.join(
            "\n",
            "put 'a key' 'hello world'",
            "get 'a key'",
            "put empty ''",
            "get empty",
            "get missing   # a key without value: exit code 1",
            "bogus",
            "put $'bin\\xff' $'\\xfe'",
            "get $'bin\\xff'",
            "history",
            "!2",
            "quit",
            "get never-run");
    PbkvProcess.Result r = pbkv("shell", script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(r.out())
        .isEqualTo(
            String.join(
                "\n",
                "OK",
                "hello world",
                "OK",
                "",
                "OK",
                "$'\\xfe'",
                "   1  put 'a key' 'hello world'",
                "   2  get 'a key'",
                "   3  put empty ''",
                "   4  get empty",
                "   5  get missing   # a key without value: exit code 1",
                "   6  bogus",
                "   7  put $'bin\\xff' $'\\xfe'",
                "   8  get $'bin\\xff'",
                "get 'a key'",
                "hello world",
                ""));
    assertThat(r.err())
        .isEqualTo(
            "pbkv get: key 'missing' has no value\n"
                + "pbkv shell: unknown command 'bogus'; expected get, put, append, delete, cas,"
                + " history, !N, !!, help or quit\n");
    assertThat(r.exit()).isEqualTo(2);
    PbkvProcess.Result onlyMissing = pbkv("shell", "get missing\n".getBytes());
    assertThat(onlyMissing.exit()).isEqualTo(1);
    PbkvProcess.Result fine = pbkv("shell", "put x 1\nget x\n".getBytes());
    assertThat(fine.out()).isEqualTo("OK\n1\n");
    assertThat(fine.exit()).isZero();
  }

  @Test
  void when_theShellRunsOnATerminal_then_arrowsRecallHistory_andEditingWorks(@TempDir Path dir)
      throws Exception {
    java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
    byte[] keys =
        ("put edited v1\r" // a command
                + "\u001bOA\r" // up arrow (as xterm sends it), enter: the same command again
                + "get editedx\u007f\r" // a typo, backspace
                + "\u001bOA\u001bOD\u001bOD\u0001\u0005\r" // up, left, ctrl-a, ctrl-e: the same
                + "quit\r")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.PipedOutputStream typing = new java.io.PipedOutputStream();
    java.io.PipedInputStream typed = new java.io.PipedInputStream(typing, 4096);
    typing.write(keys); // stays open, like a keyboard: quit ends the session
    typing.flush();
    ShellCommand.terminal =
        new org.jline.terminal.impl.ExternalTerminal(
            "test", "xterm", typed, screen, java.nio.charset.StandardCharsets.UTF_8);
    Path historyFile = dir.resolve("history");
    try {
      MainTest.Run r =
          MainTest.run(
              "shell", "--viewserver", vs.name(), "--history-file", historyFile.toString());
      assertThat(r.out())
          .isEqualTo(
              "connected to the cluster of view service " + vs + "; type help\nOK\nOK\nv1\nv1\n");
      assertThat(r.err()).isEmpty();
      assertThat(r.exit()).isZero();
    } finally {
      ShellCommand.terminal.close();
      ShellCommand.terminal = null;
      typing.close();
    }
    assertThat(screen.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("^[[A");
    assertThat(Files.readString(historyFile)).contains("put edited v1", "get edited");
  }
}
