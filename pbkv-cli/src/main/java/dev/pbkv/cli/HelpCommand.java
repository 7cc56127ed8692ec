package dev.pbkv.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv help [COMMAND [SUBCOMMAND]]}: the help of any command, subcommands included. */
@Command(
    name = "help",
    helpCommand = true,
    header = "Show the help of a command.",
    description = "Shows the help of COMMAND (of SUBCOMMAND too, e.g. pbkv help trace render).",
    footer = {"", "Example:  pbkv help put      pbkv help trace render"})
final class HelpCommand implements Runnable {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "0..*",
      description = "the command, and its subcommand, whose help to show")
  List<String> words = List.of();

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help message and exit.")
  boolean help;

  @Override
  public void run() {
    CommandLine target = spec.commandLine().getParent();
    String path = target.getCommandName();
    for (String w : words) {
      CommandLine sub = target.getSubcommands().get(w);
      path += " " + w;
      if (sub == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "unknown command '" + path + "'");
      }
      target = sub;
    }
    target.usage(spec.commandLine().getOut());
  }
}
