package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code pbkv debug}: prints its loopback address, serves the page, stops on quit; bad input. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DebugCommandTest {
  @TempDir Path dir;

  /** A writer whose text can be read while the command runs. */
  static final class Live extends StringWriter {
    synchronized String text() {
      return toString();
    }
  }

  @Test
  void when_debugRuns_then_itPrintsItsAddressServesThePageAndStopsOnQuit() throws Exception {
    Live out = new Live();
    StringWriter err = new StringWriter();
    int[] exit = {-1};
    Thread t =
        new Thread(
            () ->
                exit[0] =
                    Main.run(
                        new String[] {
                          "debug", "split-brain", "--break", "NON_PRIMARY_SERVES", "--no-browser"
                        },
                        new PrintWriter(out, true),
                        new PrintWriter(err, true)));
    t.start();
    Pattern url = Pattern.compile("serving (http://127\\.0\\.0\\.1:(\\d+)/\\?t=([0-9a-f]+))");
    Matcher m = url.matcher("");
    for (int i = 0; i < 600 && !(m = url.matcher(out.text())).find(); i++) {
      Thread.sleep(100);
    }
    assertThat(m.find(0)).as("printed address in: %s %s", out.text(), err).isTrue();
    HttpURLConnection page = (HttpURLConnection) URI.create(m.group(1)).toURL().openConnection();
    page.setReadTimeout(30_000);
    assertThat(page.getResponseCode()).isEqualTo(200);
    assertThat(new String(page.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("pbkv debug");
    HttpURLConnection quit =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + m.group(2) + "/api/quit").toURL().openConnection();
    quit.setRequestMethod("POST");
    quit.setRequestProperty("X-Pbkv-Token", m.group(3));
    assertThat(quit.getResponseCode()).isEqualTo(200);
    t.join(60_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(exit[0]).isZero();
    assertThat(out.text()).contains("scenario split-brain", "stopped");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "debug                                   | name a scenario",
        "debug nope --no-browser                 | unknown scenario 'nope'",
        "debug split-brain --port 70000          | --port must be between 0 and 65535",
        "debug split-brain --break NOT_A_RULE    | '--break'",
        "debug split-brain --replay x.trace      | --replay starts from its file",
        "debug --replay /no/such/file            | no such file",
      })
  void when_inputIsWrong_then_oneClearLine_andExitCode2(String args, String expected) {
    MainTest.Run r = MainTest.run(args.trim().split("\\s+"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(expected).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines()).hasSize(1);
  }

  @Test
  void when_theReplayFileIsNotATrace_then_oneClearLine() throws Exception {
    Path f = dir.resolve("notes.txt");
    Files.writeString(f, "shopping list\n");
    MainTest.Run r = MainTest.run("debug", "--replay", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("neither a saved debugger session nor a model checker trace");
    assertThat(r.err().strip().lines()).hasSize(1);
  }
}
