package dev.pbkv.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.check.CheckTrace;
import dev.pbkv.check.SearchScenario;
import dev.pbkv.check.SearchScenarios;
import dev.pbkv.rules.RuleSwitch;
import dev.pbkv.trace.Trace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A saved session is a trace that replays on the real nodes; bad files get one line. */
class SessionFileTest {
  @TempDir Path dir;

  @Test
  void when_aSessionIsSavedAndOpened_then_itReplaysToTheSameStateAndIsATrace() throws Exception {
    Session s = InvariantsTest.splitBrainAtViewThree(Set.of(RuleSwitch.NON_PRIMARY_SERVES));
    InvariantsTest.clientReachesStaleBackup(s);
    Path file = dir.resolve("s.jsonl");
    Files.writeString(file, SessionFile.text(s));
    Session again = SessionFile.open(file);
    assertThat(again.world().step()).isEqualTo(s.world().step());
    assertThat(again.world().trace()).isEqualTo(s.world().trace());
    assertThat(again.world().violation()).isEqualTo(s.world().violation());
    for (Cast.Member m : s.world().cast().members()) {
      assertThat(again.world().node(m.address())).isEqualTo(s.world().node(m.address()));
    }
    assertThat(again.current().planIndex()).isEqualTo(-1);
    Trace t = Trace.read(file); // any trace reader reads it
    assertThat(t.events()).isEqualTo(s.world().trace());
  }

  @Test
  void when_aCheckTraceIsOpened_then_itsEventsAreThePlan() throws Exception {
    SearchScenario scenario = SearchScenarios.failover();
    Set<RuleSwitch> rules = Set.of(RuleSwitch.REPLY_BEFORE_BACKUP_ACK);
    CheckTrace ct = CheckTrace.of(scenario, rules, scenario.run(rules));
    Path file = dir.resolve("t.trace");
    ct.write(file);
    Session s = SessionFile.open(file);
    assertThat(s.start().plan().steps().size()).isGreaterThanOrEqualTo(ct.size());
    assertThat(s.start().rules()).isEqualTo(rules);
    s.runPlan(w -> false, Integer.MAX_VALUE);
    assertThat(s.world().violation()).isNotNull();
    // saved after a few steps, the session names the check trace and replays
    Path saved = dir.resolve("s.jsonl");
    Files.writeString(saved, SessionFile.text(s));
    assertThat(SessionFile.open(saved).world().trace()).isEqualTo(s.world().trace());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "hello",
        "\u0000\u0001binary",
        "{\"pbkv-trace\":1,\"time\":\"virtual\"}\n",
        "{\"pbkv-trace\":1,\"pbkv-debug\":{\"start\":{\"kind\":\"nope\"},\"actions\":[]}}",
        "{\"pbkv-trace\":1,\"pbkv-debug\":{\"start\":{\"kind\":\"scenario\",\"name\":\"x\"}}}",
        "{\"pbkv-trace\":1,\"pbkv-debug\":{\"start\":{\"kind\":\"scenario\",\"name\":\"split-brain\","
            + "\"broken\":[\"NO_SUCH_RULE\"]},\"actions\":[]}}",
        "{\"pbkv-trace\":1,\"pbkv-debug\":{\"start\":{\"kind\":\"scenario\",\"name\":\"split-brain\"},"
            + "\"actions\":[\"deliver m77\"]}}",
        "{\"pbkv-trace\":1,\"pbkv-debug\":{\"start\":{\"kind\":\"scenario\",\"name\":\"split-brain\"},"
            + "\"actions\":[\"warp 9\"]}}",
        "{\"pbkv-trace\":1,\"pbkv-debug\":{\"start\":{\"kind\":\"check\",\"trace\":\"junk\"},"
            + "\"actions\":[]}}",
        "pbkv-check-trace 1\nsearch failover\n"
      })
  void when_aFileIsNotASession_then_oneLineSaysWhy(String content) throws Exception {
    Path file = dir.resolve("bad");
    Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> SessionFile.open(file))
        .isInstanceOfAny(IllegalArgumentException.class, java.io.IOException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("\n"));
  }

  @Test
  void when_theFileIsMissing_then_ioErrorNamesIt() {
    assertThatThrownBy(() -> SessionFile.open(dir.resolve("none")))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("no such file");
  }
}
