package dev.pbkv.debug.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.check.CheckTrace;
import dev.pbkv.check.SearchScenario;
import dev.pbkv.check.SearchScenarios;
import dev.pbkv.check.TraceExport;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.sim.RandomRun;
import dev.pbkv.sim.RandomRunOptions;
import dev.pbkv.sim.TraceRecorder;
import dev.pbkv.sim.scenario.Scenarios;
import dev.pbkv.trace.DiagramRenderer;
import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import dev.pbkv.trace.TraceEvent.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Opens rendered diagrams in headless Chromium (Selenium) and checks what a reader sees: one lane
 * per node and one arrow per delivered message, labels that never overlap, arrows named, a legend
 * whose marks have the colours of the diagram's, pings and timers hidden with one click (and from
 * the start for a real-cluster trace), short lane names with the full address on hover, the page
 * filling the window, a counterexample's violation marked and explained — and no console error.
 * Without Chromium these tests are skipped, loudly (see {@link Browser}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DiagramInBrowserTest {
  @TempDir Path dir;

  private static Trace scenarioTrace(String name) {
    TraceRecorder[] recorder = new TraceRecorder[1];
    Scenarios.run(
        Scenarios.byName(name).orElseThrow(),
        1,
        Set.of(),
        line -> {},
        cluster ->
            recorder[0] = TraceRecorder.attach(cluster.sim()).recordCalls(cluster.history()));
    return recorder[0].trace();
  }

  /** Messages whose send and receive are both in the trace: each is one arrow. */
  private static int deliveredMessages(Trace t, Set<String> skipTypes) {
    Map<String, TraceEvent> sent = new java.util.HashMap<>();
    int n = 0;
    for (TraceEvent e : t.events()) {
      if (e.kind() == Kind.SEND) {
        sent.put(e.messageId(), e);
      } else if (e.kind() == Kind.RECEIVE && sent.containsKey(e.messageId())) {
        String type = e.label().split("[\\s\\[]", 2)[0];
        if (!skipTypes.contains(type)) {
          n++;
        }
      }
    }
    return n;
  }

  private Browser open(Trace trace, String name, int width, int height) throws Exception {
    Path html = dir.resolve(name + ".html");
    DiagramRenderer.render(trace, html);
    Browser b = Browser.open(width, height);
    b.driver().get(html.toUri().toString());
    b.waiting().until(d -> "yes".equals(b.js("return document.body.dataset.rendered || ''")));
    return b;
  }

  private static int data(Browser b, String name) {
    return Integer.parseInt(
        String.valueOf(b.js("return document.querySelector('svg.space-time').dataset." + name)));
  }

  /** Pairs of shown labels whose boxes intersect (by more than a pixel), as text. */
  @SuppressWarnings("unchecked")
  static List<String> overlappingLabels(Browser b) {
    return (List<String>)
        b.js(
            "var ts = Array.from(document.querySelectorAll('svg.space-time text.tag,"
                + " svg.space-time text.msg-label'));"
                + "var bs = ts.map(function (t) { return t.getBBox(); }); var out = [];"
                + "for (var i = 0; i < bs.length; i++) for (var j = i + 1; j < bs.length; j++) {"
                + "  var a = bs[i], c = bs[j];"
                + "  if (a.x + 1 < c.x + c.width && c.x + 1 < a.x + a.width"
                + "      && a.y + 1 < c.y + c.height && c.y + 1 < a.y + a.height)"
                + "    out.push(ts[i].textContent + ' / ' + ts[j].textContent); }"
                + "return out;");
  }

  @Test
  void when_aScenarioIsRendered_then_everyLaneAndArrowIsDrawnAndNoLabelOverlaps() throws Exception {
    Trace trace = scenarioTrace("split-brain");
    assertThat(trace.nodes()).contains("vs", "A", "B", "C", "c1", "c2");
    try (Browser b = open(trace, "split-brain", 1400, 900)) {
      assertThat(data(b, "lanes")).isEqualTo(trace.nodes().size());
      assertThat(data(b, "arrows")).isEqualTo(deliveredMessages(trace, Set.of())).isPositive();
      assertThat(data(b, "lost"))
          .isEqualTo((int) trace.events().stream().filter(e -> e.kind() == Kind.DROP).count());
      assertThat(data(b, "tags")).as("labels shown").isGreaterThan(10);
      assertThat(data(b, "msgLabels")).as("arrows with their message's name").isGreaterThan(20);
      assertThat(overlappingLabels(b)).as("overlapping labels").isEmpty();
      // the two labels the issue found piled up are both on the page
      List<String> tags = texts(b, "svg.space-time text.tag");
      assertThat(tags).contains("call: put x 2", "return: ok");

      // the diagram fills the window: lanes spread over the height, the width is used
      long windowHeight = (Long) b.js("return window.innerHeight");
      Number lastLane =
          (Number)
              b.js(
                  "var ls = document.querySelectorAll('svg.space-time line.lane');"
                      + " return ls[ls.length - 1].getBoundingClientRect().top;");
      assertThat(lastLane.doubleValue()).isGreaterThan(windowHeight * 0.6);

      // each legend mark has the colour of the diagram's marks of its kind
      @SuppressWarnings("unchecked")
      List<List<String>> legend =
          (List<List<String>>)
              b.js(
                  "return Array.from(document.querySelectorAll('.legend [data-legend]'))"
                      + ".map(function (s) { var k = s.dataset.legend;"
                      + " var l = s.querySelector('svg > *');"
                      + " var m = document.querySelector('svg.space-time ' + k);"
                      + " return [k, getComputedStyle(l).fill + ' ' + getComputedStyle(l).stroke,"
                      + " m ? getComputedStyle(m).fill + ' ' + getComputedStyle(m).stroke : 'none']; });");
      assertThat(legend).hasSizeGreaterThan(6);
      for (List<String> item : legend) {
        assertThat(item.get(2)).as("legend %s", item.get(0)).isEqualTo(item.get(1));
      }

      // one click hides pings and timers
      int before = data(b, "arrows");
      int timersBefore = count(b, "svg.space-time .ev.TIMER");
      assertThat(timersBefore).isPositive();
      b.driver().findElement(By.cssSelector("[data-role=background]")).click();
      int hidden = deliveredMessages(trace, Set.of("Ping", "View", "GetView"));
      assertThat(data(b, "arrows")).isLessThan(before).isEqualTo(hidden);
      assertThat(count(b, "svg.space-time .ev.TIMER")).isZero();
      assertThat(overlappingLabels(b)).isEmpty();

      // Lamport layout: a process's events still in order, no overlap either
      b.js(
          "var s = document.querySelector('[data-role=layout]'); s.value = 'lamport';"
              + " s.dispatchEvent(new Event('change'));");
      assertThat(overlappingLabels(b)).isEmpty();
      b.assertNoErrors();
      b.screenshot("diagram-split-brain", null);
    }
  }

  @Test
  void when_timeLayoutIsUsed_then_eachProcessKeepsItsOrderAndALateCallIsNotAtTheFarLeft()
      throws Exception {
    Trace trace = scenarioTrace("split-brain");
    try (Browser b = open(trace, "layout", 1400, 900)) {
      @SuppressWarnings("unchecked")
      Map<String, List<Number>> xs =
          (Map<String, List<Number>>)
              b.js(
                  "var out = {}; document.querySelectorAll('svg.space-time [data-i]').forEach("
                      + "function (m) { if (!m.classList.contains('ev')) return;"
                      + " var bb = m.getBBox(); var n = m.closest('svg') && m;"
                      + " var i = +m.dataset.i; (out[i] = out[i] || []).push(bb.x + bb.width / 2); });"
                      + " return out;");
      // x grows along each lane, in the trace's order (which is each node's program order)
      Map<String, Double> lastX = new java.util.HashMap<>();
      for (int i = 0; i < trace.events().size(); i++) {
        List<Number> x = xs.get(String.valueOf(i));
        if (x == null) {
          continue;
        }
        String node = trace.events().get(i).node();
        double prev = lastX.getOrDefault(node, -1.0);
        assertThat(x.get(0).doubleValue())
            .as("event %d on %s", i, node)
            .isGreaterThanOrEqualTo(prev - 0.5);
        lastX.put(node, x.get(0).doubleValue());
      }
      // c2's only call comes at the end of the run: drawn in the right half, not at the far left
      int call = -1;
      for (int i = 0; i < trace.events().size(); i++) {
        TraceEvent e = trace.events().get(i);
        if (e.node().equals("c2") && e.kind() == Kind.CALL) {
          call = i;
        }
      }
      double width =
          ((Number) b.js("return document.querySelector('svg.space-time').getBBox().width"))
              .doubleValue();
      assertThat(xs.get(String.valueOf(call)).get(0).doubleValue()).isGreaterThan(width / 2);
      b.assertNoErrors();
    }
  }

  @Test
  void when_aCounterexampleIsRendered_then_itsViolationIsMarkedAndExplained() throws Exception {
    SearchScenario scenario = SearchScenarios.failover();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK);
    CheckTrace ct = CheckTrace.of(scenario, rules, scenario.run(rules));
    Trace trace = TraceExport.of(ct.replay(scenario));
    try (Browser b = open(trace, "counterexample", 1400, 900)) {
      String banner = b.driver().findElement(By.cssSelector(".violations")).getText();
      assertThat(banner)
          .contains("invariant broken: results linearizable", "c1: get k -> (absent)")
          .contains("s2: view 3 primary, k = (absent)");
      assertThat(count(b, "svg.space-time .ev.VIOLATION")).isEqualTo(1);
      assertThat(texts(b, "svg.space-time text.tag")).contains("results linearizable");
      assertThat(overlappingLabels(b)).as("overlapping labels").isEmpty();
      b.driver().findElement(By.cssSelector("[data-role=show-violation]")).click();
      assertThat(count(b, "svg.space-time .hl")).isEqualTo(1);
      b.assertNoErrors();
      b.screenshot("diagram-counterexample", null);
    }
  }

  @Test
  void when_aRealClusterTraceIsRendered_then_pingsAndTimersStartHiddenAndLaneNamesAreShort()
      throws Exception {
    List<TraceEvent> events = new ArrayList<>();
    String vs = "127.0.0.1:47000";
    String s1 = "127.0.0.1:47001";
    String client = "127.0.0.1:47999-c-5f3a9e1b2c7d-1";
    long t = 1_700_000_000_000_000L;
    long l = 0;
    for (int i = 0; i < 40; i++) { // a fan of pings and ticks
      events.add(ev(s1, Kind.TIMER, ++l, t += 1000, null, null, "PingTick"));
      events.add(ev(s1, Kind.SEND, ++l, t += 10, "p" + i, vs, "Ping 1"));
      events.add(ev(vs, Kind.RECEIVE, ++l, t += 300, "p" + i, s1, "Ping 1"));
      events.add(ev(vs, Kind.SEND, ++l, t += 10, "r" + i, s1, "View 1:" + s1 + ",-"));
      events.add(ev(s1, Kind.RECEIVE, ++l, t += 300, "r" + i, vs, "View 1:" + s1 + ",-"));
    }
    events.add(ev(client, Kind.CALL, ++l, t += 50, null, null, "call: put k v"));
    events.add(ev(client, Kind.SEND, ++l, t += 10, "q1", s1, "Request #1 put k"));
    events.add(ev(s1, Kind.RECEIVE, ++l, t += 200, "q1", client, "Request #1 put k"));
    events.add(ev(s1, Kind.SEND, ++l, t += 10, "q2", client, "Reply #1"));
    events.add(ev(client, Kind.RECEIVE, ++l, t += 200, "q2", s1, "Reply #1"));
    events.add(ev(client, Kind.RETURN, l, t, null, null, "return: ok"));
    Trace trace = new Trace(Trace.REAL, events);
    try (Browser b = open(trace, "real", 1200, 700)) {
      assertThat(data(b, "arrows")).as("only the client's request and reply").isEqualTo(2);
      assertThat(count(b, "svg.space-time .ev.TIMER")).isZero();
      assertThat(b.driver().findElement(By.cssSelector("input[data-type=Ping]")).isSelected())
          .isFalse();
      List<String> lanes = texts(b, "svg.space-time text.lane-label");
      assertThat(lanes).contains(":47000", ":47001");
      assertThat(lanes).allMatch(x -> x.length() <= 14);
      assertThat(
              b.js(
                  "return Array.from(document.querySelectorAll('svg.space-time text.lane-label"
                      + " title')).map(function (t) { return t.textContent; });"))
          .asList()
          .contains(vs, s1, client);
      // the client's ops are on the first screen
      Number callX =
          (Number)
              b.js(
                  "return document.querySelector('svg.space-time .ev.CALL').getBoundingClientRect().left");
      assertThat(callX.doubleValue()).isLessThan(1200);
      b.driver().findElement(By.cssSelector("[data-role=background]")).click();
      assertThat(data(b, "arrows")).isEqualTo(82);
      b.assertNoErrors();
    }
  }

  @Test
  void when_aLargeRunWithLossIsRendered_then_tenThousandEventsStillRender() throws Exception {
    RandomRun run =
        new RandomRun(
            new RandomRunOptions.Builder(3).drop(0.1).duplicate(0.05).duration(15_000).build());
    TraceRecorder recorder = TraceRecorder.attach(run.cluster().sim());
    run.run();
    Trace trace = recorder.trace();
    assertThat(trace.events().size()).isGreaterThan(10_000);
    assertThat(trace.events()).anyMatch(e -> e.kind() == Kind.DROP);
    try (Browser b = open(trace, "large", 1400, 900)) {
      assertThat(data(b, "lanes")).isEqualTo(trace.nodes().size());
      assertThat(data(b, "arrows")).isEqualTo(deliveredMessages(trace, Set.of()));
      assertThat(data(b, "lost"))
          .isEqualTo((int) trace.events().stream().filter(e -> e.kind() == Kind.DROP).count());
      b.assertNoErrors();
      b.screenshot("diagram-large", null);
    }
  }

  @Test
  void when_theReadmeDiagramIsDrawn_then_itComesFromThisTest() throws Exception {
    Trace trace = scenarioTrace("one-more-corner-case");
    try (Browser b = open(trace, "one-more-corner-case", 1400, 800)) {
      assertThat(overlappingLabels(b)).isEmpty();
      b.driver().findElement(By.cssSelector("[data-role=background]")).click();
      assertThat(overlappingLabels(b)).isEmpty();
      b.assertNoErrors();
      b.screenshot("diagram-one-more-corner-case", "space-time-diagram.png");
    }
  }

  private static TraceEvent ev(
      String node, Kind kind, long lamport, long micros, String id, String peer, String label) {
    return new TraceEvent(node, kind, lamport, Map.of(node, lamport), micros, id, peer, label, "");
  }

  @SuppressWarnings("unchecked")
  static List<String> texts(Browser b, String css) {
    return (List<String>)
        b.js(
            "return Array.from(document.querySelectorAll(arguments[0])).map(function (t) {"
                + " return t.firstChild ? t.firstChild.textContent : t.textContent; });",
            css);
  }

  static int count(Browser b, String css) {
    return ((Number) b.js("return document.querySelectorAll(arguments[0]).length", css)).intValue();
  }

  static Set<String> set(List<String> l) {
    return new HashSet<>(l);
  }
}
