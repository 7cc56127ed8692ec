package dev.pbkv.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pbkv.net.Addresses;
import dev.pbkv.net.PbkvClient;
import dev.pbkv.net.PbkvException;
import dev.pbkv.view.ViewServiceMessage.RemoveResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv admin}: changes to the cluster's membership, through the view service. */
@picocli.CommandLine.Command(
    name = "admin",
    header = "Administer the cluster: remove-server.",
    mixinStandardHelpOptions = true,
    description = "Changes to the cluster's membership, made by the view service.",
    footer = {"", "Example:  pbkv admin remove-server 127.0.0.1:7003"},
    subcommands = {AdminCommand.RemoveServer.class})
final class AdminCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @picocli.CommandLine.Command(
      name = "remove-server",
      header = "Make the view service forget a server that is not primary or backup.",
      mixinStandardHelpOptions = true,
      description = {
        "The view service forgets ADDR: status stops listing it and it is no longer a candidate",
        "backup. Refused while ADDR is the primary or backup of the current view (stop it, let",
        "a new view replace it, then remove it). A removed server that pings again comes back",
        "as a new idle server (docs/design.md §2.3).",
        "Exit code 0 removed, 2 refused (the line says why), 3 the view service did not answer."
      },
      footer = {"", "Example:  pbkv admin remove-server 127.0.0.1:7003"})
  static final class RemoveServer implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin ClientOptions client;

    @Parameters(paramLabel = "ADDR", description = "the server's HOST:PORT, as status lists it")
    String server;

    @Option(names = "--json", description = "print one JSON object (docs/json.md)")
    boolean json;

    @Override
    public Integer call() {
      RemoveResult r;
      try (PbkvClient c = client.connect(1)) {
        r = c.removeServer(Addresses.of(server), Duration.ofMillis(client.timeoutMillis));
      } catch (PbkvException e) {
        spec.commandLine().getErr().println("pbkv admin remove-server: " + e.getMessage());
        if (json) {
          Main.jsonError(e.getMessage(), 3, spec.commandLine().getOut());
        }
        return 3;
      }
      if (json) {
        ObjectNode o = Json.object();
        o.put("server", r.server().name());
        o.put("removed", r.removed());
        if (!r.removed()) {
          o.put("error", "refused: " + r.reason());
          o.put("exit", 2);
        }
        Json.print(o, spec.commandLine().getOut());
      }
      if (!r.removed()) {
        spec.commandLine().getErr().println("pbkv admin remove-server: refused: " + r.reason());
        return 2;
      }
      if (!json) {
        spec.commandLine().getOut().println("removed " + r.server());
      }
      return 0;
    }
  }
}
