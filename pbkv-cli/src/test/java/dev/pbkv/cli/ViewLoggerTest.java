package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Timer;
import dev.pbkv.view.ViewServer;
import dev.pbkv.view.ViewServiceMessage.Ping;
import dev.pbkv.view.ViewServiceTimer.CheckTick;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The view service's log: every view change once, with its reason; a stuck state not per tick. */
class ViewLoggerTest {
  private static final Address VS = Address.of("vs");
  private static final Address A = Address.of("a");
  private static final Address B = Address.of("b");
  private static final Address C = Address.of("c");

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final ViewServer vs = new ViewServer();
  private long nanos;
  private ObservedNode node;

  private final Effects fx =
      new Effects() {
        @Override
        public void send(Address to, Message msg) {}

        @Override
        public void setTimer(Timer timer, long minMillis, long maxMillis) {}
      };

  @BeforeEach
  void setUp() {
    Logger log = (Logger) LoggerFactory.getLogger("test.view-logger." + System.nanoTime());
    logged.start();
    log.addAppender(logged);
    node = new ObservedNode(vs, new ViewLogger(VS, log, () -> nanos));
    node.init(fx);
  }

  private void ping(Address from, long viewNum) {
    node.onMessage(from, new Ping(viewNum, 1), fx);
  }

  /** One check interval of 100 ms in which {@code pinging} ping their view. */
  private void interval(Address... pinging) {
    for (Address a : pinging) {
      ping(a, vs.view().viewNum());
    }
    nanos += 100_000_000L;
    node.onTimer(new CheckTick(), fx);
  }

  private List<String> lines() {
    return logged.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void when_theClusterFormsAndLosesItsPrimary_then_eachChangeIsLoggedOnceWithItsReason() {
    ping(A, 0);
    ping(A, 1);
    ping(B, 0);
    ping(A, 2);
    interval(A, B);
    interval(A, B, C);
    for (int i = 0; i < 5; i++) {
      interval(B, C); // a is silent: dead after 5 missed checks
    }
    assertThat(lines())
        .containsExactly(
            "INFO new view 1: primary a, backup none — the first server to ping becomes primary",
            "INFO view 1 acked by a",
            "INFO new view 2: primary a, backup b — idle server b becomes backup",
            "INFO view 2 acked by a",
            "INFO new view 3: primary b, backup c — primary a missed 5 pings; backup b takes over,"
                + " idle server c becomes backup");
  }

  @Test
  void when_theViewServiceIsStuck_then_itSaysSoWhenItStarts_everyMinute_andWhenItEnds() {
    ping(A, 0);
    ping(A, 1);
    interval(A);
    logged.list.clear();
    for (int i = 0; i < 605; i++) { // a minute of check ticks after a is declared dead
      interval();
    }
    assertThat(lines())
        .containsExactly(
            "WARN stuck: primary a has missed 5 pings and there is no backup to promote",
            "WARN still stuck after 1 min: primary a has missed 605 pings and there is no backup"
                + " to promote");
    logged.list.clear();
    interval(A); // the same incarnation comes back
    assertThat(lines())
        .containsExactly("INFO no longer stuck after 60 s: view 1 (primary a, backup none)");
  }

  @Test
  void when_aServerIsLeftOutOfAView_then_itsLogSaysWhatItWasAndWhoTookOver() {
    Logger log = (Logger) LoggerFactory.getLogger("test.server-logger." + System.nanoTime());
    ListAppender<ILoggingEvent> serverLog = new ListAppender<>();
    serverLog.start();
    log.addAppender(serverLog);
    ObservedNode server =
        new ObservedNode(
            new dev.pbkv.server.PbServer(A, VS, 1, dev.pbkv.server.ServerConfig.defaults()),
            new ViewLogger(A, log, () -> nanos));
    server.init(fx);
    server.onMessage(
        VS, new dev.pbkv.view.ViewServiceMessage.ViewReply(new dev.pbkv.view.View(1, A, null)), fx);
    server.onMessage(
        VS, new dev.pbkv.view.ViewServiceMessage.ViewReply(new dev.pbkv.view.View(2, B, C)), fx);
    assertThat(serverLog.list.stream().map(ILoggingEvent::getFormattedMessage))
        .containsExactly(
            "a in view 0 idle",
            "a in view 1 primary, serving",
            "a in view 2 idle: the view service left it out (primary b, backup c); it was primary");
  }
}
