package dev.pbkv.cli;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Commands;
import dev.pbkv.kv.Result;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code pbkv shell}: an interactive session against a running cluster. */
@picocli.CommandLine.Command(
    name = "shell",
    header = "An interactive session: get, put, append, delete, cas, with history.",
    footer = {
      "",
      "Example:  pbkv shell --viewserver 127.0.0.1:7000",
      "          pbkv shell < commands.txt   (exit code: the worst line's)"
    },
    mixinStandardHelpOptions = true,
    description = {
      "Reads commands from the terminal (or standard input) and runs them against the cluster:",
      "  get KEY | put KEY VALUE | append KEY VALUE | delete KEY | cas KEY EXPECTED UPDATE",
      "  history (numbered past commands), !N or !! (run one again), help, quit"
    })
final class ShellCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<String> history = new ArrayList<>();
    try (PbkvClient c = client.connect(1)) {
      out.println(
          "connected to the cluster of view service "
              + c.viewService()
              + "; type help for commands");
      while (true) {
        out.print("pbkv> ");
        out.flush();
        String line = in.readLine();
        if (line == null) {
          out.println();
          return 0;
        }
        line = line.strip();
        if (line.isEmpty()) {
          continue;
        }
        if (line.equals("!!") || line.matches("!\\d+")) {
          int n = line.equals("!!") ? history.size() : Integer.parseInt(line.substring(1));
          if (n < 1 || n > history.size()) {
            out.println("no command " + line + " in the history");
            continue;
          }
          line = history.get(n - 1);
          out.println(line);
        }
        if (line.equals("quit") || line.equals("exit")) {
          return 0;
        }
        if (line.equals("help")) {
          spec.commandLine().usage(out);
          continue;
        }
        if (line.equals("history")) {
          for (int i = 0; i < history.size(); i++) {
            out.printf("%4d  %s%n", i + 1, history.get(i));
          }
          continue;
        }
        history.add(line);
        try {
          Command command = Commands.parse(Arrays.asList(line.split("\\s+")));
          Result result = c.execute(command);
          out.println(result);
        } catch (IllegalArgumentException e) {
          out.println("error: " + e.getMessage());
        } catch (IndeterminateException e) {
          out.println("indeterminate: " + e.getMessage());
        } catch (PbkvException e) {
          out.println("failed: " + e.getMessage());
        }
      }
    }
  }
}
