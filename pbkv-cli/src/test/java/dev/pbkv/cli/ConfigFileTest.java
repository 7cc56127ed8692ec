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
  void when_theDistributionsExampleIsRead_then_everyKeyIsKnown_andTheFileGivesTheValues() {
    Path example = Path.of("src", "dist", "conf", "pbkv.properties");
    CommandLine cli = new CommandLine(new Main());
    ConfigFile config = ConfigFile.load(example, cli, Map.of());
    var server = cli.getSubcommands().get("server").getCommandSpec();
    // from the file itself (the same as the built-in defaults, so ask the file, not the result)
    assertThat(config.defaultValue(server.findOption("--viewserver"))).isEqualTo("127.0.0.1:7000");
    assertThat(config.defaultValue(server.findOption("--session-expiry"))).isEqualTo("10m");
    assertThat(config.defaultValue(server.findOption("--ping-interval"))).isEqualTo("100ms");
    assertThat(config.defaultValue(server.findOption("--log-level"))).isEqualTo("info");
    var vs = cli.getSubcommands().get("viewserver").getCommandSpec();
    assertThat(config.defaultValue(vs.findOption("--listen"))).isEqualTo("127.0.0.1:7000");
    assertThat(config.defaultValue(vs.findOption("--dead-pings"))).isEqualTo("5");
    // and every value converts for every command that reads it
    cli.setDefaultValueProvider(config);
    cli.parseArgs("server");
    cli.parseArgs("viewserver");
    cli.parseArgs("get", "k");
  }

  @Test
  void when_aValueInTheFileIsBad_then_theLineSaysWhichFileLineAndKey() throws IOException {
    Path f = write("# a comment\ndead-pings = five\n");
    MainTest.Run r = MainTest.run("viewserver", "--config", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("pbkv: config " + f + " line 2: dead-pings = five: ");
    assertThat(r.err().strip()).doesNotContain("\n");
  }

  @Test
  void when_theFileSetsAFlag_then_itIsRefused_forTheFlagOnTheCommandLineWouldNegateIt()
      throws IOException {
    Path f = write("cas.create = true\n");
    CommandLine cli = new CommandLine(new Main());
    assertThatThrownBy(() -> ConfigFile.load(f, cli, Map.of()))
        .isInstanceOf(UserError.class)
        .hasMessage(
            "config "
                + f
                + " line 1: 'cas.create' is a flag without a value; give it on the"
                + " command line");
    Path demo = write("seed = 7\n"); // demo and sim do not read the file: not a key
    assertThatThrownBy(() -> ConfigFile.load(demo, cli, Map.of()))
        .hasMessageContaining("line 1: unknown key 'seed'");
  }

  @Test
  void when_benchReadsTheFile_then_aBadValueNamesTheLine_andAFlagWins() throws IOException {
    Path f = write("bench.sessions = many\n");
    MainTest.Run r = MainTest.run("bench", "--config", f.toString(), "--json");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("pbkv: config " + f + " line 1: bench.sessions = many: ");
    assertThat(Json.MAPPER.readTree(r.out()).get("error").asText())
        .startsWith("config " + f + " line 1: bench.sessions = many: ");
    Path unknown = write("bench.nope = 1\n");
    MainTest.Run u = MainTest.run("bench", "--config", unknown.toString(), "--json");
    assertThat(u.exit()).isEqualTo(2);
    assertThat(Json.MAPPER.readTree(u.out()).get("error").asText())
        .startsWith("config " + unknown + " line 1: unknown key 'bench.nope'");
    Path good = write("viewserver = 127.0.0.1:1\nbench.sessions = 3\n");
    CommandLine cli = new CommandLine(new Main());
    cli.setDefaultValueProvider(ConfigFile.load(good, cli, Map.of()));
    cli.parseArgs("bench", "--sessions", "5");
    BenchCommand bench = cli.getSubcommands().get("bench").getCommand();
    assertThat(bench.viewServer).isEqualTo("127.0.0.1:1");
    assertThat(bench.sessions).isEqualTo(5);
  }

  @Test
  void when_aCommandDoesNotTakeConfig_then_aBadFileDoesNotStopIt() throws IOException {
    Path f = write("nonsense\n");
    // sim does not take --config: the file is not read (only the unknown option is reported)
    MainTest.Run r = MainTest.run("sim", "--config", f.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--config").doesNotContain("line 1");
    // the same file makes a command that takes --config stop, naming the line
    assertThat(MainTest.run("get", "k", "--config", f.toString()).err()).contains("line 1");
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

  @Test
  void when_aSubcommandOfAGroupTakesConfig_then_itIsFound() {
    CommandLine cli = new CommandLine(new Main());
    assertThat(
            Main.commandSpec(cli, new String[] {"admin", "remove-server", "--config", "f", "a:1"})
                .qualifiedName())
        .isEqualTo("pbkv admin remove-server");
    assertThat(
            ConfigFile.takesConfig(Main.commandSpec(cli, new String[] {"admin", "remove-server"})))
        .isTrue();
    assertThat(
            Main.commandSpec(cli, new String[] {"server", "--listen", "127.0.0.1:7001"})
                .qualifiedName())
        .isEqualTo("pbkv server");
    assertThat(Main.commandSpec(cli, new String[] {"nothing"})).isNull();
  }
}
