package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pbkv.cli.MainTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} of the simulator and the checkers (sim, scenario, check, lincheck), run in-process
 * and parsed against the schema in docs/json.md ({@link JsonSchema}); bench is in {@code CliIT}.
 */
class JsonOutputTest {
  private static final String HISTORIES = "../pbkv-lincheck/src/test/resources/histories/";

  @Test
  void when_theSimulatorAndCheckersPrintJson_then_everyDocumentedSchemaHolds(@TempDir Path dir)
      throws Exception {
    JsonSchema schema = JsonSchema.load();
    assertThat(schema.commands()).containsAll(JsonSchema.IN_PROCESS);

    // sim, one run: the same run as the text (same seed, same run hash)
    JsonNode sim =
        schema.check("sim", MainTest.run("sim", "--seed", "3", "--duration", "2s", "--json"));
    Run text = MainTest.run("sim", "--seed", "3", "--duration", "2s");
    Matcher hash = Pattern.compile("run hash (\\S+)").matcher(text.out());
    assertThat(hash.find()).as(text.out()).isTrue();
    assertThat(sim.get("run_hash").asText()).isEqualTo(hash.group(1));
    assertThat(sim.get("seed").asLong()).isEqualTo(3);
    assertThat(sim.get("verdict").asText()).isEqualTo("ok");
    assertThat(sim.get("exit").asInt()).isZero();
    assertThat(sim.get("ops_completed").asLong()).isPositive();

    // sim with a rule broken: a violation, exit code 1, in the object
    Run brokenRun =
        MainTest.run(
            "sim", "--swarm", "--seed", "1", "--break", "CLIENT_RETRIES_WITH_NEW_SEQ", "--json");
    JsonNode broken = schema.check("sim", brokenRun);
    assertThat(brokenRun.exit()).isEqualTo(1);
    assertThat(broken.get("verdict").asText()).isEqualTo("violation");
    assertThat(broken.get("violations")).isNotEmpty();
    assertThat(broken.get("broken").get(0).asText()).isEqualTo("CLIENT_RETRIES_WITH_NEW_SEQ");

    // a swarm
    JsonNode swarm =
        schema.check("sim --seeds A..B", MainTest.run("sim", "--seeds", "1..3", "--json"));
    assertThat(swarm.get("seeds_run").asLong()).isEqualTo(3);
    assertThat(swarm.get("passed").asLong()).isEqualTo(3);
    assertThat(swarm.get("failures")).isEmpty();
    Run failingSwarm =
        MainTest.run("sim", "--seeds", "1..5", "--break", "CLIENT_RETRIES_WITH_NEW_SEQ", "--json");
    JsonNode failing = schema.check("sim --seeds A..B", failingSwarm);
    assertThat(failingSwarm.exit()).isEqualTo(1);
    assertThat(failing.get("failed").asLong()).isPositive();
    JsonNode first = failing.get("failures").get(0);
    assertThat(first.get("seed").isIntegralNumber()).isTrue();
    assertThat(first.get("problem").asText()).isNotEmpty();
    assertThat(first.get("replay").asText()).contains("--break CLIENT_RETRIES_WITH_NEW_SEQ");

    // scenarios
    JsonNode scenario =
        schema.check("scenario NAME", MainTest.run("scenario", "split-brain", "--json"));
    assertThat(scenario.get("passed").asBoolean()).isTrue();
    assertThat(scenario.get("narration")).isNotEmpty();
    assertThat(scenario.get("checks").get(0).get("passed").isBoolean()).isTrue();
    Run stale = MainTest.run("scenario", "stale-reads", "--break", "SERVE_READS_LOCALLY", "--json");
    assertThat(schema.check("scenario NAME", stale).get("passed").asBoolean()).isFalse();
    assertThat(stale.exit()).isEqualTo(1);
    JsonNode list = schema.check("scenario list", MainTest.run("scenario", "list", "--json"));
    assertThat(list.get("scenarios").findValuesAsText("name")).contains("split-brain");
    assertThat(list.get("rules").findValuesAsText("name")).contains("SERVE_READS_LOCALLY");

    // the model checker: a counterexample, saved, then replayed
    Path trace = dir.resolve("failover.trace");
    JsonNode check =
        schema.check(
            "check NAME",
            MainTest.run(
                "check",
                "failover",
                "--break",
                "REPLY_BEFORE_BACKUP_ACK",
                "--save-trace",
                trace.toString(),
                "--json"));
    assertThat(check.get("outcome").asText()).isEqualTo("INVARIANT_VIOLATED");
    assertThat(check.get("as_expected").asBoolean()).isTrue();
    assertThat(check.get("counterexample")).isNotEmpty();
    assertThat(check.get("phases").get(0).get("states").isIntegralNumber()).isTrue();
    assertThat(check.get("saved_trace").asText()).isEqualTo(trace.toString());
    assertThat(Files.exists(trace)).isTrue();
    JsonNode replay =
        schema.check(
            "check NAME --replay FILE",
            MainTest.run("check", "failover", "--replay", trace.toString(), "--json"));
    assertThat(replay.get("reproduced").asBoolean()).isTrue();
    assertThat(replay.get("events")).hasSize(check.get("counterexample").size());
    JsonNode searches = schema.check("check list", MainTest.run("check", "list", "--json"));
    assertThat(searches.get("searches").findValuesAsText("name")).contains("failover");

    // lincheck: OK and ILLEGAL
    JsonNode ok =
        schema.check(
            "lincheck FILE",
            MainTest.run("lincheck", HISTORIES + "porcupine-kv/c01-ok.txt", "--json"));
    assertThat(ok.get("verdict").asText()).isEqualTo("OK");
    assertThat(ok.get("exit").asInt()).isZero();
    Run badRun = MainTest.run("lincheck", HISTORIES + "porcupine-kv/c01-bad.txt", "--json");
    JsonNode bad = schema.check("lincheck FILE", badRun);
    assertThat(bad.get("verdict").asText()).isEqualTo("ILLEGAL");
    assertThat(bad.get("key").isTextual()).isTrue();
    assertThat(badRun.exit()).isEqualTo(1);

    assertThat(schema.checked()).containsAll(JsonSchema.IN_PROCESS);
  }

  @Test
  void when_theseCommandsFailWithJson_then_stdoutIsTheErrorObject() throws Exception {
    JsonSchema schema = JsonSchema.load();
    for (String[] args :
        new String[][] {
          {"check", "no-such-search", "--json"},
          {"sim", "--seeds", "1..3", "--mode", "fast", "--json"},
          {"scenario", "no-such-scenario", "--json"},
          {"lincheck", "no/such/file", "--json"},
          {"sim", "--drop", "2", "--json"} // a parse error
        }) {
      Run r = MainTest.run(args);
      JsonNode error = schema.check("error", r);
      assertThat(r.exit()).isEqualTo(2);
      assertThat(error.get("exit").asInt()).isEqualTo(2);
      assertThat(r.err().strip().lines()).hasSize(1);
    }
  }
}
