package dev.pbkv.sim.trace;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a headless-capable Chromium for the browser tests: {@code $PBKV_CHROMIUM}, else {@code
 * /usr/bin/chromium}, else {@code chromium} or {@code chromium-browser} on the {@code PATH}.
 *
 * <p>Without one, a browser test is <em>skipped</em> (Surefire counts it as skipped, never as
 * passed) with a message on standard error that says how to install one — unless {@code
 * PBKV_REQUIRE_BROWSER=1} is set (as {@code .ci/run} does), which turns the skip into a failure.
 */
final class Chromium {
  static final String REQUIRE_ENV = "PBKV_REQUIRE_BROWSER";
  private static final String INSTALL =
      "install it (Debian/Ubuntu: sudo apt-get install chromium) or point PBKV_CHROMIUM at one";

  private Chromium() {}

  /** The Chromium executable, or a skip (a failure under {@code PBKV_REQUIRE_BROWSER=1}). */
  static Path require() {
    Optional<Path> found = find();
    if (found.isPresent()) {
      return found.get();
    }
    if ("1".equals(System.getenv(REQUIRE_ENV))) {
      return fail("no Chromium found and %s=1: %s", REQUIRE_ENV, INSTALL);
    }
    String why = "SKIPPED browser test: no Chromium found; " + INSTALL;
    System.err.println("*** " + why + " ***");
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  static Optional<Path> find() {
    String given = System.getenv("PBKV_CHROMIUM");
    if (given != null && !given.isBlank()) {
      Path p = Path.of(given);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    Path debian = Path.of("/usr/bin/chromium");
    if (Files.isExecutable(debian)) {
      return Optional.of(debian);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** The last {@code lines} lines of a log file, for a failure message. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
