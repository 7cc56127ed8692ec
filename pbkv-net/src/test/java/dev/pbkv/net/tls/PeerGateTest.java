package dev.pbkv.net.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.wire.Envelope;
import dev.pbkv.node.Address;
import dev.pbkv.node.Message;
import dev.pbkv.server.ClientMessage;
import dev.pbkv.server.ReplicationMessage;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The gate alone, its peer's identity given: each message type passes only from the role that may
 * send it, from a host its certificate names; requests pass only if authenticated and authorised,
 * else the client gets an error reply and the node nothing.
 */
class PeerGateTest {
  private static final Address SERVER = Address.of("10.0.0.2:7001");
  private static final Address VS = Address.of("10.0.0.1:7000");
  private static final Address SESSION = Address.of("c-0a0b0c-1");

  private static final PeerIdentity SERVER_CERT =
      new PeerIdentity(PeerRole.SERVER, List.of("10.0.0.2"), null, "CN=10.0.0.2");
  private static final PeerIdentity VS_CERT =
      new PeerIdentity(PeerRole.VIEWSERVICE, List.of("10.0.0.1"), null, "CN=10.0.0.1");

  private static PeerIdentity client(String user) {
    return new PeerIdentity(PeerRole.CLIENT, List.of(), user, "CN=" + user);
  }

  private static EmbeddedChannel gate(PeerIdentity id, Users users, boolean accepted) {
    return new EmbeddedChannel(
        new PeerGate(ConnectionSecurity.forGateTests(users, null), accepted, id));
  }

  /** A gate with the planted bug: no role checks. */
  private static EmbeddedChannel plantedGate(PeerIdentity id, Users users, boolean accepted) {
    return new EmbeddedChannel(
        new PeerGate(
            ConnectionSecurity.forGateTests(users, null).plantGateAdmitsAnyRole(), accepted, id));
  }

  /** Makes a gate for a peer: {@link #gate} or {@link #plantedGate}. */
  private interface Gates {
    EmbeddedChannel gate(PeerIdentity id, Users users, boolean accepted);
  }

  /** True if the gate passed {@code msg} from {@code from} on to the node. */
  private static boolean passes(EmbeddedChannel ch, Address from, Address to, Message msg) {
    ch.writeInbound(new Envelope(from, to, msg));
    Object in = ch.readInbound();
    return in != null;
  }

  @Test
  void when_membersSendTheirMessages_then_onlyTheRightRoleFromItsOwnHostPasses() {
    SoftAssertions.assertSoftly(softly -> memberChecks(PeerGateTest::gate, softly));
  }

  /**
   * The planted bug (a gate without role checks, {@link ConnectionSecurity#plantGateAdmitsAnyRole})
   * fails every refusal check above, and none of the admissions.
   */
  @Test
  void when_theGateAdmitsAnyRole_then_everyRefusalCheckFails() {
    SoftAssertions softly = new SoftAssertions();
    memberChecks(PeerGateTest::plantedGate, softly);
    assertThat(softly.errorsCollected()).hasSize(REFUSALS);
    assertThat(softly.errorsCollected())
        .allSatisfy(e -> assertThat(e).hasMessageContaining("Expecting value to be false"));
  }

  /** How many of {@link #memberChecks}' checks expect a refusal. */
  private static final int REFUSALS = 3 * 4 + 2 + 1 + 1;

  /** Each member message passes only from the role that may send it, from its own host. */
  private static void memberChecks(Gates gates, SoftAssertions softly) {
    View v = new View(7, VS, null);
    List<Message> serverOnly =
        List.of(
            new ViewServiceMessage.Ping(1, 2),
            new ReplicationMessage.ForwardAck(1, 2),
            new ReplicationMessage.StateTransferAck(1, 0));
    for (Message m : serverOnly) {
      softly
          .assertThat(passes(gates.gate(SERVER_CERT, null, true), SERVER, VS, m))
          .as("%s", m)
          .isTrue();
      softly
          .assertThat(passes(gates.gate(VS_CERT, null, true), SERVER, VS, m))
          .as("%s", m)
          .isFalse();
      softly
          .assertThat(passes(gates.gate(client("alice"), null, true), SERVER, VS, m))
          .as("%s", m)
          .isFalse();
      softly.assertThat(passes(gates.gate(PeerIdentity.NONE, null, true), SERVER, VS, m)).isFalse();
      Address elsewhere = Address.of("10.0.0.9:7001"); // a host the certificate does not name
      softly
          .assertThat(passes(gates.gate(SERVER_CERT, null, true), elsewhere, VS, m))
          .as("%s", m)
          .isFalse();
    }
    Message view = new ViewServiceMessage.ViewReply(v);
    softly.assertThat(passes(gates.gate(VS_CERT, null, true), VS, SERVER, view)).isTrue();
    softly.assertThat(passes(gates.gate(SERVER_CERT, null, true), SERVER, SERVER, view)).isFalse();
    softly.assertThat(passes(gates.gate(SERVER_CERT, null, true), VS, SERVER, view)).isFalse();
    // a server's answers reach a client only on the client's own connection to a server
    Message reply = new ClientMessage.Reply(1, Result.OK);
    softly
        .assertThat(passes(gates.gate(SERVER_CERT, null, false), SERVER, SESSION, reply))
        .isTrue();
    softly
        .assertThat(passes(gates.gate(SERVER_CERT, null, true), SERVER, SESSION, reply))
        .isFalse();
    // anyone may ask for the view, but not under a member's address it cannot back
    Message getView = new ViewServiceMessage.GetView();
    softly
        .assertThat(passes(gates.gate(PeerIdentity.NONE, null, true), SESSION, VS, getView))
        .isTrue();
    softly
        .assertThat(passes(gates.gate(client("alice"), null, true), SERVER, VS, getView))
        .isFalse();
    softly.assertThat(passes(gates.gate(SERVER_CERT, null, true), SERVER, VS, getView)).isTrue();
  }

  @Test
  void when_requestsArrive_then_onlyAuthorisedOnesReachTheNode_andTheRestGetAnError() {
    Users users = usersOf("alice - read=app/,pub/ write=app/", "ops - read=* write=*");
    Message put = new ClientMessage.Request(5, new Command.Put("app/x", "1"), 1);
    Message putSecret = new ClientMessage.Request(6, new Command.Put("secret/x", "1"), 1);
    Message getPub = new ClientMessage.Request(7, new Command.Get("pub/x"), 1);
    Message casPub = new ClientMessage.Request(8, new Command.CompareAndSet("pub/x", null, "1"), 1);

    EmbeddedChannel alice = gate(client("alice"), users, true);
    assertThat(passes(alice, SESSION, SERVER, put)).isTrue();
    assertThat(passes(alice, SESSION, SERVER, getPub)).isTrue();
    assertThat(passes(alice, SESSION, SERVER, putSecret)).isFalse();
    assertThat(error(alice, 6))
        .isEqualTo("not authorised for key secret/x: user alice may not write it");
    assertThat(passes(alice, SESSION, SERVER, casPub)).isFalse();
    assertThat(error(alice, 8))
        .isEqualTo("not authorised for key pub/x: user alice may not write it");
    // a request claiming a member's address never passes, whoever sends it
    assertThat(passes(gate(client("ops"), users, true), SERVER, SERVER, put)).isFalse();

    EmbeddedChannel nobody = gate(PeerIdentity.NONE, users, true);
    assertThat(passes(nobody, SESSION, SERVER, put)).isFalse();
    assertThat(error(nobody, 5)).startsWith("not authenticated: log in with a client certificate");

    EmbeddedChannel stranger = gate(client("mallory"), users, true);
    assertThat(passes(stranger, SESSION, SERVER, put)).isFalse();
    assertThat(error(stranger, 5))
        .isEqualTo(
            "not authenticated: the user 'mallory' of the client certificate is not in the users"
                + " file");

    // no users file: any client certificate may do anything; no certificate, nothing
    assertThat(passes(gate(client("mallory"), null, true), SESSION, SERVER, putSecret)).isTrue();
    assertThat(passes(gate(PeerIdentity.NONE, null, true), SESSION, SERVER, putSecret)).isFalse();
  }

  @Test
  void when_aClientSendsItsFirstMessage_then_itsLoginGoesFirst_once() {
    EmbeddedChannel ch =
        new EmbeddedChannel(
            new PeerGate(
                ConnectionSecurity.forGateTests(null, new Login("alice", "pw")), false, VS_CERT));
    ch.writeOutbound(new Envelope(SESSION, VS, new ViewServiceMessage.GetView()));
    ch.writeOutbound(new Envelope(SESSION, VS, new ViewServiceMessage.GetView()));
    assertThat(((Envelope) ch.readOutbound()).message()).isEqualTo(new Login("alice", "pw"));
    assertThat(((Envelope) ch.readOutbound()).message())
        .isInstanceOf(ViewServiceMessage.GetView.class);
    assertThat(((Envelope) ch.readOutbound()).message())
        .isInstanceOf(ViewServiceMessage.GetView.class);
    assertThat((Object) ch.readOutbound()).isNull();
  }

  private static String error(EmbeddedChannel ch, long seq) {
    Envelope e = ch.readOutbound();
    assertThat(e).as("an answer to the refused request").isNotNull();
    assertThat(e.to()).isEqualTo(SESSION);
    ClientMessage.Reply r = (ClientMessage.Reply) e.message();
    assertThat(r.seq()).isEqualTo(seq);
    return ((Result.Error) r.result()).message();
  }

  private static Users usersOf(String... lines) {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("users", ".txt");
      java.nio.file.Files.write(f, List.of(lines));
      Users u = Users.read(f);
      java.nio.file.Files.delete(f);
      return u;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
