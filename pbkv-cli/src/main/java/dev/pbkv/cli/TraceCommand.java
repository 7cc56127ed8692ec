package dev.pbkv.cli;

import dev.pbkv.trace.DiagramRenderer;
import dev.pbkv.trace.ShiVizExporter;
import dev.pbkv.trace.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv trace render|merge|export}: work with recorded traces. */
@Command(
    name = "trace",
    header = "Render, merge or export recorded traces (space-time diagrams, ShiViz).",
    mixinStandardHelpOptions = true,
    subcommands = {TraceCommand.Render.class, TraceCommand.Merge.class, TraceCommand.Export.class},
    description = {
      "Traces are JSON Lines of events stamped with Lamport time and vector clocks (see",
      "docs/trace-format.md). Record one with: pbkv scenario NAME --trace t.jsonl,",
      "pbkv sim … --trace t.jsonl, or pbkv server … --trace t.jsonl (one per process)."
    })
final class TraceCommand implements Runnable {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Trace read(Path file) {
    FileChecks.readable(file);
    try {
      return Trace.read(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new UserError(file + ": not a pbkv trace (not UTF-8 text)");
    } catch (IOException e) {
      throw new UserError(e.getMessage());
    }
  }

  @Command(
      name = "render",
      header = "Draw a trace as a self-contained HTML page with an SVG space-time diagram.",
      footer = {"", "Example:  pbkv trace render t.jsonl -o diagram.html"},
      mixinStandardHelpOptions = true)
  static final class Render implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "TRACE.jsonl", description = "a trace (JSON Lines)")
    Path input;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "diagram.html",
        description = "the page to write (its folder must exist)")
    Path output;

    @Override
    public Integer call() throws IOException {
      FileChecks.writable(output, "-o");
      Trace t = read(input);
      try {
        DiagramRenderer.render(t, output);
      } catch (IOException e) {
        throw FileChecks.failed(output, e);
      }
      spec.commandLine()
          .getOut()
          .println(
              "wrote "
                  + output
                  + ": "
                  + t.events().size()
                  + " events of "
                  + t.nodes().size()
                  + " nodes; open it in any browser");
      return 0;
    }
  }

  @Command(
      name = "merge",
      header = "Merge the traces of several processes into one, in Lamport order.",
      footer = {"", "Example:  pbkv trace merge vs.jsonl s1.jsonl s2.jsonl -o merged.jsonl"},
      mixinStandardHelpOptions = true)
  static final class Merge implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
        paramLabel = "TRACE.jsonl",
        arity = "1..*",
        description = "the traces of the processes (one file each)")
    List<Path> inputs;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "merged.jsonl",
        description = "the merged trace to write")
    Path output;

    @Override
    public Integer call() throws IOException {
      FileChecks.writable(output, "-o");
      List<Trace> traces = new ArrayList<>();
      for (Path p : inputs) {
        traces.add(read(p));
      }
      Trace merged = Trace.merge(traces);
      try {
        merged.write(output);
      } catch (IOException e) {
        throw FileChecks.failed(output, e);
      }
      spec.commandLine()
          .getOut()
          .println(
              "wrote "
                  + output
                  + ": "
                  + merged.events().size()
                  + " events of "
                  + merged.nodes().size()
                  + " nodes");
      return 0;
    }
  }

  @Command(
      name = "export",
      header = "Export a trace for other tools (ShiViz).",
      footer = {"", "Example:  pbkv trace export --shiviz t.jsonl -o shiviz.log"},
      mixinStandardHelpOptions = true)
  static final class Export implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--shiviz", required = true, description = "write the ShiViz log format")
    boolean shiviz;

    @Parameters(paramLabel = "TRACE.jsonl", description = "a trace (JSON Lines)")
    Path input;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "shiviz.log",
        description = "the ShiViz log to write")
    Path output;

    @Override
    public Integer call() throws IOException {
      FileChecks.writable(output, "-o");
      Trace t = read(input);
      try {
        ShiVizExporter.export(t, output);
      } catch (IOException e) {
        throw FileChecks.failed(output, e);
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println("wrote " + output + "; load it in ShiViz (its first line is the parser)");
      return 0;
    }
  }
}
