package io.ackcoord.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The machine's own headless Chromium under Selenium, for tests that look at the status page as a person would.
 *
 * <p>Uses Debian's {@code chromium} and {@code chromium-driver} (override with {@code -Dackcoord.chromium=} and
 * {@code -Dwebdriver.chrome.driver=}). Both paths are given to Selenium, so Selenium Manager never tries to download
 * a browser or a driver (which cannot work offline). Where they are missing, {@link #start} fails the test with the
 * command that installs them: a browser test that silently skips would prove nothing.
 */
final class HeadlessChromium implements AutoCloseable {

  static final String INSTALL = "apt-get update && apt-get install -y chromium chromium-driver";

  private final WebDriver driver;
  private final Path profile;

  private HeadlessChromium(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts a headless browser with a window of the given size and a fresh profile. */
  static HeadlessChromium start(int width, int height) {
    String browser = System.getProperty("ackcoord.chromium", "/usr/bin/chromium");
    String driverPath = System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
    for (String path : new String[] {browser, driverPath}) {
      if (!new File(path).canExecute()) {
        throw new AssertionError("The status page's browser test needs headless Chromium and its driver, but "
            + path + " is missing. Install them with: " + INSTALL + " (or point -Dackcoord.chromium and "
            + "-Dwebdriver.chrome.driver at your own).");
      }
    }
    System.setProperty("webdriver.chrome.driver", driverPath);
    Path profile;
    try {
      profile = Files.createTempDirectory("ackcoord-chromium-");
    } catch (IOException e) {
      throw new AssertionError("cannot create a browser profile directory: " + e.getMessage(), e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-extensions", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(driverPath))
        .usingAnyFreePort()
        .build();
    return new HeadlessChromium(new ChromeDriver(service, options), profile);
  }

  WebDriver driver() {
    return driver;
  }

  /** Saves a PNG of the window to {@code file}, creating its directory. */
  void screenshot(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new AssertionError("could not save a screenshot to " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temp directory left behind is harmless
      }
    }
  }
}
