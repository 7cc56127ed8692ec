package dev.pbkv.debug.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.check.CheckTrace;
import dev.pbkv.check.SearchScenario;
import dev.pbkv.check.SearchScenarios;
import dev.pbkv.debug.DebugServer;
import dev.pbkv.debug.ScenarioStart;
import dev.pbkv.debug.Session;
import dev.pbkv.debug.SessionFile;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.scenario.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Uses {@code pbkv debug}'s page in headless Chromium as a student would: follows a scenario's
 * plan, then delivers messages by clicking until a broken rule shows, sees the violation marked and
 * explained, undoes, branches and saves; replays a model-checker counterexample step by step until
 * its violation shows. Every test checks that the page logged no error and loaded nothing from
 * elsewhere, and keeps a screenshot in {@code target/screenshots}; two of them are the README's
 * pictures ({@code -Dpbkv.docs=docs}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DebuggerInBrowserTest {
  @TempDir Path dir;

  private static Browser open(DebugServer server) {
    Browser b = Browser.open(1600, 1000);
    b.driver().get(server.uri().toString());
    waitIdle(b);
    return b;
  }

  /** Waits until the page has drawn the answer to its last request. */
  private static void waitIdle(Browser b) {
    b.waiting()
        .until(
            d ->
                "yes".equals(b.js("return document.body.dataset.ready || ''"))
                    && !"yes".equals(b.js("return document.body.dataset.busy || ''")));
  }

  private static int step(Browser b) {
    return Integer.parseInt(String.valueOf(b.js("return document.body.dataset.step")));
  }

  private static void click(Browser b, WebElement e) {
    int before = step(b);
    e.click();
    waitIdle(b);
    String error = b.driver().findElement(By.id("error")).getText();
    assertThat(error).as("the page's error line after a click").isEmpty();
    assertThat(step(b)).isNotEqualTo(before);
  }

  private static void role(Browser b, String role) {
    click(b, b.driver().findElement(By.cssSelector("header [data-role=" + role + "]")));
  }

  private static void runUntil(Browser b, String until) {
    click(
        b,
        b.driver().findElement(By.cssSelector("header [data-role=run][data-until=" + until + "]")));
  }

  /** Clicks "deliver" on the message in flight whose row reads {@code text}. */
  private static void deliver(Browser b, String text) {
    click(b, messageRow(b, text).findElement(By.cssSelector("[data-role=deliver]")));
  }

  private static WebElement messageRow(Browser b, String text) {
    for (WebElement row : b.driver().findElements(By.cssSelector("#messages tr"))) {
      if (row.getText().contains(text)) {
        return row;
      }
    }
    throw new AssertionError(
        "no message in flight reads '"
            + text
            + "'; in flight: "
            + b.driver().findElement(By.id("messages")).getText());
  }

  private static String badge(Browser b, String invariant) {
    return b.driver()
        .findElement(By.cssSelector("[data-invariant='" + invariant + "']"))
        .getAttribute("class");
  }

  /** Every resource the page loaded came from the debugger itself. */
  private static void assertSelfContained(Browser b, DebugServer server) {
    @SuppressWarnings("unchecked")
    List<String> urls =
        (List<String>)
            b.js(
                "return performance.getEntriesByType('resource').map(function (r) {"
                    + " return r.name; });");
    assertThat(urls).allMatch(u -> u.startsWith("http://127.0.0.1:" + server.port() + "/"));
    assertThat(b.driver().getPageSource())
        .doesNotContain("src=\"http", "href=\"http", "url(http", "@import");
  }

  @Test
  void when_aStudentClicksThroughSplitBrainWithRule4Broken_then_theAnomalyIsMarkedAndExplained()
      throws Exception {
    Session session =
        new Session(
            ScenarioStart.of(
                Scenarios.byName("split-brain").orElseThrow(),
                1,
                Set.of(RuleSwitch.NON_PRIMARY_SERVES)));
    try (DebugServer server = DebugServer.start(session, 0);
        Browser b = open(server)) {
      assertThat(b.driver().findElement(By.id("title")).getText()).contains("split-brain");
      // Follow the scenario's own run until the view service hands view 3 to B.
      for (int i = 0; i < 200; i++) {
        String next = b.driver().findElement(By.id("next")).getText();
        if (next.contains("vs → B: View 3:B,C")) {
          break;
        }
        role(b, "next");
      }
      assertThat(b.driver().findElement(By.id("next")).getText()).contains("vs → B: View 3:B,C");
      assertThat(b.driver().findElement(By.cssSelector("#nodes [data-node=B]")).getText())
          .contains("backup in view 2");
      // the picture for the README, with the pings and timers folded away (one click each way)
      WebElement background =
          b.driver().findElement(By.cssSelector("#diagram [data-role=background]"));
      background.click();
      assertThat(DiagramInBrowserTest.overlappingLabels(b)).isEmpty();
      b.screenshot("debugger-mid-run", "debugger-mid-run.png");
      background.click();

      // Hold that reply back: B still believes it is A's backup. c1 calls and learns view 3.
      new Select(b.driver().findElement(By.id("client"))).selectByValue("c1");
      b.driver().findElement(By.id("command")).sendKeys("put x 2");
      click(b, b.driver().findElement(By.cssSelector("[data-role=submit]")));
      click(
          b,
          b.driver()
              .findElement(
                  By.cssSelector(
                      "#timers tr[data-node=c1][data-text='RetryTick[seq=2, intervalMillis=100]'] button")));
      deliver(b, "c1→vs: GetView");
      deliver(b, "vs→c1: View 3:B,C");
      assertThat(badge(b, "one primary per view")).contains("ok");
      deliver(b, "c1→B: Request #2 put x");

      // B, backup of view 2, answered c1: the first violation, marked and explained.
      assertThat(badge(b, "one primary per view")).contains("bad");
      String banner = b.driver().findElement(By.id("violation")).getText();
      assertThat(banner)
          .contains("first violation: one primary per view")
          .contains("B answered c1 in view 2, where A had answered clients already")
          .contains("rule 4");
      assertThat(DiagramInBrowserTest.count(b, "#diagram svg.space-time .ev.VIOLATION"))
          .isEqualTo(1);
      assertThat(DiagramInBrowserTest.overlappingLabels(b)).isEmpty();
      b.screenshot("debugger-violation", null);

      // Undo, and drop the request instead: a second branch; the violation is gone on it.
      int atViolation = step(b);
      role(b, "undo");
      assertThat(badge(b, "one primary per view")).contains("ok");
      click(
          b,
          messageRow(b, "c1→B: Request #2 put x").findElement(By.cssSelector("[data-role=drop]")));
      assertThat(step(b)).isEqualTo(atViolation);
      assertThat(b.driver().findElements(By.cssSelector("#path [data-branch]"))).hasSize(1);
      assertThat(b.driver().findElements(By.id("violation")).get(0).isDisplayed()).isFalse();

      // Save: the download is a trace that replays to the same state on the real nodes.
      b.driver().findElement(By.cssSelector("[data-role=save]")).click();
      Path saved = b.downloads().resolve("pbkv-debug-session.jsonl");
      b.waiting().until(d -> Files.exists(saved) && sizeOf(saved) > 0);
      Session replayed = SessionFile.open(saved);
      assertThat(replayed.world().step()).isEqualTo(atViolation);
      assertThat(replayed.world().violation()).isNull();
      assertThat(replayed.world().trace()).isEqualTo(session.world().trace());

      assertSelfContained(b, server);
      b.assertNoErrors();
    }
  }

  @Test
  void when_aCounterexampleIsReplayedStepByStep_then_itsViolationShowsAtTheStepThatBreaksIt()
      throws Exception {
    SearchScenario scenario = SearchScenarios.failover();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK);
    Path file = dir.resolve("failover.trace");
    CheckTrace.of(scenario, rules, scenario.run(rules)).write(file);
    Session session = SessionFile.open(file);
    try (DebugServer server = DebugServer.start(session, 0);
        Browser b = open(server)) {
      assertThat(b.driver().findElement(By.id("title")).getText())
          .contains("counterexample of pbkv check failover");
      int steps = 0;
      while (b.driver().findElements(By.cssSelector("body[data-violation]")).isEmpty()
          && steps++ < 100) {
        role(b, "next");
      }
      String banner = b.driver().findElement(By.id("violation")).getText();
      assertThat(banner).contains("first violation: nothing lost", "s2 is the primary of view 3");
      assertThat(badge(b, "nothing lost")).contains("bad");
      assertThat(badge(b, "linearizable so far")).as("no client has read yet").contains("ok");
      b.screenshot("debugger-counterexample-lost", null);

      // The model checker's own violation comes at the end of its trace: the get sees no append.
      runUntil(b, "end");
      assertThat(badge(b, "linearizable so far")).contains("bad");
      assertThat(b.driver().findElement(By.id("next")).getText()).contains("the plan is done");
      assertThat(b.driver().findElement(By.cssSelector("#path .bad")).getText())
          .contains("vs → s2: View 3:s2,-");
      assertThat(DiagramInBrowserTest.overlappingLabels(b)).isEmpty();
      b.screenshot("debugger-counterexample", "debugger-counterexample.png");
      assertSelfContained(b, server);
      b.assertNoErrors();
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
