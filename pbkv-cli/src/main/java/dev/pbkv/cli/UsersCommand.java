package dev.pbkv.cli;

import dev.pbkv.net.tls.PasswordHash;
import dev.pbkv.net.tls.UserName;
import dev.pbkv.net.tls.Users;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pbkv users}: lines of the users file that servers read ({@code --users}). */
@Command(
    name = "users",
    header = "Manage the users file that servers read (--users).",
    mixinStandardHelpOptions = true,
    subcommands = {UsersCommand.Add.class},
    description = {
      "A users file has one line per user: NAME HASH read=PREFIX,... write=PREFIX,...",
      "(HASH is a salted PBKDF2-HMAC-SHA256 hash, or - for a user who logs in by certificate only)."
    },
    footer = {"", "Example:  pbkv users add alice --read app/ --write app/ --file users.txt"})
final class UsersCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code pbkv users add NAME}: hashes a password (from standard input or a prompt). */
  @Command(
      name = "add",
      header = "Print (or append to --file) a users-file line with a password hash.",
      mixinStandardHelpOptions = true,
      description = {
        "The password is read from standard input (its first line) or, at a terminal, from a",
        "prompt without echo (twice); never from a flag. --no-password makes a line for a user",
        "who logs in with a client certificate only (pbkv certs --clients NAME)."
      },
      footer = {
        "",
        "Example:  echo 's3cret' | pbkv users add alice --read app/ --write app/ --file users.txt",
        "          pbkv users add ops --read '*' --write '*' --no-password >> users.txt"
      })
  static final class Add implements Callable<Integer> {
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "the user name (letters, digits, . _ -)")
    String name;

    @Option(
        names = "--read",
        paramLabel = "PREFIX",
        split = ",",
        description = "keys starting with PREFIX are readable ('*': every key); repeatable")
    List<String> read = new ArrayList<>();

    @Option(
        names = "--write",
        paramLabel = "PREFIX",
        split = ",",
        description = "keys starting with PREFIX are writable ('*': every key); repeatable")
    List<String> write = new ArrayList<>();

    @Option(
        names = "--file",
        paramLabel = "FILE",
        description =
            "append the line to FILE (refused if the user is in it) instead of printing it")
    Path file;

    @Option(names = "--no-password", description = "certificate-only user: no password hash")
    boolean noPassword;

    @Option(
        names = "--iterations",
        paramLabel = "N",
        defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS,
        description = "PBKDF2 iterations (default: ${DEFAULT-VALUE}; at least 10000)")
    int iterations;

    @Override
    public Integer call() throws IOException {
      if (!UserName.valid(name)) {
        throw new UserError("'" + name + "' is not a user name (1-64 of letters, digits, . _ -)");
      }
      for (String p : concat(read, write)) {
        if (p.isEmpty() || p.chars().anyMatch(c -> c <= ' ' || c == ',')) {
          throw new UserError("'" + p + "' is not a prefix (no spaces or commas)");
        }
      }
      if (iterations < PasswordHash.MIN_ITERATIONS || iterations > PasswordHash.MAX_ITERATIONS) {
        throw new UserError(
            "--iterations must be "
                + PasswordHash.MIN_ITERATIONS
                + " to "
                + PasswordHash.MAX_ITERATIONS);
      }
      Users.User existing = null;
      if (file != null && Files.exists(file)) {
        try {
          existing = Users.read(file).get(name);
        } catch (IllegalArgumentException e) {
          throw new UserError(e.getMessage());
        }
        if (existing != null) {
          throw new UserError("--file " + file + ": user '" + name + "' is in it already");
        }
      }
      PasswordHash hash = null;
      if (!noPassword) {
        char[] password = readPassword();
        try {
          hash = PasswordHash.of(password, iterations);
        } finally {
          Arrays.fill(password, '\0');
        }
      }
      String line = new Users.User(name, hash, prefixes(read), prefixes(write)).line();
      Users.parse(line); // what a server will read
      PrintWriter out = spec.commandLine().getOut();
      if (file == null) {
        out.println(line);
      } else {
        Files.writeString(
            file,
            line + "\n",
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
        out.println("added " + name + " to " + file);
      }
      return 0;
    }

    private static List<String> prefixes(List<String> text) {
      return text.stream()
          .map(p -> p.equals("*") ? "*" : dev.pbkv.kv.ByteStrings.fromText(p))
          .toList();
    }

    private char[] readPassword() throws IOException {
      Console console = System.console();
      if (console != null
          && console.reader() != null
          && System.in.available() == 0
          && isTerminal()) {
        char[] a = console.readPassword("password for %s: ", name);
        char[] b = console.readPassword("again: ");
        if (a == null || b == null || !Arrays.equals(a, b)) {
          throw new UserError("the passwords differ");
        }
        Arrays.fill(b, '\0');
        return check(a);
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        throw new UserError("no password on standard input (or use --no-password)");
      }
      return check(line.toCharArray());
    }

    private static boolean isTerminal() {
      return System.console() != null;
    }

    private static char[] check(char[] password) {
      if (password.length == 0) {
        throw new UserError("the password is empty");
      }
      if (password.length > dev.pbkv.net.tls.Login.MAX_PASSWORD_CHARS) {
        throw new UserError(
            "the password is over " + dev.pbkv.net.tls.Login.MAX_PASSWORD_CHARS + " characters");
      }
      return password;
    }

    private static List<String> concat(List<String> a, List<String> b) {
      List<String> all = new ArrayList<>(a);
      all.addAll(b);
      return all;
    }
  }
}
