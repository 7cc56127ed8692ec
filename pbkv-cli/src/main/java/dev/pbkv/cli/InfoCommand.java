package dev.pbkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pbkv.net.Addresses;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import dev.pbkv.node.Address;
import dev.pbkv.server.ClientMessage.Info;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pbkv info}: one server's view of itself, like Redis INFO (docs/design.md §5). */
@picocli.CommandLine.Command(
    name = "info",
    header = "Show one server's view of itself: role, view, keys, bytes, sessions, rates.",
    mixinStandardHelpOptions = true,
    description = {
      "Asks one server (default: the primary the view service names) for its view of itself and",
      "prints it as 'name: value' lines in sections (# server, # replication, # keyspace,",
      "# clients, # stats, # runtime), like Redis INFO; --json prints one JSON object with a",
      "member per section (docs/json.md). Exit code 0, 1 if the server does not answer, 2 if",
      "there is no primary to ask."
    },
    footer = {"", "Example:  pbkv info      pbkv info --server 127.0.0.1:7002 --json"})
final class InfoCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description = "the server to ask (default: the primary of the current view)")
  String server;

  @Option(names = "--json", description = "print one JSON object (docs/json.md)")
  boolean json;

  @Override
  public Integer call() {
    Duration timeout = Duration.ofMillis(client.timeoutMillis);
    Address target = server == null ? null : Addresses.of(server);
    try (PbkvClient c = client.connect(1)) {
      if (target == null) {
        target = c.status(timeout).view().primary();
        if (target == null) {
          throw new UserError(
              "no primary yet: no server has pinged the view service at "
                  + c.viewService()
                  + "; give --server HOST:PORT");
        }
      }
      Info info;
      try {
        info = c.info(target, timeout);
      } catch (PbkvException e) {
        spec.commandLine().getErr().println("pbkv info: " + e.getMessage());
        return 1;
      }
      print(info, spec.commandLine().getOut());
      return 0;
    }
  }

  private void print(Info info, PrintWriter out) {
    if (json) {
      Json.print(toJson(info), out);
      return;
    }
    String section = null;
    for (Info.Field f : info.fields()) {
      if (!f.section().equals(section)) {
        if (section != null) {
          out.println();
        }
        section = f.section();
        out.println("# " + section);
      }
      out.println(f.name() + ": " + f.value());
    }
  }

  static ObjectNode toJson(Info info) {
    ObjectNode root = Json.object();
    for (Info.Field f : info.fields()) {
      ObjectNode section =
          root.has(f.section()) ? (ObjectNode) root.get(f.section()) : root.putObject(f.section());
      Json.putTyped(section, f.name(), f.value());
    }
    return root;
  }
}
