package dev.pbkv.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.clock.VectorClock;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.trace.DiagramRenderer;
import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Saving, loading, replaying and drawing the traces a search finds. */
class CheckTraceTest {
  static final Set<RuleSwitch> RULES = Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK);
  static SearchScenario failover;
  static SearchScenario.Run run;
  static CheckTrace trace;

  @BeforeAll
  static void findTheLostAppend() {
    failover = SearchScenarios.failover();
    run = failover.run(RULES);
    trace = CheckTrace.of(failover, RULES, run);
  }

  @Test
  void when_aTraceIsSavedAndLoaded_then_replayingItBreaksTheSameInvariant(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("failover.trace");
    trace.write(file);
    String text = java.nio.file.Files.readString(file);
    assertThat(text)
        .startsWith(CheckTrace.HEADER + "\n")
        .contains("search failover\n", "broken REPLY_BEFORE_BACKUP_ACK\n")
        .contains("outcome INVARIANT_VIOLATED results linearizable\n")
        .contains("phase 1 view 2 ready\n", "phase 3 primary stopped\n")
        .contains("event deliver s1 -> vs: Ping[")
        .endsWith("end\n");

    CheckTrace loaded = CheckTrace.read(file);
    assertThat(loaded).isEqualTo(trace);
    CheckTrace.Replay replay = loaded.replay(SearchScenarios.failover());
    assertThat(replay.reproduced()).isTrue();
    assertThat(replay.verdict()).startsWith("reproduced").contains("results linearizable");
    assertThat(replay.events()).isEqualTo(run.fullTrace());
    assertThat(replay.end()).isEqualTo(run.last().state());
    assertThat(Predicates.resultsLinearizable().holds(replay.end())).isFalse();
    assertThat(replay.phases())
        .extracting(p -> p.events().size())
        .containsExactly(
            run.phases().get(0).depth(), run.phases().get(1).depth(), run.last().depth());
  }

  /**
   * With rule 2 kept, the primary does not reply before the backup's ack, so the event of the saved
   * trace that delivers that early reply is not enabled: the replay stops there and names it.
   */
  @Test
  void when_theRuleIsNoLongerBroken_then_theReplayNamesTheFirstEventThatCannotHappen() {
    CheckTrace correct =
        new CheckTrace(
            trace.search(), Set.of(), trace.outcome(), trace.predicate(), trace.phases());
    assertThatThrownBy(() -> correct.replay(failover))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "event 14 (phase 2) is not enabled: deliver s1 -> c1: Reply[seq=1, result=\"x\"]");
  }

  @Test
  void when_aTraceOfAnotherSearchIsReplayed_then_itSaysSo() {
    assertThatThrownBy(() -> trace.replay(SearchScenarios.threeServers()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("this is a trace of search 'failover', not of 'three-servers'");
  }

  @Test
  void when_anEventIsChanged_then_theReplayNamesTheEventThatIsNotEnabled() {
    String text = trace.text().replaceFirst("event deliver s1 -> vs", "event deliver s9 -> vs");
    CheckTrace edited = CheckTrace.parse(text, "edited");
    assertThatThrownBy(() -> edited.replay(failover))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("event 1 (phase 1) is not enabled: deliver s9 -> vs: Ping[");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "garbage                              | t line 1: not a pbkv check trace",
        "pbkv-check-trace 1;search failover;broken NO_SUCH_RULE | t line 3: unknown rule switch 'NO_SUCH_RULE'",
        "pbkv-check-trace 1;search failover;broken -;outcome SOMETHING x | t line 4: unknown outcome 'SOMETHING'",
        "pbkv-check-trace 1;search failover;broken -;outcome SPACE_EXHAUSTED | t line 4: a trace ends in a violation or a goal",
        "pbkv-check-trace 1;search failover;broken -;outcome GOAL_FOUND g;event timer vs: X | t line 5: an event before the first phase",
        "pbkv-check-trace 1;search failover;broken -;outcome GOAL_FOUND g;phase 2 x | t line 5: expected 'phase 1 NAME'",
        "pbkv-check-trace 1;search failover;broken -;outcome GOAL_FOUND g;phase 1 x;event hello | t line 6: an event is 'deliver",
        "pbkv-check-trace 1;search failover;broken -;outcome GOAL_FOUND g;phase 1 x;event timer vs: X | t: truncated (no 'end' line)",
        "pbkv-check-trace 1;search failover;frobnicate | t line 3: unknown line 'frobnicate'",
        "pbkv-check-trace 1;phase 1 x                  | t line 2: 'search', 'broken' and 'outcome' must come before",
      })
  void when_aFileIsMalformed_then_oneLineNamesTheProblem(String text, String expected) {
    assertThatThrownBy(() -> CheckTrace.parse(text.replace(';', '\n'), "t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(expected.strip())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void when_aTraceIsExported_then_everyEventIsStampedAndTheDiagramShowsIt() {
    CheckTrace.Replay replay = trace.replay(failover);
    Trace t = TraceExport.of(replay);
    List<TraceEvent> events = t.events();
    assertThat(t.nodes()).containsExactly("vs", "s1", "s2", "c1");
    Map<String, TraceEvent> sends = new HashMap<>();
    int receives = 0;
    for (TraceEvent e : events) {
      if (e.kind() == TraceEvent.Kind.SEND) {
        sends.put(e.messageId(), e);
      } else if (e.kind() == TraceEvent.Kind.RECEIVE) {
        receives++;
        TraceEvent send = sends.get(e.messageId());
        assertThat(send).as("the send of %s comes first", e).isNotNull();
        assertThat(send.lamport()).isLessThan(e.lamport());
        assertThat(VectorClock.of(send.clock()).happenedBefore(VectorClock.of(e.clock()))).isTrue();
        assertThat(e.peer()).isEqualTo(send.node());
      }
    }
    long timers = replay.events().stream().filter(e -> e instanceof Event.Fire).count();
    assertThat(receives).isEqualTo(replay.events().size() - timers);
    assertThat(events)
        .anyMatch(e -> e.kind() == TraceEvent.Kind.CALL && e.label().equals("call: get k"))
        .anyMatch(e -> e.kind() == TraceEvent.Kind.RETURN && e.node().equals("c1"))
        .anyMatch(e -> e.kind() == TraceEvent.Kind.VIEW && e.label().equals("view 3: primary"))
        .anyMatch(e -> e.kind() == TraceEvent.Kind.PAUSE && e.node().equals("s1"));
    TraceEvent last = events.get(events.size() - 1);
    assertThat(last.kind()).isEqualTo(TraceEvent.Kind.VIOLATION);
    assertThat(last.label()).isEqualTo("results linearizable");
    assertThat(last.detail())
        .contains("reproduced", "c1: append k x -> \"x\"", "c1: get k -> (absent)", "s2: view 3");

    String html = DiagramRenderer.render(t);
    assertThat(html)
        .contains("PbkvDiagram(")
        .contains("\"lb\":\"Forward v2 #1-1\"")
        .contains("\"lb\":\"call: get k\"")
        .contains("results linearizable");
  }

  @Test
  void when_aDfsTraceIsSaved_then_itReplaysToo() {
    SearchScenario scenario = SearchScenarios.singleServerSpace();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.CLIENT_RETRIES_WITH_NEW_SEQ);
    long seed = 3;
    System.out.println("DFS seed " + seed);
    SearchScenario.Run dfs =
        scenario.run(rules, s -> s.maxDepth(40).maxStates(5_000_000), seed, new Search.Stats());
    assertThat(dfs.last().outcome()).isEqualTo(Outcome.INVARIANT_VIOLATED);
    CheckTrace t = CheckTrace.parse(CheckTrace.of(scenario, rules, dfs).text(), "dfs");
    CheckTrace.Replay r = t.replay(scenario);
    assertThat(r.reproduced()).isTrue();
    assertThat(r.events()).isEqualTo(dfs.fullTrace());
  }
}
