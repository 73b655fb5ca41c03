package dev.twofold.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through chromedriver, with a throw-away profile. The host
 * of {@link Fixtures#REDIRECT_URI} resolves to a closed loopback port, so a redirect to the
 * client ends in the browser without reaching any network; {@link #waitForRedirect()} reads it.
 */
public final class Chromium implements AutoCloseable {

    public static final String BINARY = "/usr/bin/chromium";
    public static final String DRIVER = "/usr/bin/chromedriver";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriverService service;
    private final WebDriver browser;
    private final Path profile;

    private Chromium(ChromeDriverService service, WebDriver browser, Path profile) {
        this.service = service;
        this.browser = browser;
        this.profile = profile;
    }

    /** Whether both executables are installed (`.ci/run` installs them). */
    public static boolean installed() {
        return new File(BINARY).canExecute() && new File(DRIVER).canExecute();
    }

    public static Chromium start() throws IOException {
        return start(Optional.empty());
    }

    /** A browser whose {@code Accept-Language} asks for {@code language} (such as de). */
    public static Chromium startInLanguage(String language) throws IOException {
        return start(Optional.of(language));
    }

    private static Chromium start(Optional<String> language) throws IOException {
        // Selenium must never download a browser or a driver: both are given here.
        System.setProperty("SE_AVOID_BROWSER_DOWNLOAD", "true");
        Path profile = Files.createTempDirectory("twofold-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER)).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.toAbsolutePath(),
                // The logo host of branding tests, like the client, never reaches a network.
                "--host-resolver-rules=MAP app.example.com 127.0.0.1:9,"
                        + " MAP cdn.example.com 127.0.0.1:9");
        language.ifPresent(tag -> {
            options.addArguments("--lang=" + tag);
            options.setExperimentalOption("prefs", Map.of("intl.accept_languages", tag));
        });
        return new Chromium(service, new ChromeDriver(service, options), profile);
    }

    public WebDriver browser() {
        return browser;
    }

    /**
     * Clicks the page's submit button and waits until the browser has left that page: a
     * click returns before the next page loads, so reading it at once may read the old one.
     */
    public static void submit(WebDriver browser) {
        WebElement button = new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(WebDriverException.class)
                .until(driver -> {
                    // A page still settling can swap the button between finding and clicking.
                    WebElement found = driver.findElement(By.cssSelector("button[type=submit]"));
                    found.click();
                    return found;
                });
        awaitLeaving(browser, button);
    }

    /**
     * Submits the form that {@code field} belongs to and waits until the browser has left
     * that page, for the same reason as {@link #submit(WebDriver)}.
     */
    public static void submit(WebDriver browser, WebElement field) {
        field.submit();
        awaitLeaving(browser, field);
    }

    /** Clicks a link and waits until the browser has left the page it was on. */
    public static void follow(WebDriver browser, WebElement link) {
        link.click();
        awaitLeaving(browser, link);
    }

    /** Waits until an element matching {@code by} is on the page, and returns it. */
    public static WebElement await(WebDriver browser, By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(20))
                .ignoring(WebDriverException.class)
                .until(driver -> driver.findElement(by));
    }

    /** Waits until the page that held {@code element} has been replaced. */
    private static void awaitLeaving(WebDriver browser, WebElement element) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> gone(element));
    }

    /**
     * Whether the element has left the document. Chromium 156 reports a replaced page's node
     * as an unknown error ("does not belong to the document"), not as a stale reference.
     */
    private static boolean gone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (WebDriverException leftTheDocument) {
            return true;
        }
    }

    /** Waits until the browser is sent to the client's redirect URI; returns that URL. */
    public String waitForRedirect() {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver ->
                driver.getCurrentUrl().startsWith(Fixtures.REDIRECT_URI)
                        ? driver.getCurrentUrl() : null);
    }

    /** Saves the current page at a phone-sized and a desktop-sized window. */
    public void screenshots(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        for (Dimension size : new Dimension[] {new Dimension(390, 844),
                new Dimension(1280, 800)}) {
            browser.manage().window().setSize(size);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + "-" + size.getWidth() + ".png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        browser.quit();
        service.stop();
        try (Stream<Path> paths = Files.walk(profile)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // A leftover profile in the temporary folder costs only disk space.
        }
    }
}
