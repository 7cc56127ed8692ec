package dev.pbkv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docs/design.md §8: pbkv-core nodes are deterministic state machines. This test scans every main
 * source file of pbkv-core and fails, naming file and line, if one uses the network, threads,
 * executors, futures, the wall clock or unseeded randomness ({@code Math.random}, {@code
 * UUID.randomUUID} too), or takes locks ({@code synchronized}, {@code java.util.concurrent.locks},
 * {@code wait}/{@code notify}). Comments, Javadoc and string literals are blanked out before
 * matching (line numbers are kept), so documentation that <em>talks</em> about threads does not
 * trip it.
 */
class CoreDeterminismTest {

  /** A forbidden construct and the pattern that finds it in comment-free source. */
  record Rule(String name, Pattern pattern) {
    static Rule of(String name, String regex) {
      return new Rule(name, Pattern.compile(regex));
    }
  }

  /** A use of a forbidden construct. */
  record Violation(String file, int line, String rule, String text) {
    @Override
    public String toString() {
      return file + ":" + line + ": uses " + rule + ": " + text.strip();
    }
  }

  static final List<Rule> FORBIDDEN =
      List.of(
          Rule.of("java.net", "\\bjava\\s*\\.\\s*net\\b"),
          Rule.of("Thread", "\\bThread\\b"),
          Rule.of("Executor/ExecutorService/Executors", "\\b\\w*Executor(?:s|Service)?\\b"),
          Rule.of("CompletableFuture", "\\bCompletableFuture\\b"),
          Rule.of("System.currentTimeMillis", "\\bSystem\\s*\\.\\s*currentTimeMillis\\b"),
          Rule.of("System.nanoTime", "\\bSystem\\s*\\.\\s*nanoTime\\b"),
          Rule.of("java.util.Random", "\\bRandom\\b"),
          Rule.of("ThreadLocalRandom", "\\bThreadLocalRandom\\b"),
          Rule.of("SecureRandom", "\\bSecureRandom\\b"),
          Rule.of("Instant.now", "\\bInstant\\s*\\.\\s*now\\b"),
          Rule.of("LocalDateTime.now", "\\bLocalDateTime\\s*\\.\\s*now\\b"),
          Rule.of("synchronized", "\\bsynchronized\\b"),
          Rule.of(
              "java.util.concurrent.locks",
              "\\bjava\\s*\\.\\s*util\\s*\\.\\s*concurrent\\s*\\.\\s*locks\\b"
                  + "|\\b(?:Reentrant(?:ReadWrite)?Lock|ReadWriteLock|StampedLock|LockSupport)\\b"),
          Rule.of("Object.wait/notify", "\\b(?:wait|notify|notifyAll)\\s*\\("),
          Rule.of("Math.random", "\\b(?:Strict)?Math\\s*\\.\\s*random\\b"),
          Rule.of("UUID.randomUUID", "\\bUUID\\s*\\.\\s*randomUUID\\b"),
          Rule.of("Clock.system", "\\bClock\\s*\\.\\s*system\\w*\\b"));

  // --- the scan of pbkv-core ----------------------------------------------------------------

  @Test
  void when_coreMainSourcesAreScanned_then_noneUsesNondeterministicApis() throws IOException {
    Path root = locateCoreMainSources();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    assertThat(files)
        .as("no .java files under %s: the scan would prove nothing", root)
        .isNotEmpty();
    Set<String> names =
        files.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    assertThat(names)
        .as("the scan must cover the protocol nodes (found under %s)", root)
        .contains("Node.java", "ViewServer.java", "PbServer.java", "PbClient.java", "KvStore.java");

    List<Violation> violations = new ArrayList<>();
    for (Path file : files) {
      String source = Files.readString(file, StandardCharsets.UTF_8);
      violations.addAll(scan(root.relativize(file).toString(), source));
    }

    if (!violations.isEmpty()) {
      fail(
          "pbkv-core must stay deterministic (docs/design.md §8), but:\n"
              + violations.stream().map(Violation::toString).collect(Collectors.joining("\n")));
    }
  }

  // --- the scanner catches what it should -------------------------------------------------

  @Test
  void when_sourceContainsPlantedViolations_then_scannerNamesFileLineAndRule() {
    String source =
        String.join(
            "\n",
            "package dev.pbkv.bad;", // 1
            "import java.net.Socket;", // 2
            "import java.util.Random;", // 3
            "final class Bad {", // 4
            "  long now() { return System.currentTimeMillis(); }", // 5
            "  void spin() { new Thread(() -> {}).start(); }", // 6
            "  synchronized void locked() {}", // 7
            "  java.util.concurrent.locks.Lock lock = new ReentrantLock();", // 8
            "  double d = Math.random(); long n = System.nanoTime();", // 9
            "  String id = java.util.UUID.randomUUID().toString();", // 10
            "}");

    List<Violation> violations = scan("dev/pbkv/bad/Bad.java", source);

    assertThat(violations)
        .extracting(Violation::line, Violation::rule)
        .containsExactly(
            tuple(2, "java.net"),
            tuple(3, "java.util.Random"),
            tuple(5, "System.currentTimeMillis"),
            tuple(6, "Thread"),
            tuple(7, "synchronized"),
            tuple(8, "java.util.concurrent.locks"),
            tuple(9, "System.nanoTime"),
            tuple(9, "Math.random"),
            tuple(10, "UUID.randomUUID"));
    assertThat(violations.get(0).toString())
        .isEqualTo("dev/pbkv/bad/Bad.java:2: uses java.net: import java.net.Socket;");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "java.net.URI u = null;|java.net",
        "Thread.sleep(10);|Thread",
        "class T extends Thread {}|Thread",
        "Executor e = null;|Executor/ExecutorService/Executors",
        "ExecutorService s = null;|Executor/ExecutorService/Executors",
        "var s = Executors.newSingleThreadExecutor();|Executor/ExecutorService/Executors",
        "ScheduledExecutorService s = null;|Executor/ExecutorService/Executors",
        "CompletableFuture<Void> f = null;|CompletableFuture",
        "long t = System.currentTimeMillis();|System.currentTimeMillis",
        "long t = System.nanoTime();|System.nanoTime",
        "var r = new java.util.Random();|java.util.Random",
        "Random r = new Random(42);|java.util.Random",
        "int i = ThreadLocalRandom.current().nextInt();|ThreadLocalRandom",
        "var r = new SecureRandom();|SecureRandom",
        "var t = Instant.now();|Instant.now",
        "var t = java.time.LocalDateTime.now();|LocalDateTime.now",
        "synchronized (this) {}|synchronized",
        "import java.util.concurrent.locks.ReentrantLock;|java.util.concurrent.locks",
        "import java.util.concurrent.locks.*;|java.util.concurrent.locks",
        "private final ReentrantLock lock = null;|java.util.concurrent.locks",
        "ReadWriteLock rw = null;|java.util.concurrent.locks",
        "ReentrantReadWriteLock rw = null;|java.util.concurrent.locks",
        "StampedLock s = null;|java.util.concurrent.locks",
        "LockSupport.parkNanos(5);|java.util.concurrent.locks",
        "this.wait();|Object.wait/notify",
        "lock.notifyAll();|Object.wait/notify",
        "double d = Math.random();|Math.random",
        "double d = StrictMath.random();|Math.random",
        "var id = UUID.randomUUID();|UUID.randomUUID",
        "var id = java.util.UUID.randomUUID();|UUID.randomUUID",
        "var c = java.time.Clock.systemUTC();|Clock.system",
        "new Thread(r).start();|Thread",
        "long t = System . currentTimeMillis();|System.currentTimeMillis",
      })
  void when_lineUsesAForbiddenConstruct_then_itIsCaught(String line, String rule) {
    List<Violation> violations = scan("Sample.java", "class Sample {\n  " + line + "\n}\n");

    assertThat(violations).extracting(Violation::rule).contains(rule);
    assertThat(violations).allSatisfy(v -> assertThat(v.line()).isEqualTo(2));
  }

  @Test
  void when_forbiddenWordsAppearOnlyInCommentsOrStrings_then_scannerIgnoresThem() {
    String source =
        String.join(
            "\n",
            "/**", // 1
            " * A handler must not start a Thread, call System.currentTimeMillis(),", // 2
            " * use java.util.Random or be synchronized.", // 3
            " */", // 4
            "final class Fine {", // 5
            "  // new Thread(); Instant.now(); java.net.Socket", // 6
            "  /* CompletableFuture */ int x = 1; /* Executors", // 7
            "     SecureRandom */ int y = 2;", // 8
            "  String s = \"Thread synchronized \\\" java.net // not a comment\";", // 9
            "  char c = '\"';", // 10
            "  String t = \"\"\"", // 11
            "      Thread in a text block", // 12
            "      \"\"\";", // 13
            "  long z = System.nanoTime(); // caught: code after all that", // 14
            "}");

    List<Violation> violations = scan("Fine.java", source);

    assertThat(violations)
        .extracting(Violation::line, Violation::rule)
        .containsExactly(tuple(14, "System.nanoTime"));
  }

  @Test
  void when_commentsAreStripped_then_lineNumbersAndCodeAreKept() {
    String source = "int a; /* x\ny\nz */ int b; // c\nint d;";

    String stripped = stripCommentsAndStrings(source);

    List<String> lines = stripped.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("int a;").doesNotContain("x");
    assertThat(lines.get(1)).isBlank();
    assertThat(lines.get(2)).contains("int b;").doesNotContain("z").doesNotContain("c");
    assertThat(lines.get(3)).isEqualTo("int d;");
  }

  @Test
  void when_wordsOnlyResembleForbiddenOnes_then_theyAreNotCaught() {
    String source =
        String.join(
            "\n",
            "class Ok {",
            "  void execute() {}",
            "  int randomized; String threadName; long nanoTimes;",
            "  java.util.random.RandomGenerator g; java.network.Foo f;",
            "  void await() {} void awaitAll(); UUID id = UUID.nameUUIDFromBytes(b);",
            "  double r = Math.abs(x); Lock lock; Clock clock;",
            "}");

    assertThat(scan("Ok.java", source)).isEmpty();
  }

  // --- the scanner ----------------------------------------------------------------------------

  /** The forbidden constructs used in {@code source}, one per rule and line. */
  static List<Violation> scan(String fileName, String source) {
    String[] original = source.split("\n", -1);
    String[] code = stripCommentsAndStrings(source).split("\n", -1);
    List<Violation> out = new ArrayList<>();
    for (int i = 0; i < code.length; i++) {
      for (Rule rule : FORBIDDEN) {
        if (rule.pattern().matcher(code[i]).find()) {
          out.add(new Violation(fileName, i + 1, rule.name(), original[i]));
        }
      }
    }
    return out;
  }

  /**
   * Replaces every character of comments (line, block, Javadoc) and of string, text-block and char
   * literals with a space, keeping line breaks, so the result has the same lines as the input.
   */
  static String stripCommentsAndStrings(String s) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    int n = s.length();
    while (i < n) {
      char ch = s.charAt(i);
      if (s.startsWith("//", i)) {
        while (i < n && s.charAt(i) != '\n') {
          out.append(' ');
          i++;
        }
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        int stop = end < 0 ? n : end + 2;
        blank(s, i, stop, out);
        i = stop;
      } else if (s.startsWith("\"\"\"", i)) {
        int j = i + 3;
        while (j < n && !s.startsWith("\"\"\"", j)) {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        int stop = Math.min(n, j + 3);
        blank(s, i, stop, out);
        i = stop;
      } else if (ch == '"' || ch == '\'') {
        int j = i + 1;
        while (j < n && s.charAt(j) != ch && s.charAt(j) != '\n') {
          j += s.charAt(j) == '\\' ? 2 : 1;
        }
        int stop = Math.min(n, j + 1);
        blank(s, i, stop, out);
        i = stop;
      } else {
        out.append(ch);
        i++;
      }
    }
    return out.toString();
  }

  private static void blank(String s, int from, int to, StringBuilder out) {
    for (int k = from; k < to; k++) {
      out.append(s.charAt(k) == '\n' ? '\n' : ' ');
    }
  }

  // --- finding pbkv-core's sources ----------------------------------------------------------

  private static final String MARKER = "dev/pbkv/node/Node.java";

  /**
   * pbkv-core/src/main/java, found from the working directory (Maven uses the module directory; an
   * IDE may use the repository root) or, failing that, from where this test class was compiled to
   * (pbkv-core/target/test-classes). Fails loudly if it is nowhere.
   */
  static Path locateCoreMainSources() {
    Set<Path> tried = new LinkedHashSet<>();
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    try {
      var codeSource = CoreDeterminismTest.class.getProtectionDomain().getCodeSource();
      if (codeSource != null) {
        starts.add(Path.of(codeSource.getLocation().toURI()).toAbsolutePath());
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      // fall back to the working directory only
    }
    for (Path start : starts) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        for (Path candidate :
            List.of(dir.resolve("src/main/java"), dir.resolve("pbkv-core/src/main/java"))) {
          tried.add(candidate);
          if (Files.isRegularFile(candidate.resolve(MARKER))) {
            return candidate;
          }
        }
      }
    }
    throw new UncheckedIOException(
        new IOException(
            "cannot find pbkv-core/src/main/java (looked for " + MARKER + " under " + tried + ")"));
  }
}
