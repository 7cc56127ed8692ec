package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.net.NetRuntime;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.tls.ConnectionSecurity;
import dev.pbkv.net.tls.TlsConfig;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile and mistaken peers against a live TLS cluster with a users file (real processes): each is
 * refused, the refusal is logged once with the peer, and the cluster keeps serving — a client op
 * succeeds after each.
 *
 * <p>The tests share one cluster but pass in any order: each checks only what no other test changes
 * (its own keys, log lines only it causes, counted over the processes' lives, see {@link #logs}),
 * and the one that leaves state behind on purpose (a host blocked for a minute after wrong
 * passwords) runs on a cluster of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityIT {
  private Path dir;
  private Path certs;
  private Path rogue;
  private Path passwordFile;
  private Path wrongPasswordFile;
  private final ProcessCluster cluster = new ProcessCluster();
  private Address vs;
  private Address primary;
  private String v;
  private Path users;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("pbkv-security-it-");
    certs = dir.resolve("certs");
    rogue = dir.resolve("rogue");
    ok(
        "certs",
        "--out",
        certs.toString(),
        "--servers",
        "127.0.0.1",
        "--viewservers",
        "127.0.0.1",
        "--clients",
        "alice,ops,carol");
    ok("certs", "--out", certs.toString(), "--clients", "old", "--days", "0");
    ok("certs", "--out", rogue.toString(), "--clients", "alice");
    users = dir.resolve("users.txt");
    passwordFile = dir.resolve("alice.pw");
    Files.writeString(passwordFile, "correct horse battery\n");
    wrongPasswordFile = dir.resolve("wrong.pw");
    Files.writeString(wrongPasswordFile, "Tr0ub4dor&3\n");
    MainTest.Run add =
        withStdin(
            "correct horse battery\n",
            "users",
            "add",
            "alice",
            "--read",
            "app/,pub/",
            "--write",
            "app/",
            "--file",
            users.toString(),
            "--iterations",
            "20000");
    assertThat(add.exit()).as(add.err()).isZero();
    ok(
        "users",
        "add",
        "ops",
        "--read",
        "*",
        "--write",
        "*",
        "--no-password",
        "--file",
        users.toString());
    Secured started = startSecured(cluster, 2);
    vs = started.viewService();
    primary = started.firstServer();
    v = "--viewserver=" + vs.name();
  }

  /** A started cluster: its view service and its first server (the first primary). */
  private record Secured(Address viewService, Address firstServer) {}

  /**
   * Starts {@code c}'s view service and {@code servers} servers with the certificates and the users
   * file, and waits until a write succeeds.
   */
  private Secured startSecured(ProcessCluster c, int servers) {
    c.secure(certs);
    c.roleArgs("server", "--users", users.toString());
    Address at = c.startViewService();
    Address first = c.startServer(0);
    for (int i = 1; i < servers; i++) {
      c.startServer(0);
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    MainTest.Run put;
    do { // "no primary yet" until a server has pinged
      put =
          client(
              "client-ops", "put", "--viewserver=" + at.name(), "--timeout", "30s", "app/k", "v0");
    } while (put.exit() != 0 && System.nanoTime() < deadline && pause());
    assertThat(put.exit()).as(put.err()).isZero();
    return new Secured(at, first);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private static void ok(String... args) {
    MainTest.Run r = MainTest.run(args);
    assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
  }

  private static synchronized MainTest.Run withStdin(String input, String... args) {
    java.io.InputStream in = System.in;
    System.setIn(new java.io.ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return MainTest.run(args);
    } finally {
      System.setIn(in);
    }
  }

  /** Runs a client command with the certificate {@code DIR/NAME.*} of the cluster's CA. */
  private MainTest.Run client(String cert, String... args) {
    return clientFrom(certs, cert, args);
  }

  private MainTest.Run clientFrom(Path certDir, String cert, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--tls-cert", certDir.resolve(cert + ".crt").toString(),
            "--tls-key", certDir.resolve(cert + ".key").toString(),
            "--tls-ca", certs.resolve("ca.crt").toString()));
    return MainTest.run(all.toArray(new String[0]));
  }

  /** The cluster still serves: a write and a read by a good client succeed. */
  private void stillServes(String value) {
    stillServes(v, value);
  }

  private void stillServes(String viewServer, String value) {
    MainTest.Run put =
        client("client-ops", "put", viewServer, "--timeout", "30s", "app/alive", value);
    assertThat(put.exit()).as(put.err()).isZero();
    MainTest.Run get = client("client-alice", "get", viewServer, "app/alive");
    assertThat(get.out().strip()).as(get.err()).isEqualTo(value);
  }

  private static boolean pause() {
    try {
      Thread.sleep(200);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Everything {@code c}'s processes logged. A process logs each kind of refusal once per peer host
   * for its whole life ({@code RefusalLog}), so a test checks "logged, and at most once per
   * process" over the whole logs, never "logged since the test began": that would depend on which
   * test refused that kind first.
   */
  private static String logs(ProcessCluster c) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(c.logDir())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        sb.append(Files.readString(f));
      }
    }
    return sb.toString();
  }

  private static long count(String text, String part) {
    return text.lines().filter(l -> l.contains(part)).count();
  }

  @Test
  void when_aUserWritesOutsideTheirPrefixes_then_notAuthorised_exit2_andNothingChanges()
      throws Exception {
    MainTest.Run put = client("client-alice", "put", v, "secret/x", "1");
    assertThat(put.exit()).isEqualTo(2);
    assertThat(put.err().strip())
        .isEqualTo("pbkv put: not authorised for key secret/x: user alice may not write it");
    MainTest.Run readOnly = client("client-alice", "put", v, "pub/x", "1");
    assertThat(readOnly.exit()).isEqualTo(2);
    assertThat(readOnly.err()).contains("may not write");
    MainTest.Run get = client("client-ops", "get", v, "secret/x");
    assertThat(get.exit()).isEqualTo(1); // not found: the refused put never ran
    MainTest.Run allowed = client("client-alice", "put", v, "app/x", "1");
    assertThat(allowed.exit()).as(allowed.err()).isZero();
    MainTest.Run readOther = client("client-alice", "get", v, "secret/x");
    assertThat(readOther.err())
        .contains("not authorised for key secret/x: user alice may not read");
    assertThat(logs(cluster))
        .contains("user alice may not write key secret/x (refused, not executed)");
    stillServes("acl");
  }

  @Test
  void when_aUserLogsInWithAPassword_then_itWorks_andWithoutAnyCredentialsNot() {
    List<String> args =
        List.of(
            "put",
            v,
            "--user",
            "alice",
            "--password-file",
            passwordFile.toString(),
            "--tls-ca",
            certs.resolve("ca.crt").toString(),
            "app/pw",
            "ok");
    MainTest.Run r = MainTest.run(args.toArray(new String[0]));
    assertThat(r.exit()).as(r.err()).isZero();

    MainTest.Run anonymous =
        MainTest.run("get", v, "--tls-ca", certs.resolve("ca.crt").toString(), "app/pw");
    assertThat(anonymous.exit()).isEqualTo(2);
    assertThat(anonymous.err()).contains("not authenticated");

    MainTest.Run plain =
        MainTest.run("get", v, "--user", "alice", "--password-file", passwordFile.toString(), "k");
    assertThat(plain.exit()).isEqualTo(2);
    assertThat(plain.err()).contains("refusing to send a password over plain TCP");

    MainTest.Run carol = client("client-carol", "get", v, "app/pw");
    assertThat(carol.exit()).isEqualTo(2);
    assertThat(carol.err()).contains("'carol' of the client certificate is not in the users file");
  }

  /** On a cluster of its own: it leaves 127.0.0.1 blocked from logging in for a minute. */
  @Test
  void when_aWrongPasswordIsTriedManyTimes_then_refused_loggedRarely_andTheHostWaits()
      throws Exception {
    try (ProcessCluster own = new ProcessCluster()) {
      String ownV = "--viewserver=" + startSecured(own, 1).viewService().name();
      int tries = 8;
      for (int i = 0; i < tries; i++) {
        MainTest.Run r =
            MainTest.run(
                "get",
                ownV,
                "--user",
                "alice",
                "--password-file",
                wrongPasswordFile.toString(),
                "--tls-ca",
                certs.resolve("ca.crt").toString(),
                "app/k");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
            .containsAnyOf("wrong user name or password for 'alice'", "too many failed logins");
      }
      String logs = logs(own);
      assertThat(count(logs, "wrong user name or password for 'alice'")).isBetween(1L, 2L);
      assertThat(logs).contains("failed logins: 127.0.0.1 waits 60 s");
      // the right password from the same host waits too; a certificate is not a login
      MainTest.Run blocked =
          MainTest.run(
              "get",
              ownV,
              "--user",
              "alice",
              "--password-file",
              passwordFile.toString(),
              "--tls-ca",
              certs.resolve("ca.crt").toString(),
              "app/k");
      assertThat(blocked.err()).contains("too many failed logins from 127.0.0.1");
      stillServes(ownV, "passwords");
    }
  }

  @Test
  void when_certificatesAreWrong_then_theHandshakeFails_loggedOnce_andTheClusterServes()
      throws Exception {
    // a certificate from another CA, an expired one, a server's certificate with another key
    Path impostor = dir.resolve("impostor");
    Files.createDirectories(impostor);
    Files.copy(certs.resolve("server-127.0.0.1.crt"), impostor.resolve("server.crt"));
    Files.copy(certs.resolve("client-alice.key"), impostor.resolve("server.key"));
    for (int i = 0; i < 3; i++) {
      for (MainTest.Run r :
          List.of(
              clientFrom(rogue, "client-alice", "get", v, "--timeout", "2s", "app/k"),
              client("client-old", "get", v, "--timeout", "2s", "app/k"),
              clientFrom(impostor, "server", "get", v, "--timeout", "2s", "app/k"))) {
        assertThat(r.exit()).isNotZero();
        assertThat(r.err().strip().lines()).hasSize(1);
      }
    }
    String logs = logs(cluster);
    assertThat(count(logs, "TLS handshake failed")).isBetween(1L, 3L);
    stillServes("certificates");
  }

  /** Sends one message on start, as a node at {@code as}. */
  private record Sender(Address to, Message msg) implements Node {
    @Override
    public void init(Effects fx) {
      fx.send(to, msg);
    }

    @Override
    public void onMessage(Address from, Message m, Effects fx) {}

    @Override
    public void onTimer(Timer timer, Effects fx) {}
  }

  @Test
  void when_aServerCertificateSendsAView_then_itIsDropped_loggedOnce_andTheViewStands()
      throws Exception {
    SoftAssertions softly = new SoftAssertions();
    impostorChecks(cluster, vs, primary, softly);
    softly.assertAll();
    stillServes("views");
  }

  /**
   * The planted bug: a view service and a server whose gates admit any role ({@code
   * -Dpbkv.plant.gateAdmitsAnyRole=true}). The checks above catch it: nothing is refused or logged,
   * and the impostor's ping registers a server.
   */
  @Test
  void when_theGatesAdmitAnyRole_then_theImpostorChecksFail() throws Exception {
    try (ProcessCluster planted = new ProcessCluster()) {
      planted.jvmArgs("-D" + ConnectionSecurity.PLANT_GATE_ADMITS_ANY_ROLE + "=true");
      Secured started = startSecured(planted, 1);
      assertThat(logs(planted)).contains("PLANTED BUG");
      SoftAssertions softly = new SoftAssertions();
      impostorChecks(planted, started.viewService(), started.firstServer(), softly);
      assertThat(softly.errorsCollected())
          .extracting(Throwable::getMessage)
          .anySatisfy(m -> assertThat(m).contains(REFUSAL_LOGGED))
          .anySatisfy(m -> assertThat(m).contains(IMPOSTOR_NOT_REGISTERED));
    }
  }

  private static final String REFUSAL_LOGGED = "the ViewReply's refusal, logged once";
  private static final String IMPOSTOR_NOT_REGISTERED = "no server with the impostor's boot id";

  /**
   * A server certificate sends a view (as if the view service) to {@code server}, three times, and
   * a client certificate pings {@code viewService} as a server: each must be refused, logged once,
   * and change nothing.
   */
  private void impostorChecks(
      ProcessCluster c, Address viewService, Address server, SoftAssertions softly)
      throws Exception {
    Status before;
    try (PbkvClient client = opsClient(viewService)) {
      before = client.status(Duration.ofSeconds(10));
    }
    TlsConfig serverTls =
        new TlsConfig(
            certs.resolve("server-127.0.0.1.crt"),
            certs.resolve("server-127.0.0.1.key"),
            certs.resolve("ca.crt"));
    Address fakeVs = Address.of("127.0.0.1:" + ProcessCluster.freePort());
    View hostile = new View(before.view().viewNum() + 100, fakeVs, null);
    for (int i = 0; i < 3; i++) {
      try (NetRuntime rt = NetRuntime.client(ConnectionSecurity.member(serverTls))) {
        // a member pretending to be the view service
        rt.addNode(fakeVs, new Sender(server, new ViewServiceMessage.ViewReply(hostile))).join();
        Thread.sleep(500); // the messages go out and are refused; nothing observable to wait on
      }
    }
    TlsConfig aliceTls =
        new TlsConfig(
            certs.resolve("client-alice.crt"),
            certs.resolve("client-alice.key"),
            certs.resolve("ca.crt"));
    try (NetRuntime rt = NetRuntime.client(ConnectionSecurity.client(aliceTls))) {
      // a client pretending to be a server
      rt.addNode(
              Address.of("127.0.0.1:2"),
              new Sender(viewService, new ViewServiceMessage.Ping(0, 43)))
          .join();
      Thread.sleep(500);
    }
    String logs = logs(c);
    softly.assertThat(count(logs, "may not send ViewReply")).as(REFUSAL_LOGGED).isEqualTo(1);
    softly
        .assertThat(logs)
        .as("the server certificate named")
        .contains("a server certificate (CN=127.0.0.1");
    softly
        .assertThat(count(logs, "a client certificate (CN=alice"))
        .as("the ping's refusal, logged")
        .isGreaterThanOrEqualTo(1);
    try (PbkvClient client = opsClient(viewService)) {
      Status after = client.status(Duration.ofSeconds(10));
      softly
          .assertThat(after.view().primary())
          .as("the view's primary")
          .isEqualTo(before.view().primary());
      softly
          .assertThat(after.servers())
          .as(IMPOSTOR_NOT_REGISTERED)
          .noneMatch(h -> h.bootId() == 43);
    }
  }

  private PbkvClient opsClient(Address viewService) {
    TlsConfig ops =
        new TlsConfig(
            certs.resolve("client-ops.crt"),
            certs.resolve("client-ops.key"),
            certs.resolve("ca.crt"));
    return PbkvClient.connect(
        PbkvClient.Options.of(viewService.name())
            .withSessions(1)
            .withTimeout(Duration.ofSeconds(10))
            .withSecurity(ConnectionSecurity.client(ops)));
  }
}
