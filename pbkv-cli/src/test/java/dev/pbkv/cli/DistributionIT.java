package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: {@code pbkv-VERSION.tar.gz} from {@code ./mvnw package},
 * unpacked into an empty folder with {@code tar}, run from there with {@code bin/pbkv}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DistributionIT {
  @TempDir Path dir;
  private Path home;

  private record Out(int exit, String text) {}

  @BeforeEach
  void unpack() throws Exception {
    String expected = "pbkv-" + System.getProperty("pbkv.version", "?") + ".tar.gz";
    Path archive = Path.of("target", expected);
    assertThat(archive).as("the archive of this build").isRegularFile();
    Out tar = run(dir, "tar", "xzf", archive.toAbsolutePath().toString());
    assertThat(tar.exit()).as(tar.text()).isZero();
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> top = s.toList();
      assertThat(top).hasSize(1);
      home = top.get(0);
    }
    String version = archive.getFileName().toString().replaceAll("^pbkv-|\\.tar\\.gz$", "");
    assertThat(home.getFileName().toString()).isEqualTo("pbkv-" + version);
  }

  private static Out run(Path cwd, String... cmd) throws IOException, InterruptedException {
    Path out = Files.createTempFile("pbkv-dist", ".out");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(cwd.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(150, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not end in 150 s");
      }
      return new Out(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  @Test
  void when_unpacked_then_itHoldsWhatAUserNeeds() {
    for (String f :
        List.of(
            "bin/pbkv",
            "lib/pbkv.jar",
            "conf/pbkv.properties",
            "completion/pbkv_completion",
            "README.md",
            "LICENSE")) {
      assertThat(home.resolve(f)).as(f).isRegularFile();
    }
    assertThat(Files.isExecutable(home.resolve("bin/pbkv"))).isTrue();
  }

  @Test
  void when_runFromTheDistribution_then_theSimulatedDemoLosesNothing() throws Exception {
    Out demo = run(home, "bin/pbkv", "demo", "--simulated");
    assertThat(demo.exit()).as(demo.text()).isZero();
    assertThat(demo.text()).contains("lost = 0");
  }

  @Test
  void when_askedForItsVersion_then_itNamesTheVersionAndTheCommit() throws Exception {
    Out v = run(home, "bin/pbkv", "--version");
    assertThat(v.exit()).isZero();
    String version = home.getFileName().toString().substring("pbkv-".length());
    // the commit the build found (or "unknown" when it found none), as it wrote it down
    java.util.Properties built = new java.util.Properties();
    try (var in = Files.newInputStream(Path.of("target", "classes", "pbkv-version.properties"))) {
      built.load(in);
    }
    String commit = built.getProperty("commit");
    assertThat(v.text().strip())
        .isEqualTo(
            "pbkv " + version + " (commit " + (commit.startsWith("${") ? "unknown" : commit) + ")");
  }

  @Test
  void when_runThroughASymlinkWithTheExampleConfig_then_itFindsItsJarAndReadsTheFile()
      throws Exception {
    Path bin = Files.createDirectories(dir.resolve("usr-local-bin"));
    Path link = bin.resolve("pbkv"); // a relative link, as `ln -s ../pbkv-V/bin/pbkv` makes
    Files.createSymbolicLink(link, bin.relativize(home.resolve("bin/pbkv")));
    java.net.Socket bound = new java.net.Socket(); // bound, not listening: connecting is refused
    bound.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
    Out status =
        run(
            dir,
            link.toString(),
            "get",
            "some-key",
            "--config",
            home.resolve("conf/pbkv.properties").toString(),
            "--viewserver",
            "127.0.0.1:" + bound.getLocalPort(),
            "--timeout",
            "2s");
    bound.close();
    assertThat(status.exit()).as(status.text()).isEqualTo(2); // nothing listens there
    assertThat(status.text().strip().lines().count()).as(status.text()).isEqualTo(1);
    assertThat(status.text()).doesNotContain("config").contains("view service");
  }

  @Test
  void when_bashSourcesTheCompletion_then_pbkvCompletesItsCommands() throws Exception {
    Out bash =
        run(
            home,
            "bash",
            "-c",
            "source completion/pbkv_completion && COMP_WORDS=(pbkv sta) COMP_CWORD=1"
                + " COMP_LINE='pbkv sta' COMP_POINT=8 && _complete_pbkv pbkv sta pbkv"
                + " && printf '%s\\n' \"${COMPREPLY[@]}\"");
    assertThat(bash.exit()).as(bash.text()).isZero();
    assertThat(bash.text().lines().toList()).as(bash.text()).contains("status");
  }
}
