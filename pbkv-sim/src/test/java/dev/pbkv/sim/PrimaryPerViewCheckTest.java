package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import dev.pbkv.server.ClientMessage.Reply;
import dev.pbkv.server.ClientMessage.WrongServer;
import dev.pbkv.server.PbServer;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ViewReply;
import org.junit.jupiter.api.Test;

/**
 * {@link PrimaryPerViewCheck} on its own: quiet while one server answers per view, and firing on a
 * planted split brain, a server made to believe (by a forged view) that it is primary of the view
 * another server is primary of.
 */
class PrimaryPerViewCheckTest {
  private static final Address CLIENT = Address.of("c1");

  /** A cluster whose view service made s1 primary and s2 backup, with the check listening. */
  private record Setup(Cluster cluster, PrimaryPerViewCheck check, View view) {}

  private static Setup pairServing() {
    Cluster c = Cluster.withDefaults(5);
    PrimaryPerViewCheck check = new PrimaryPerViewCheck(c.sim());
    c.sim().addListener(check);
    c.startViewService();
    c.startServer("s1");
    c.startServer("s2");
    assertThat(
            c.sim()
                .runUntil(
                    () ->
                        c.view().hasBackup()
                            && c.viewServer().isAcked()
                            && c.server(c.view().primary()).isServing()
                            && c.server(c.view().backup()).hasInstalledState(),
                    5_000))
        .isTrue();
    return new Setup(c, check, c.view());
  }

  /** Makes the server at {@code a} believe it is the primary of {@code viewNum}, without backup. */
  private static void forgePrimary(Cluster c, Address a, long viewNum, long bootId) {
    View forged = new View(viewNum, a, null, bootId, 0);
    c.sim()
        .invoke(
            a,
            PbServer.class,
            (s, fx) -> s.onMessage(Cluster.VIEW_SERVICE, new ViewReply(forged), fx));
  }

  @Test
  void when_onlyThePrimaryAnswers_then_theCheckIsQuiet_evenAcrossAFailover() {
    Setup s = pairServing();
    Cluster c = s.cluster();
    Address client = c.addClient("c1");
    assertThat(c.call(client, new Command.Put("k", "1"), 2_000)).isEqualTo(Result.OK);
    c.sim().crash(s.view().primary());
    assertThat(c.call(client, new Command.Put("k", "2"), 5_000)).isEqualTo(Result.OK);
    assertThat(c.view().viewNum()).isGreaterThan(s.view().viewNum());
    assertThat(s.check().violations()).isEmpty();
  }

  @Test
  void when_aSplitBrainIsPlanted_then_theCheckNamesTheViewAndBothServers() {
    Setup s = pairServing();
    Cluster c = s.cluster();
    Address client = c.addClient("c1");
    assertThat(c.call(client, new Command.Put("k", "1"), 2_000)).isEqualTo(Result.OK);
    assertThat(s.check().violations()).isEmpty();

    // s3 starts idle; a forged view makes it primary of the view s1 is primary of.
    Address s3 = c.startServer("s3");
    c.sim().runFor(500);
    assertThat(c.view().viewNum()).isEqualTo(s.view().viewNum());
    forgePrimary(c, s3, s.view().viewNum(), 1);
    PrimaryPerViewCheck check = s.check();
    check.onSend(c.sim().nowMicros(), 1, s3, CLIENT, new Reply(9, Result.OK));

    assertThat(check.violations())
        .singleElement()
        .asString()
        .startsWith(
            "two servers answered clients in view "
                + s.view().viewNum()
                + ": "
                + s.view().primary()
                + " and s3 (at ");
  }

  @Test
  void when_serversAnswerInDifferentViews_orSendOtherMessages_then_theCheckIsQuiet() {
    Setup s = pairServing();
    Cluster c = s.cluster();
    Address primary = s.view().primary();
    Address backup = s.view().backup();
    PrimaryPerViewCheck check = s.check();
    check.onSend(0, 1, primary, CLIENT, new Reply(1, Result.OK));
    check.onSend(0, 2, primary, CLIENT, new Reply(2, Result.OK));
    check.onSend(0, 3, backup, CLIENT, new WrongServer(3, s.view()));
    check.onSend(0, 4, Cluster.VIEW_SERVICE, CLIENT, new Reply(4, Result.OK));
    forgePrimary(c, backup, s.view().viewNum() + 1, 1);
    check.onSend(0, 5, backup, CLIENT, new Reply(5, Result.OK));
    assertThat(check.violations()).isEmpty();
  }

  @Test
  void when_theSplitBrainGoesOn_then_atMostTenViolationsAreKept() {
    Setup s = pairServing();
    Cluster c = s.cluster();
    Address s3 = c.startServer("s3");
    c.sim().runFor(500);
    forgePrimary(c, s3, s.view().viewNum(), 1);
    for (int i = 0; i < 25; i++) {
      s.check().onSend(0, i, s.view().primary(), CLIENT, new Reply(i, Result.OK));
      s.check().onSend(0, i, s3, CLIENT, new Reply(i, Result.OK));
    }
    assertThat(s.check().violations()).hasSize(10);
  }
}
