package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every mistake a user can make gets one line that names the problem, with the README's exit code
 * (docs: "Exit codes"), and output files are checked before a long run starts.
 */
class OneLineErrorsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void files() throws IOException {
    byte[] garbage = new byte[300];
    new Random(7).nextBytes(garbage); // seed 7: not UTF-8 text
    garbage[0] = (byte) 0xff;
    Files.write(dir.resolve("garbage.bin"), garbage);
    Files.createDirectory(dir.resolve("a-folder"));
    Files.write(dir.resolve("two-mib.bin"), new byte[2 << 20]);
    Files.write(dir.resolve("twenty-mib.bin"), new byte[20 << 20]);
    Files.write(dir.resolve("over-32-mib.bin"), new byte[(32 << 20) + 1]);
  }

  private static MainTest.Run run(String args) {
    return MainTest.run(args.replace("{dir}", dir.toString()).trim().split("\\s+"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "lincheck {dir}/garbage.bin | pbkv lincheck: {dir}/garbage.bin: not a history (not UTF-8 text)",
        "lincheck {dir}/a-folder | pbkv lincheck: {dir}/a-folder: is a folder, not a file",
        "lincheck {dir}/none.txt | pbkv lincheck: {dir}/none.txt: no such file",
        "trace render {dir}/garbage.bin -o {dir}/x.html | pbkv trace render: {dir}/garbage.bin: not a pbkv trace (not UTF-8 text)",
        "trace render {dir}/garbage.bin -o {dir}/missing/x.html | pbkv trace render: -o {dir}/missing/x.html: the folder {dir}/missing does not exist",
        "trace merge {dir}/garbage.bin -o {dir}/a-folder | pbkv trace merge: -o {dir}/a-folder: is a folder; give a file name",
        "trace export --shiviz {dir}/garbage.bin -o {dir}/missing/s.log | pbkv trace export: -o {dir}/missing/s.log: the folder {dir}/missing does not exist",
        "scenario split-brain --diagram {dir}/missing/d.html | pbkv scenario: --diagram {dir}/missing/d.html: the folder {dir}/missing does not exist",
        "sim --seed 1 --trace {dir}/a-folder | pbkv sim: --trace {dir}/a-folder: is a folder; give a file name",
        "check failover --save-trace {dir}/missing/t.trace | pbkv check: --save-trace {dir}/missing/t.trace: the folder {dir}/missing does not exist",
        "viewserver --listen nohost.invalid:7005 | pbkv viewserver: cannot listen on nohost.invalid:7005: unknown host 'nohost.invalid'",
        "viewserver --dead-pings 0 --listen 127.0.0.1:1 | pbkv viewserver: --dead-pings must be at least 1, got 0",
        "viewserver --listen 127.0.0.1:0 | pbkv viewserver: --listen 127.0.0.1:0: with port 0 the address changes at every start, so the default state folder cannot follow it; give --data-dir DIR or --in-memory",
        "viewserver --in-memory --listen 0.0.0.0:7000 | pbkv viewserver: --listen 0.0.0.0:7000 binds every interface, and nobody can connect to 0.0.0.0: give --advertise HOST:PORT, the address others reach the view service at",
        "viewserver --in-memory --listen 0.0.0.0:0 | pbkv viewserver: --listen 0.0.0.0:0 binds every interface, and nobody can connect to 0.0.0.0: give --advertise HOST:PORT, the address others reach the view service at",
        "viewserver --in-memory --listen 0.0.0.0:7000 --advertise 0.0.0.0:7000 | pbkv viewserver: --advertise 0.0.0.0:7000 is a wildcard address: give one others can reach",
        "viewserver --in-memory --listen 0.0.0.0:0 --advertise 10.0.0.4:0 | pbkv viewserver: '10.0.0.4:0' is not HOST:PORT (e.g. 127.0.0.1:7000, a port from 1 to 65535)",
        "keys --limit 0 | pbkv keys: --limit must be at least 1, got 0",
        "server --listen 127.0.0.1:1 --viewserver nohost.invalid:7000 | pbkv server: --viewserver nohost.invalid:7000: unknown host 'nohost.invalid'",
        "get k --viewserver nohost.invalid:7000 | pbkv get: the view service's host 'nohost.invalid' is unknown (nohost.invalid:7000)",
        "server --listen 0.0.0.0:7001 | pbkv server: --listen 0.0.0.0:7001 binds every interface, and nobody can connect to 0.0.0.0: give --advertise HOST:PORT, the address others reach this server at",
        "server --listen 0.0.0.0:7001 --advertise 0.0.0.0:7001 | pbkv server: --advertise 0.0.0.0:7001 is a wildcard address: give one others can reach",
        "server --listen 127.0.0.1:1 --users {dir}/none.txt | pbkv server: --users needs TLS (--tls-cert, --tls-key, --tls-ca): passwords are never taken over plain TCP",
        "server --listen 127.0.0.1:1 --tls-cert {dir}/none.crt | pbkv server: --tls-ca is required with --tls-cert/--tls-key",
        "server --listen 127.0.0.1:1 --tls-cert {dir}/none.crt --tls-ca {dir}/none.crt | pbkv server: --tls-cert and --tls-key go together: give both",
        "get k --tls-ca {dir}/none.crt | pbkv get: --tls-ca {dir}/none.crt: no such file",
        "get k --user alice --password-file {dir}/garbage.bin | pbkv get: refusing to send a password over plain TCP: give --tls-ca (the cluster's CA certificate) to use TLS",
        "certs --out {dir}/garbage.bin | pbkv certs: --out {dir}/garbage.bin: is a file, not a folder",
        "cas k1 | pbkv cas: give KEY EXPECTED UPDATE; got 1 argument",
        "cas --create k1 | pbkv cas: with --create, give KEY UPDATE; got 1 argument",
        "put k | pbkv put: give VALUE (or - to read it from standard input, or --value-file FILE)",
        "put k v --value-file {dir}/garbage.bin | pbkv put: give VALUE or --value-file, not both",
        "put k --value-file {dir}/two-mib.bin --viewserver nohost.invalid:7000 | pbkv put: value of 2,097,152 bytes is over the limit of 1,048,576 bytes (--max-value-bytes)",
        "put k --value-file {dir}/twenty-mib.bin --max-value-bytes 16MiB --viewserver nohost.invalid:7000 | pbkv put: value of 20,971,520 bytes is over the limit of 16,777,216 bytes (--max-value-bytes)",
        "put k --value-file {dir}/over-32-mib.bin --max-value-bytes 32MiB | pbkv put: --value-file {dir}/over-32-mib.bin has 33554433 bytes; no value can pass 32 MiB",
        "append k --value-file {dir}/garbage.bin --max-value-bytes 100 | pbkv append: value of 300 bytes is over the limit of 100 bytes (--max-value-bytes)",
        "get k --max-key-bytes 0 | pbkv get: Invalid value for option '--max-key-bytes': '0' is not a positive size in range (see 'pbkv get --help')",
        "get k --max-key-bytes 33MiB | pbkv get: --max-key-bytes must be 1 byte to 32 MiB (half the frame limit), got 34603008 bytes",
        "server --listen 127.0.0.1:1 --max-value-bytes 64MiB | pbkv server: --max-value-bytes must be 1 byte to 32 MiB (half the frame limit), got 67108864 bytes",
        "put k --value-file {dir}/none | pbkv put: --value-file {dir}/none: no such file",
        "sim --duration 0.1ms | pbkv sim: Invalid value for option '--duration': '0.1ms' is less than 1 ms (see 'pbkv sim --help')",
        "get k --retry-cap 0s | pbkv get: Invalid value for option '--retry-cap': '0s' is not a positive duration (see 'pbkv get --help')",
        "get k --retry-cap -1s | pbkv get: Invalid value for option '--retry-cap': '-1s' is not a positive duration (see 'pbkv get --help')",
        "get k --retry-cap 120m | pbkv get: --retry-cap must be at most 60m, got 7200000 ms",
        "status --retry-cap 120m | pbkv status: --retry-cap must be at most 60m, got 7200000 ms",
        "server --retry-cap 0 | pbkv server: Invalid value for option '--retry-cap': '0' is not a duration: expected a number with a unit, e.g. 500ms, 30s, 2m (see 'pbkv server --help')",
        // no --listen: if the cap were not checked first, this fails at once, not runs a server
        "server --retry-cap 120m | pbkv server: --retry-cap must be at most 60m, got 7200000 ms",
      })
  void when_inputIsWrong_then_oneExactLine_andExitCode2(String args, String line) {
    MainTest.Run r = run(args);
    assertThat(r.err()).isEqualTo(line.replace("{dir}", dir.toString()) + "\n");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void when_theViewServiceRefusesTheConnection_then_theCommandFailsAtOnce() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    long start = System.nanoTime();
    MainTest.Run r =
        MainTest.run("get", "k", "--viewserver", "127.0.0.1:" + port, "--timeout", "60s");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.err())
        .isEqualTo(
            "pbkv get: the view service at 127.0.0.1:"
                + port
                + " refused the connection (nothing listens on port "
                + port
                + "; is it running, and is the address right?)\n");
    assertThat(r.exit()).isEqualTo(2);
    // not the 60 s timeout: refused is known at once. The bound is half the timeout, so a loaded
    // machine cannot fail it, while a command that waited for its timeout always does.
    assertThat(millis).isLessThan(30_000);
  }

  @Test
  void when_redisIsNotThere_then_benchFailsAtOnce_insteadOfRunningAt0OpsPerSecond()
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    MainTest.Run r =
        MainTest.run("bench", "--target", "redis://127.0.0.1:" + port, "--duration", "60s");
    assertThat(r.err())
        .isEqualTo(
            "pbkv bench: cannot reach Redis at 127.0.0.1:"
                + port
                + ": connection refused (is redis-server running?)\n");
    assertThat(r.exit()).isEqualTo(2);
  }

  @Test
  void when_pbkvIsRunBare_then_itShowsTheUsageOnStderr_andExits2() {
    MainTest.Run r = MainTest.run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("Usage: pbkv ");
  }

  @Test
  void when_theBudgetRunsOut_then_lincheckSaysUnknown_andExits3_notLikeIllegal() {
    Path history =
        Path.of(
            "../pbkv-lincheck/src/test/resources/histories/synthetic/k1_n2000_seed1_indet2.jsonl");
    MainTest.Run unknown = MainTest.run("lincheck", "--time", "1ms", history.toString());
    assertThat(unknown.out()).contains(": UNKNOWN");
    assertThat(unknown.exit()).isEqualTo(3);
    MainTest.Run illegal =
        MainTest.run(
            "lincheck", "../pbkv-lincheck/src/test/resources/histories/porcupine-kv/c01-bad.txt");
    assertThat(illegal.out()).contains(": ILLEGAL");
    assertThat(illegal.exit()).isEqualTo(1);
  }
}
