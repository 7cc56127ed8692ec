package dev.pbkv.cli;

import dev.pbkv.trace.DiagramRenderer;
import dev.pbkv.trace.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --trace FILE} and {@code --diagram FILE}, for commands that run the simulator. */
final class TraceOutput {
  @Option(names = "--trace", paramLabel = "FILE.jsonl", description = "record the run's trace")
  Path trace;

  @Option(
      names = "--diagram",
      paramLabel = "FILE.html",
      description = "draw the run as a space-time diagram")
  Path diagram;

  /** Fails with one line if an output file cannot be written: call it before the run. */
  void checkWritable() {
    FileChecks.writable(trace, "--trace");
    FileChecks.writable(diagram, "--diagram");
  }

  boolean wanted() {
    return trace != null || diagram != null;
  }

  void write(Trace t, PrintWriter out) {
    try {
      if (trace != null) {
        t.write(trace);
        out.println("trace: " + trace + " (" + t.events().size() + " events)");
      }
      if (diagram != null) {
        DiagramRenderer.render(t, diagram);
        out.println("diagram: " + diagram + " (open it in a browser)");
      }
    } catch (IOException e) {
      throw new UserError("cannot write the trace: " + e.getMessage());
    }
  }
}
