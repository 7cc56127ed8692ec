package dev.pbkv.kv;

import java.util.List;

/** Parses the text form of commands used by the CLI and the shell: {@code put KEY VALUE}, … */
public final class Commands {
  /** The command words, in the order they are documented. */
  public static final List<String> WORDS = List.of("get", "put", "append", "delete", "cas");

  private Commands() {}

  /**
   * Parses one command from its words, e.g. {@code ["put", "k", "v"]}. Throws {@link
   * IllegalArgumentException} with a one-line message for an unknown command or wrong arguments.
   */
  public static Command parse(List<String> words) {
    if (words.isEmpty()) {
      throw new IllegalArgumentException("empty command; expected one of " + WORDS);
    }
    String verb = words.get(0);
    List<String> args = words.subList(1, words.size());
    switch (verb) {
      case "get":
        expect(verb, args, 1, "get KEY");
        return new Command.Get(args.get(0));
      case "put":
        expect(verb, args, 2, "put KEY VALUE");
        return new Command.Put(args.get(0), args.get(1));
      case "append":
        expect(verb, args, 2, "append KEY VALUE");
        return new Command.Append(args.get(0), args.get(1));
      case "delete":
        expect(verb, args, 1, "delete KEY");
        return new Command.Delete(args.get(0));
      case "cas":
        expect(verb, args, 3, "cas KEY EXPECTED UPDATE");
        return new Command.CompareAndSet(args.get(0), args.get(1), args.get(2));
      default:
        throw new IllegalArgumentException(
            "unknown command '" + verb + "'; expected one of " + String.join(", ", WORDS));
    }
  }

  private static void expect(String verb, List<String> args, int n, String usage) {
    if (args.size() != n) {
      throw new IllegalArgumentException(
          "'" + verb + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ": " + usage);
    }
  }
}
