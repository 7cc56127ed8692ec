package dev.pbkv.debug.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium under Selenium for the browser tests: {@code $PBKV_CHROMIUM}, else {@code
 * /usr/bin/chromium}, else {@code chromium} or {@code chromium-browser} on the {@code PATH}; driven
 * by {@code $PBKV_CHROMEDRIVER}, else {@code /usr/bin/chromedriver}, else {@code chromedriver} on
 * the {@code PATH} (Selenium Manager is not used: it would download one). Each browser gets a fresh
 * profile and no network of its own ({@code --disable-background-networking}, no QUIC, no sync, no
 * component updates); the pages it opens are self-contained.
 *
 * <p>Without Chromium or chromedriver a browser test is <em>skipped</em> (Surefire counts it as
 * skipped, never as passed) with a message on standard error that says how to install them — unless
 * {@code PBKV_REQUIRE_BROWSER=1} is set (as {@code .ci/run} does), which turns the skip into a
 * failure.
 *
 * <p>No call blocks forever on a hung browser: page loads, scripts and waits are bounded by {@link
 * #WAIT}, {@link #close()} too, and the test classes' {@code @Timeout} runs each test in a thread
 * of its own, so a test whose browser hangs fails at its timeout.
 *
 * <p>Screenshots go to {@code target/screenshots} (the {@code pbkv.screenshots} property; CI keeps
 * them); with {@code -Dpbkv.docs=DIR} the README's pictures are written to DIR too.
 */
public final class Browser implements AutoCloseable {
  static final String REQUIRE_ENV = "PBKV_REQUIRE_BROWSER";
  private static final String INSTALL =
      "install them (Debian/Ubuntu: sudo apt-get install chromium chromium-driver) or point"
          + " PBKV_CHROMIUM and PBKV_CHROMEDRIVER at them";

  /** Bound of every wait on the page. */
  public static final Duration WAIT = Duration.ofSeconds(60);

  private final ChromeDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private Browser(ChromeDriver driver, ChromeDriverService service, Path profile) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /**
   * A headless Chromium with a window of {@code width} × {@code height}, or a skip (a failure under
   * {@code PBKV_REQUIRE_BROWSER=1}).
   */
  public static Browser open(int width, int height) {
    Path chromium = require("Chromium", findChromium());
    Path driverPath = require("chromedriver", findDriver());
    try {
      Path profile = Files.createTempDirectory("pbkv-chromium-profile");
      ChromeOptions o = new ChromeOptions();
      o.setBinary(chromium.toFile());
      o.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--user-data-dir=" + profile,
          "--window-size=" + width + "," + height);
      o.setExperimentalOption(
          "prefs",
          Map.of(
              "download.default_directory",
              profile.resolve("downloads").toString(),
              "download.prompt_for_download",
              false));
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      o.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service =
          new ChromeDriverService.Builder().usingDriverExecutable(driverPath.toFile()).build();
      ChromeDriver d = new ChromeDriver(service, o);
      d.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
      return new Browser(d, service, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Where downloads land. */
  public Path downloads() {
    return profile.resolve("downloads");
  }

  public WebDriverWait waiting() {
    return new WebDriverWait(driver, WAIT);
  }

  /** Runs {@code script} in the page and returns its value. */
  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** The page's console errors so far (and uncaught exceptions, which Chromium logs there). */
  public List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** Asserts the page logged no error and recorded none ({@code body[data-errors]}). */
  public void assertNoErrors() {
    assertThat(consoleErrors()).as("console errors").isEmpty();
    assertThat(js("return document.body.dataset.errors || ''")).as("page errors").isEqualTo("");
  }

  /**
   * Saves a screenshot as {@code NAME.png} in {@code target/screenshots}, and in the docs folder
   * when {@code -Dpbkv.docs=DIR} is set and {@code docsName} is not null; returns the file.
   */
  public Path screenshot(String name, String docsName) {
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    try {
      Path dir = Path.of(System.getProperty("pbkv.screenshots", "target/screenshots"));
      Files.createDirectories(dir);
      Path out = dir.resolve(name + ".png");
      Files.copy(shot.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
      String docs = System.getProperty("pbkv.docs");
      if (docs != null && !docs.isBlank() && docsName != null) {
        Path d = Path.of(docs);
        Files.createDirectories(d);
        Files.copy(shot.toPath(), d.resolve(docsName), StandardCopyOption.REPLACE_EXISTING);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Quits the browser, waiting at most {@link #WAIT}: a hung browser cannot block the test, its
   * driver is stopped instead (which ends its Chromium).
   */
  @Override
  public void close() {
    Thread quit = new Thread(driver::quit, "chromium-quit");
    quit.setDaemon(true);
    quit.start();
    try {
      quit.join(WAIT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (quit.isAlive()) {
      System.err.println("Chromium did not quit within " + WAIT + ": stopping chromedriver");
      service.stop();
    }
  }

  // --- finding the browser -----------------------------------------------------------------------

  private static Path require(String what, Optional<Path> found) {
    if (found.isPresent()) {
      return found.get();
    }
    if ("1".equals(System.getenv(REQUIRE_ENV))) {
      return fail("no %s found and %s=1: %s", what, REQUIRE_ENV, INSTALL);
    }
    String why = "SKIPPED browser test: no " + what + " found; " + INSTALL;
    System.err.println("*** " + why + " ***");
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  static Optional<Path> findChromium() {
    return find("PBKV_CHROMIUM", "/usr/bin/chromium", "chromium", "chromium-browser");
  }

  static Optional<Path> findDriver() {
    return find("PBKV_CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver");
  }

  private static Optional<Path> find(String env, String debian, String... names) {
    String given = System.getenv(env);
    if (given != null && !given.isBlank()) {
      Path p = Path.of(given);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    Path d = Path.of(debian);
    if (Files.isExecutable(d)) {
      return Optional.of(d);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : names) {
        Path p = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
