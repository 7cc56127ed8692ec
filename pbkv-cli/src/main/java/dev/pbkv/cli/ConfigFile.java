package dev.pbkv.cli;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE} (or {@code PBKV_CONFIG}): defaults for any command's long options, one
 * {@code KEY = VALUE} per line. A key is a long option's name without its dashes ({@code viewserver
 * = 10.0.0.1:7000}), or prefixed by a command's name to apply to that command only ({@code
 * server.listen = 10.0.0.2:7001}, which wins over a plain {@code listen}). Lines starting with
 * {@code #} or {@code !} are comments; values are taken as written, trimmed (no quotes, no escapes,
 * no continuation lines).
 *
 * <p>Only the commands that declare {@code --config} read the file (the servers, the view service
 * and the client commands); flags without a value cannot be set in it. Precedence: a flag on the
 * command line, then the option's environment variable, then this file, then the built-in default.
 * An unknown key or a malformed line is an error naming the file, the line and the key, before
 * anything runs. Files over {@link #MAX_BYTES} are refused.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
  /** The largest configuration file read. */
  static final int MAX_BYTES = 1 << 20;

  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");

  private record Entry(String value, int line) {}

  private final Path file;
  private final Map<String, Entry> entries;
  private final Map<String, String> env;
  private final Map<ArgSpec, Entry> served = new java.util.IdentityHashMap<>();

  private ConfigFile(Path file, Map<String, Entry> entries, Map<String, String> env) {
    this.file = file;
    this.entries = entries;
    this.env = env;
  }

  /**
   * The file named by {@code --config F} / {@code --config=F} in {@code args}, else PBKV_CONFIG.
   */
  static Path named(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--")) {
        break;
      }
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    String fromEnv = env.get("PBKV_CONFIG");
    return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
  }

  /**
   * Reads {@code file} and checks every key against the options of {@code root}'s commands.
   *
   * @throws UserError naming the file (and line) for a missing, unreadable, oversized or malformed
   *     file, or an unknown key
   */
  static ConfigFile load(Path file, CommandLine root, Map<String, String> env) {
    List<String> lines;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new UserError(
            "config " + file + ": larger than " + MAX_BYTES + " bytes; is it the right file?");
      }
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError("config " + file + ": no such file");
    } catch (MalformedInputException e) {
      throw new UserError("config " + file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new UserError("config " + file + ": cannot read it (" + e.getMessage() + ")");
    }
    Set<String> known = keysOf(root);
    Set<String> flags = new TreeSet<>();
    collectFlags(root, flags);
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      int n = i + 1;
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new UserError(
            "config " + file + " line " + n + ": expected KEY = VALUE, got '" + clip(line) + "'");
      }
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (flags.contains(key)) {
        throw new UserError(
            "config "
                + file
                + " line "
                + n
                + ": '"
                + key
                + "' is a flag without a value; give it on the command line");
      }
      if (!known.contains(key)) {
        throw new UserError(
            "config "
                + file
                + " line "
                + n
                + ": unknown key '"
                + clip(key)
                + "' (a key is a long option without its dashes, e.g. 'viewserver', or"
                + " COMMAND.OPTION, e.g. 'server.listen')");
      }
      if (entries.containsKey(key)) {
        throw new UserError(
            "config "
                + file
                + " line "
                + n
                + ": '"
                + key
                + "' is set again (first on line "
                + entries.get(key).line
                + ")");
      }
      entries.put(key, new Entry(value, n));
    }
    return new ConfigFile(file, entries, env);
  }

  /** Every key a file may set: each command's long options, plain and as COMMAND.OPTION. */
  private static Set<String> keysOf(CommandLine root) {
    Set<String> keys = new TreeSet<>();
    collect(root, keys);
    return keys;
  }

  private static void collect(CommandLine cmd, Set<String> keys) {
    if (takesConfig(cmd.getCommandSpec())) {
      for (OptionSpec o : cmd.getCommandSpec().options()) {
        String name = longName(o);
        if (name != null && !o.usageHelp() && !o.versionHelp() && !name.equals("config")) {
          keys.add(name);
          keys.add(cmd.getCommandName() + "." + name);
        }
      }
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      collect(sub, keys);
    }
  }

  private static void collectFlags(CommandLine cmd, Set<String> flags) {
    if (takesConfig(cmd.getCommandSpec())) {
      for (OptionSpec o : cmd.getCommandSpec().options()) {
        String name = longName(o);
        if (name != null && isFlag(o)) {
          flags.add(name);
          flags.add(cmd.getCommandName() + "." + name);
        }
      }
    }
    for (CommandLine sub : cmd.getSubcommands().values()) {
      collectFlags(sub, flags);
    }
  }

  /** True for the commands that declare {@code --config}: only they read the file. */
  static boolean takesConfig(CommandLine.Model.CommandSpec spec) {
    return spec != null && spec.findOption("--config") != null;
  }

  /**
   * A flag without a value cannot come from the file: its flag on the command line would negate it.
   */
  private static boolean isFlag(OptionSpec o) {
    return o.arity().max() == 0;
  }

  private static String longName(OptionSpec o) {
    String name = o.longestName();
    return name.startsWith("--") ? name.substring(2) : null;
  }

  private static String clip(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o)) {
      return null;
    }
    String name = longName(o);
    if (name == null || isFlag(o) || !takesConfig(o.command())) {
      return null;
    }
    String original =
        o.userObject() instanceof java.lang.reflect.Field f
                && f.getAnnotation(CommandLine.Option.class) != null
            ? f.getAnnotation(CommandLine.Option.class).defaultValue()
            : null;
    if (original != null) {
      Matcher env = ENV.matcher(original);
      if (env.find() && this.env.get(env.group(1)) != null) {
        return null; // the environment wins over the file: the annotation's default reads it
      }
    }
    String command = o.command() == null ? "" : o.command().name();
    Entry e = entries.get(command + "." + name);
    if (e == null) {
      e = entries.get(name);
    }
    if (e == null) {
      return null;
    }
    served.put(o, e);
    return e.value;
  }

  /**
   * Where the value of {@code arg} came from when it came from this file ({@code config F line N:
   * KEY = VALUE}), else null: a bad value is then reported with its file and line.
   */
  String origin(ArgSpec arg) {
    Entry e = arg == null ? null : served.get(arg);
    if (e == null) {
      return null;
    }
    String key =
        entries.entrySet().stream()
            .filter(x -> x.getValue() == e)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse("?");
    return "config " + file + " line " + e.line + ": " + key + " = " + clip(e.value);
  }

  @Override
  public String toString() {
    return "config " + file;
  }
}
