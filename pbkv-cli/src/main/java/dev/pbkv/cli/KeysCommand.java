package dev.pbkv.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pbkv.kv.ByteStrings;
import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.net.IndeterminateException;
import dev.pbkv.net.PbkvClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pbkv keys [PREFIX]}: lists keys in order, page by page (docs/design.md §4.4). Each page is
 * a linearizable read; the listing as a whole is not a snapshot.
 */
@picocli.CommandLine.Command(
    name = "keys",
    header = "List keys in order, page by page.",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the keys that start with PREFIX (default: every key), one a line, in byte order,",
      "as get prints values (text, or $'...' when not printable UTF-8). The primary serves them",
      "in pages of up to 1000 keys and 64 KiB; each page is linearizable, the listing is not a",
      "snapshot. With --limit N it stops after N keys and, if more follow, prints on standard",
      "error the --cursor to continue from."
    },
    footer = {"", "Example:  pbkv keys user/      pbkv keys --limit 10 --cursor 75736572"})
final class KeysCommand implements Callable<Integer> {
  /** Keys asked for in one page when no smaller {@code --limit} applies. */
  static final int PAGE_KEYS = Command.Scan.MAX_PAGE_KEYS;

  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      arity = "0..1",
      paramLabel = "PREFIX",
      description = "list only keys that start with these bytes (default: all)")
  String prefix;

  @Option(names = "--limit", paramLabel = "N", description = "print at most N keys (default: all)")
  Long limit;

  @Option(
      names = "--cursor",
      paramLabel = "HEX",
      description = "start after this key, in hex, as printed when --limit stopped a listing")
  String cursor;

  @Option(names = "--json", description = "print one JSON object (docs/json.md)")
  boolean json;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new UserError("--limit must be at least 1, got " + limit);
    }
    String after = cursor == null ? null : fromHex(cursor);
    String pre = prefix == null ? "" : ByteStrings.of(ArgBytes.bytes(prefix));
    PrintWriter out = spec.commandLine().getOut();
    ObjectNode result = Json.object();
    ArrayNode listed = result.putArray("keys");
    try (PbkvClient c = client.connect(1)) {
      KvCommands.requireLivePrimary(c, Duration.ofMillis(client.timeoutMillis));
      long printed = 0;
      while (true) {
        int want = (int) Math.min(PAGE_KEYS, limit == null ? PAGE_KEYS : limit - printed);
        Result.Keys page;
        try {
          page = c.scan(pre, after, want);
        } catch (IndeterminateException e) {
          throw new UserError("no answer within " + client.timeoutMillis + " ms from the primary");
        }
        for (String k : page.keys()) {
          if (json) {
            listed.add(ByteStrings.display(k));
          } else {
            out.println(ByteStrings.display(k));
          }
        }
        printed += page.keys().size();
        after = page.nextCursor();
        if (after == null) {
          if (json) {
            result.putNull("next_cursor");
            Json.print(result, out);
          }
          return 0;
        }
        if (limit != null && printed >= limit) {
          if (json) {
            result.put("next_cursor", HexFormat.of().formatHex(ByteStrings.bytes(after)));
            Json.print(result, out);
          }
          out.flush();
          spec.commandLine()
              .getErr()
              .println(
                  "pbkv keys: more keys follow; continue with --cursor "
                      + HexFormat.of().formatHex(ByteStrings.bytes(after)));
          return 0;
        }
      }
    }
  }

  private static String fromHex(String hex) {
    try {
      return ByteStrings.of(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new UserError(
          "--cursor must be hex digits, as printed by a listing; got '" + hex + "'");
    }
  }
}
