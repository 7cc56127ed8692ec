package dev.pbkv.net.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Password hashes, the users file, the login back-off and member addresses. */
class CredentialsTest {
  @TempDir Path dir;

  @Test
  void when_aPasswordIsHashed_then_onlyItMatches_andTheTextRoundTrips() {
    PasswordHash h = PasswordHash.of("s3cret".toCharArray(), PasswordHash.MIN_ITERATIONS);
    assertThat(h.matches("s3cret".toCharArray())).isTrue();
    assertThat(h.matches("s3creT".toCharArray())).isFalse();
    assertThat(h.matches("".toCharArray())).isFalse();
    PasswordHash back = PasswordHash.parse(h.toString());
    assertThat(back).isEqualTo(h);
    assertThat(back.matches("s3cret".toCharArray())).isTrue();
    PasswordHash other = PasswordHash.of("s3cret".toCharArray(), PasswordHash.MIN_ITERATIONS);
    assertThat(other.toString()).isNotEqualTo(h.toString()); // salted
  }

  @Test
  void when_aHashIsMalformed_then_oneLine() {
    assertThatThrownBy(() -> PasswordHash.parse("md5:abc"))
        .hasMessageContaining("starts with 'pbkdf2-sha256:'");
    assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256:5:AAAA:AAAA"))
        .hasMessageContaining("iterations must be");
    assertThatThrownBy(() -> PasswordHash.parse("pbkdf2-sha256:x:AAAA:AAAA"))
        .hasMessageContaining("not a number");
  }

  @Test
  void when_theUsersFileIsRead_then_prefixesDecide() throws Exception {
    PasswordHash h = PasswordHash.of("pw".toCharArray(), PasswordHash.MIN_ITERATIONS);
    Path f = dir.resolve("users");
    Files.writeString(
        f,
        "# comment\n\nalice "
            + h
            + " read=app/,pub/ write=app/\nops - read=* write=*\n"
            + "ro - read=ключ/\n");
    Users users = Users.read(f);
    assertThat(users.size()).isEqualTo(3);
    Users.User alice = users.get("alice");
    assertThat(alice.mayRead("app/x")).isTrue();
    assertThat(alice.mayRead("pub/x")).isTrue();
    assertThat(alice.mayWrite("pub/x")).isFalse();
    assertThat(alice.mayWrite("ap")).isFalse();
    assertThat(alice.hash().matches("pw".toCharArray())).isTrue();
    assertThat(users.get("ops").mayWrite("anything")).isTrue();
    assertThat(users.get("ops").hash()).isNull();
    assertThat(users.get("ro").mayRead(dev.pbkv.kv.ByteStrings.fromText("ключ/1"))).isTrue();
    assertThat(users.get("ro").mayWrite(dev.pbkv.kv.ByteStrings.fromText("ключ/1"))).isFalse();
    assertThat(Users.parse(alice.line())).isEqualTo(alice);
    assertThat(users.get("nobody")).isNull();
  }

  @Test
  void when_theUsersFileIsBad_then_oneLineNamingFileAndLine() throws Exception {
    Path f = dir.resolve("users");
    Files.writeString(f, "ops - read=*\nops - write=*\n");
    assertThatThrownBy(() -> Users.read(f))
        .hasMessage("--users " + f + " line 2: user 'ops' again");
    Files.writeString(f, "bad name - read=*\n");
    assertThatThrownBy(() -> Users.read(f)).hasMessageContaining("line 1:");
    Files.writeString(f, "ops - rread=*\n");
    assertThatThrownBy(() -> Users.read(f))
        .hasMessageContaining("'rread=*' is neither read=... nor write=...");
    assertThatThrownBy(() -> Users.read(dir.resolve("none"))).hasMessageContaining("no such file");
  }

  @Test
  void when_aHostFailsTooOften_then_itWaits_andASuccessClearsIt() {
    LoginThrottle t = new LoginThrottle();
    long now = 1_000_000;
    for (int i = 1; i < LoginThrottle.FREE_FAILURES; i++) {
      assertThat(t.failed("h", now)).isEqualTo(i);
      assertThat(t.blocked("h", now)).isFalse();
    }
    t.failed("h", now);
    assertThat(t.blocked("h", now)).isTrue();
    assertThat(t.blocked("other", now)).isFalse();
    assertThat(t.blocked("h", now + LoginThrottle.BLOCK_MILLIS)).isFalse();
    t.failed("g", now);
    t.succeeded("g");
    assertThat(t.failed("g", now)).isEqualTo(1);
  }

  @Test
  void when_anAddressIsParsed_then_onlyHostPortHasAHost() {
    assertThat(PeerIdentity.hostOf("127.0.0.1:7000")).isEqualTo("127.0.0.1");
    assertThat(PeerIdentity.hostOf("db1.example:7000")).isEqualTo("db1.example");
    assertThat(PeerIdentity.hostOf("[::1]:7000")).isEqualTo("::1");
    assertThat(PeerIdentity.hostOf("c-0a1b2c-3")).isNull();
    assertThat(PeerIdentity.hostOf("::1")).isNull();
    assertThat(PeerIdentity.hostOf(":7000")).isNull();
    assertThat(PeerIdentity.hostOf("x:")).isNull();
    assertThat(new Login("alice", "pw").toString()).doesNotContain("pw");
  }

  @Test
  void when_aPeerIsRefusedOften_then_oneLinePerHostAndKind() {
    RefusalLog log = new RefusalLog();
    var a1 = new java.net.InetSocketAddress("127.0.0.1", 1000);
    var a2 = new java.net.InetSocketAddress("127.0.0.1", 1001);
    assertThat(log.refuse(a1, "handshake", "x")).isTrue();
    assertThat(log.refuse(a2, "handshake", "x")).isFalse();
    assertThat(log.refuse(a2, "login", "x")).isTrue();
    assertThat(log.refused()).isEqualTo(3);
  }
}
