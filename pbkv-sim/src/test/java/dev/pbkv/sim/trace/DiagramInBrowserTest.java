package dev.pbkv.sim.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.pbkv.sim.RandomRun;
import dev.pbkv.sim.RandomRunOptions;
import dev.pbkv.sim.TraceRecorder;
import dev.pbkv.sim.scenario.Scenarios;
import dev.pbkv.trace.DiagramRenderer;
import dev.pbkv.trace.Trace;
import dev.pbkv.trace.TraceEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens rendered diagrams in headless Chromium: the page renders without errors, the SVG has one
 * lane per node and one arrow per delivered message, and its screenshot is not blank. Without a
 * Chromium on the machine these tests are skipped, loudly (see {@link Chromium}); {@code .ci/run}
 * installs one and makes them mandatory.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DiagramInBrowserTest {
  private static final long CHROMIUM_SECONDS = 120;

  @TempDir Path dir;

  private List<String> chromium(String... args) {
    Path chromium = Chromium.require();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"),
                "--virtual-time-budget=20000"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs Chromium to completion (killed after {@value #CHROMIUM_SECONDS} s); returns stdout. */
  private String run(List<String> cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "chromium", ".out");
    Path err = dir.resolve("chromium.err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(CHROMIUM_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail(
          "chromium did not finish within %d s; its stderr ends with:%n%s",
          CHROMIUM_SECONDS, Chromium.tail(err, 20));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private static int attr(String dom, String name) {
    Matcher m = Pattern.compile("data-" + name + "=\"(\\d+)\"").matcher(dom);
    assertThat(m.find()).as("data-%s in the rendered DOM", name).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** Messages whose send and receive are both in the trace: each is one arrow. */
  private static int deliveredMessages(Trace t) {
    Set<String> sent = new HashSet<>();
    int n = 0;
    for (TraceEvent e : t.events()) {
      if (e.kind() == TraceEvent.Kind.SEND) {
        sent.add(e.messageId());
      } else if (e.kind() == TraceEvent.Kind.RECEIVE && sent.contains(e.messageId())) {
        n++;
      }
    }
    return n;
  }

  private void assertRendersInChromium(Trace trace, String name) throws Exception {
    Path html = dir.resolve(name + ".html");
    DiagramRenderer.render(trace, html);
    String dom = run(chromium("--dump-dom", html.toUri().toString()));
    assertThat(dom).contains("data-rendered=\"yes\"").doesNotContain("data-errors");
    assertThat(attr(dom, "lanes")).isEqualTo(trace.nodes().size());
    assertThat(attr(dom, "arrows")).isEqualTo(deliveredMessages(trace)).isPositive();
    assertThat(attr(dom, "lost"))
        .isEqualTo(
            (int) trace.events().stream().filter(e -> e.kind() == TraceEvent.Kind.DROP).count());

    Path png = dir.resolve(name + ".png");
    run(chromium("--screenshot=" + png, "--window-size=1400,900", html.toUri().toString()));
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("screenshot").isNotNull();
    Set<Integer> colors = new HashSet<>();
    long nonWhite = 0;
    for (int y = 0; y < image.getHeight(); y += 2) {
      for (int x = 0; x < image.getWidth(); x += 2) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        colors.add(rgb);
        if (rgb != 0xffffff) {
          nonWhite++;
        }
      }
    }
    assertThat(colors.size()).as("distinct colours in the screenshot").isGreaterThan(10);
    assertThat(nonWhite).as("non-white pixels").isGreaterThan(5000);
  }

  @Test
  void when_aScenarioIsRendered_then_chromiumDrawsEveryLaneAndArrow() throws Exception {
    TraceRecorder[] recorder = new TraceRecorder[1];
    Scenarios.run(
        Scenarios.byName("split-brain").orElseThrow(),
        1,
        Set.of(),
        line -> {},
        cluster ->
            recorder[0] = TraceRecorder.attach(cluster.sim()).recordCalls(cluster.history()));
    Trace trace = recorder[0].trace();
    assertThat(trace.nodes()).contains("vs", "A", "B", "C", "c1", "c2");
    assertThat(trace.events()).anyMatch(e -> e.kind() == TraceEvent.Kind.VIEW);
    assertThat(trace.events()).anyMatch(e -> e.kind() == TraceEvent.Kind.CALL);
    assertThat(trace.events()).anyMatch(e -> e.kind() == TraceEvent.Kind.RETURN);
    assertRendersInChromium(trace, "split-brain");
  }

  @Test
  void when_aLargeRunWithLossIsRendered_then_tenThousandEventsStillRender() throws Exception {
    RandomRun run =
        new RandomRun(
            new RandomRunOptions.Builder(3).drop(0.1).duplicate(0.05).duration(10_000).build());
    TraceRecorder recorder = TraceRecorder.attach(run.cluster().sim());
    run.run();
    Trace trace = recorder.trace();
    assertThat(trace.events().size()).isGreaterThan(10_000);
    assertThat(trace.events()).anyMatch(e -> e.kind() == TraceEvent.Kind.DROP);
    assertRendersInChromium(trace, "large");
  }
}
