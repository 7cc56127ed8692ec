package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Every command's help is complete: what each parameter means, an example, its environment. */
class HelpTextsTest {

  private static List<CommandLine> all() {
    List<CommandLine> out = new ArrayList<>();
    collect(new CommandLine(new Main()), out);
    return out;
  }

  private static void collect(CommandLine c, List<CommandLine> out) {
    out.add(c);
    for (CommandLine sub : c.getSubcommands().values()) {
      if (!out.contains(sub)) {
        collect(sub, out);
      }
    }
  }

  @Test
  void when_anyCommandsHelpIsShown_then_everyParameterAndOptionIsDescribed() {
    List<String> missing = new ArrayList<>();
    for (CommandLine c : all()) {
      CommandSpec spec = c.getCommandSpec();
      for (PositionalParamSpec p : spec.positionalParameters()) {
        if (!p.hidden() && String.join("", p.description()).isBlank()) {
          missing.add(spec.qualifiedName() + " " + p.paramLabel());
        }
      }
      for (OptionSpec o : spec.options()) {
        if (!o.hidden() && String.join("", o.description()).isBlank()) {
          missing.add(spec.qualifiedName() + " " + o.longestName());
        }
      }
    }
    assertThat(missing).as("parameters without a description").isEmpty();
  }

  @Test
  void when_anyCommandsHelpIsShown_then_itHasAnExample() {
    List<String> missing = new ArrayList<>();
    for (CommandLine c : all()) {
      String name = c.getCommandSpec().qualifiedName();
      if (!c.getSubcommands().isEmpty() && !name.equals("pbkv")) {
        continue; // a group (trace) lists its subcommands, each with its example
      }
      if (!c.getUsageMessage().contains("Example")) {
        missing.add(name);
      }
    }
    assertThat(missing).as("commands without an example").isEmpty();
  }

  @Test
  void when_anOptionTakesADuration_then_itIsLabelledDuration() {
    List<String> wrong = new ArrayList<>();
    for (CommandLine c : all()) {
      for (OptionSpec o : c.getCommandSpec().options()) {
        boolean duration =
            o.converters().length > 0 && o.converters()[0] instanceof DurationConverter;
        if (duration && !o.paramLabel().equals("<duration>")) {
          wrong.add(
              c.getCommandSpec().qualifiedName() + " " + o.longestName() + " " + o.paramLabel());
        }
      }
    }
    assertThat(wrong).as("durations labelled otherwise").isEmpty();
  }

  @Test
  void when_anOptionReadsAnEnvironmentVariable_then_itsHelpNamesIt() {
    Pattern env = Pattern.compile("\\$\\{env:([A-Z_]+)");
    List<String> missing = new ArrayList<>();
    for (CommandLine c : all()) {
      for (OptionSpec o : c.getCommandSpec().options()) {
        String raw = rawDefault(o);
        if (raw == null) {
          continue;
        }
        Matcher m = env.matcher(raw);
        if (m.find() && !String.join(" ", o.description()).contains("[" + m.group(1) + "]")) {
          missing.add(
              c.getCommandSpec().qualifiedName() + " " + o.longestName() + " " + m.group(1));
        }
      }
    }
    assertThat(missing).as("environment variables not shown").isEmpty();
  }

  @Test
  void when_anyOptionsHelpIsShown_then_itsDescriptionFormats() {
    // picocli formats descriptions: a bare % ("25% longer") prints a WARN and the raw string
    List<String> broken = new ArrayList<>();
    for (CommandLine c : all()) {
      for (OptionSpec o : c.getCommandSpec().options()) {
        String d = String.join(" ", o.description());
        try {
          String.format(java.util.Locale.ROOT, d);
        } catch (java.util.IllegalFormatException e) {
          broken.add(c.getCommandSpec().qualifiedName() + " " + o.longestName() + ": " + e);
        }
      }
    }
    assertThat(broken).as("descriptions with a bare %% (write %%%%)").isEmpty();
  }

  /** The default as written in the annotation, before picocli replaces ${env:…}. */
  private static String rawDefault(OptionSpec o) {
    if (o.userObject() instanceof java.lang.reflect.Field f) {
      CommandLine.Option a = f.getAnnotation(CommandLine.Option.class);
      return a == null ? null : a.defaultValue();
    }
    return null;
  }

  @Test
  void when_helpIsAskedForASubcommandOfAGroup_then_itShowsThatSubcommand() {
    MainTest.Run viaHelp = MainTest.run("help", "trace", "render");
    MainTest.Run direct = MainTest.run("trace", "render", "--help");
    assertThat(viaHelp.out()).isEqualTo(direct.out()).contains("Usage: pbkv trace render");
    assertThat(viaHelp.exit()).isZero();
  }

  @Test
  void when_casHelpIsShown_then_itsSynopsisShowsBothForms() {
    String usage = MainTest.run("cas", "--help").out();
    assertThat(usage)
        .contains("\nUsage: pbkv cas [OPTIONS] KEY EXPECTED UPDATE\n")
        .contains("       pbkv cas --create [OPTIONS] KEY UPDATE\n");
  }
}
