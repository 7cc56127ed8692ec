package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --retry-cap} (docs/design.md §4.1, §5) reaches the server's {@code ServerConfig} and the
 * client commands' {@code PbkvClient.Options}, from a flag or the config file; a bad value is one
 * line and exit code 2 ({@link OneLineErrorsTest} has the exact lines).
 */
class RetryCapFlagTest {
  @TempDir Path dir;

  private static CommandLine parsed(CommandLine cli, String... args) {
    cli.parseArgs(args);
    return cli;
  }

  private static ServerCommand server(CommandLine cli) {
    return cli.getSubcommands().get("server").getCommand();
  }

  private static ClientOptions get(CommandLine cli) {
    return ((KvCommands.One) cli.getSubcommands().get("get").getCommand()).client;
  }

  private static Duration clientCap(ClientOptions client) {
    return client.options(1, null).retryCap();
  }

  @Test
  void when_theFlagIsGiven_then_theServerConfigHasTheCap_andWithoutItOneSecond() {
    CommandLine given =
        parsed(
            new CommandLine(new Main()),
            "server",
            "--listen",
            "127.0.0.1:1",
            "--retry-cap",
            "2.5s");
    assertThat(server(given).config().retryCapMillis()).isEqualTo(2500);
    CommandLine bare = parsed(new CommandLine(new Main()), "server", "--listen", "127.0.0.1:1");
    assertThat(server(bare).config().retryCapMillis()).isEqualTo(1000);
  }

  @Test
  void when_theFlagIsGiven_then_theClientOptionsHaveTheCap_andWithoutItOneSecond() {
    CommandLine given = parsed(new CommandLine(new Main()), "get", "k", "--retry-cap", "300ms");
    assertThat(clientCap(get(given))).isEqualTo(Duration.ofMillis(300));
    assertThat(get(given).options(1, null).retry())
        .as("the base")
        .isEqualTo(Duration.ofMillis(100));
    CommandLine bare = parsed(new CommandLine(new Main()), "get", "k");
    assertThat(clientCap(get(bare))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void when_anyClientCommandIsParsed_then_itTakesTheFlag() {
    List<String> without = new ArrayList<>();
    for (String[] args :
        List.of(
            new String[] {"get", "k"},
            new String[] {"put", "k", "v"},
            new String[] {"append", "k", "v"},
            new String[] {"delete", "k"},
            new String[] {"cas", "k", "a", "b"},
            new String[] {"keys"},
            new String[] {"info", "--server", "127.0.0.1:7001"},
            new String[] {"status"},
            new String[] {"shell"},
            new String[] {"admin", "remove-server", "127.0.0.1:7001"})) {
      List<String> withFlag = new ArrayList<>(List.of(args));
      withFlag.addAll(List.of("--retry-cap", "3s"));
      CommandLine cli = new CommandLine(new Main());
      CommandLine.ParseResult r = cli.parseArgs(withFlag.toArray(String[]::new));
      while (r.hasSubcommand()) {
        r = r.subcommand();
      }
      Object cap = r.commandSpec().findOption("--retry-cap").getValue();
      if (!Long.valueOf(3000).equals(cap)) {
        without.add(String.join(" ", args) + ": " + cap);
      }
    }
    assertThat(without).as("client commands without --retry-cap").isEmpty();
  }

  @Test
  void when_theConfigFileSetsIt_then_serverAndClientsTakeIt_andAServerKeyWinsForTheServer()
      throws IOException {
    Path f = dir.resolve("pbkv.properties");
    Files.writeString(f, "retry-cap = 250ms\n");
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(ConfigFile.load(f, cli, Map.of()));
    assertThat(clientCap(get(parsed(cli, "get", "k")))).isEqualTo(Duration.ofMillis(250));
    assertThat(server(parsed(cli, "server")).config().retryCapMillis()).isEqualTo(250);

    Files.writeString(f, "retry-cap = 250ms\nserver.retry-cap = 4s\n");
    CommandLine both = new CommandLine(new Main());
    both.setDefaultValueProvider(ConfigFile.load(f, both, Map.of()));
    assertThat(server(parsed(both, "server")).config().retryCapMillis()).isEqualTo(4000);
    assertThat(clientCap(get(parsed(both, "get", "k")))).isEqualTo(Duration.ofMillis(250));
    // a flag wins over the file
    assertThat(server(parsed(both, "server", "--retry-cap", "1500ms")).config().retryCapMillis())
        .isEqualTo(1500);
  }

  @Test
  void when_theCapIsBelowTheBase_then_itIsTaken_forItMeansAFixedInterval() {
    CommandLine cli = parsed(new CommandLine(new Main()), "server", "--retry-cap", "10ms");
    assertThat(server(cli).config().retryCapMillis()).isEqualTo(10);
    CommandLine client = parsed(new CommandLine(new Main()), "get", "k", "--retry-cap", "10ms");
    assertThat(clientCap(get(client))).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void when_theCapIsOverAnHour_then_itIsRefused() {
    CommandLine cli = parsed(new CommandLine(new Main()), "server", "--retry-cap", "61m");
    assertThatThrownBy(() -> server(cli).config())
        .isInstanceOf(UserError.class)
        .hasMessage("--retry-cap must be at most 60m, got 3660000 ms");
    CommandLine atMost = parsed(new CommandLine(new Main()), "get", "k", "--retry-cap", "60m");
    assertThat(clientCap(get(atMost))).isEqualTo(Duration.ofMinutes(60));
  }

  @Test
  void when_helpIsShown_then_theCapsDefaultAndVariableAreFilledIn() {
    for (String command : List.of("server", "get", "status")) {
      String help = MainTest.run(command, "--help").out().replaceAll("\\s+", " ");
      assertThat(help)
          .as("pbkv %s --help", command)
          .contains("--retry-cap=<duration>")
          .contains("(default: 1s) [PBKV_RETRY_CAP]")
          .doesNotContain("${env:PBKV_RETRY_CAP");
    }
  }
}
