package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --config}: flag > environment > file > default, and one line for a bad file. */
class ConfigFileTest {
  @TempDir Path dir;

  private Path write(String text) throws IOException {
    Path f = dir.resolve("pbkv.properties");
    Files.writeString(f, text);
    return f;
  }

  /** Parses {@code args} with the file (and a fake environment); returns the server command. */
  private ServerCommand server(Path file, Map<String, String> env, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(ConfigFile.load(file, cli, env));
    cli.parseArgs(args);
    return cli.getSubcommands().get("server").getCommand();
  }

  @Test
  void when_theFileSetsAnOption_then_itIsTheDefault_andCommandKeysWinOverPlainOnes()
      throws IOException {
    Path f =
        write(
            "# a cluster\n"
                + "viewserver = 10.0.0.1:7000\n"
                + "listen = 10.0.0.9:7009\n"
                + "server.listen = 10.0.0.2:7001\n"
                + "  ping-interval=250ms  \n"
                + "! also a comment\n\n");
    ServerCommand s = server(f, Map.of(), "server");
    assertThat(s.viewServer).isEqualTo("10.0.0.1:7000");
    assertThat(s.listen).isEqualTo("10.0.0.2:7001");
    assertThat(s.service.pingMillis).isEqualTo(250);
    assertThat(s.sessionExpiry).isEqualTo("10m"); // not in the file: the built-in default
  }

  @Test
  void when_aFlagOrTheEnvironmentSetsIt_then_theyWinOverTheFile() throws IOException {
    Path f = write("viewserver = 10.0.0.1:7000\nserver.listen = 10.0.0.2:7001\n");
    assertThat(server(f, Map.of(), "server", "--listen", "1.2.3.4:5").listen)
        .isEqualTo("1.2.3.4:5");
    // the environment: the option's ${env:PBKV_VIEWSERVER} default is used, not the file
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(
        ConfigFile.load(f, cli, Map.of("PBKV_VIEWSERVER", "env-host:7000")));
    assertThat(
            cli.getSubcommands()
                .get("server")
                .getCommandSpec()
                .findOption("--viewserver")
                .defaultValueString())
        .isNotEqualTo("10.0.0.1:7000");
  }

  @Test
  void when_theFileIsBad_then_oneLineNamesTheFileTheLineAndTheKey() throws IOException {
    CommandLine cli = new CommandLine(new Main());
    Path unknown = write("viewserver = a:1\nlisen = 10.0.0.2:7001\n");
    assertThatThrownBy(() -> ConfigFile.load(unknown, cli, Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("config " + unknown + " line 2: unknown key 'lisen'");
    Path malformed = write("viewserver\n");
    assertThatThrownBy(() -> ConfigFile.load(malformed, cli, Map.of()))
        .hasMessage("config " + malformed + " line 1: expected KEY = VALUE, got 'viewserver'");
    Path twice = write("listen = a:1\n\nlisten = b:2\n");
    assertThatThrownBy(() -> ConfigFile.load(twice, cli, Map.of()))
        .hasMessage("config " + twice + " line 3: 'listen' is set again (first on line 1)");
    Path wrongCommand = write("get.listen = a:1\n");
    assertThatThrownBy(() -> ConfigFile.load(wrongCommand, cli, Map.of()))
        .hasMessageContaining("unknown key 'get.listen'");
    assertThatThrownBy(() -> ConfigFile.load(dir.resolve("missing"), cli, Map.of()))
        .hasMessage("config " + dir.resolve("missing") + ": no such file");
  }

  @Test
  void when_runFromTheCommandLine_then_aBadFileIsOneLineAndExitTwo() throws IOException {
    Path f = write("nonsense = 1\n");
    MainTest.Run r = MainTest.run("get", "k", "--config", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("pbkv: config " + f + " line 1: unknown key 'nonsense'");
    assertThat(r.err().strip()).doesNotContain("\n");
  }

  @Test
  void when_theDistributionsExampleIsRead_then_everyKeyIsKnown_andTheServerGetsItsValues() {
    Path example = Path.of("src", "dist", "conf", "pbkv.properties");
    ServerCommand s = server(example, Map.of(), "server");
    assertThat(s.viewServer).isEqualTo("127.0.0.1:7000");
    assertThat(s.sessionExpiry).isEqualTo("10m");
    assertThat(s.service.pingMillis).isEqualTo(100);
  }

  @Test
  void when_theNameIsLookedFor_then_theFlagWinsOverTheEnvironment() {
    assertThat(ConfigFile.named(new String[] {"server", "--config", "a"}, Map.of()))
        .isEqualTo(Path.of("a"));
    assertThat(ConfigFile.named(new String[] {"server", "--config=b"}, Map.of("PBKV_CONFIG", "c")))
        .isEqualTo(Path.of("b"));
    assertThat(ConfigFile.named(new String[] {"server"}, Map.of("PBKV_CONFIG", "c")))
        .isEqualTo(Path.of("c"));
    assertThat(ConfigFile.named(new String[] {"server", "--", "--config", "x"}, Map.of())).isNull();
  }
}
