package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.ProjectFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium from Debian's {@code chromium} and {@code chromium-driver} packages (infra/test
 * installs them), driven by Selenium. Both binaries are given by path, so Selenium Manager never runs
 * and nothing downloads a browser or a driver. A fresh profile per instance, removed on close. With the
 * steps the browser tests share: keys, what the page shows, the local provider's login window.
 */
final class Chromium implements AutoCloseable {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Dimension PHONE = new Dimension(360, 800);
    static final Dimension DESKTOP = new Dimension(1280, 900);
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Path SCREENSHOTS = ProjectFiles.root().resolve("infra/target/screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static Chromium start() throws IOException {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("headless Chromium is missing: run infra/test, which installs it,"
                    + " or apt-get install chromium chromium-driver");
        }
        Path profile = Files.createTempDirectory("reauth-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
        return new Chromium(driver, profile);
    }

    /** Sizes the viewport (headless has no window decorations: the window is the viewport). */
    void size(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /** Saves what the viewport shows as a PNG, {@code name} in infra/target/screenshots. */
    Path screenshot(String name) throws IOException {
        Path file = SCREENSHOTS.resolve(name);
        Files.createDirectories(file.getParent());
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** At the phone's width, nothing is wider than the screen: no sideways scrolling. */
    void assertFitsThePhone() {
        assertThat((Long) script("return window.innerWidth;")).isEqualTo((long) PHONE.width);
        assertThat((Boolean) script("return document.documentElement.scrollWidth <= window.innerWidth;"))
                .as("nothing wider than the phone's screen")
                .isTrue();
    }

    /**
     * Follows the window "Log in" opened beside {@code original}, reads the code#state the local provider's
     * page shows (it and its parts join {@code secrets}), closes it, and comes back.
     */
    String codeFromTheLoginWindow(String original, Set<String> secrets) {
        new WebDriverWait(driver, WAIT).until(d -> d.getWindowHandles().size() == 2);
        String login = driver.getWindowHandles().stream()
                .filter(h -> !h.equals(original))
                .findFirst()
                .orElseThrow();
        driver.switchTo().window(login);
        String pasted = codeOnThisPage(secrets);
        driver.close();
        driver.switchTo().window(original);
        return pasted;
    }

    /**
     * With "Log in" focused: presses Enter, reads the code#state in the window it opens (see
     * {@link #codeFromTheLoginWindow}), and types it into the code field, which has the focus by then, with Enter.
     */
    String logInAndPasteWithTheKeyboard(Set<String> secrets) {
        String original = driver.getWindowHandle();
        keys(Keys.ENTER);
        String pasted = codeFromTheLoginWindow(original, secrets);
        awaitFocus("code");
        keys(pasted, Keys.ENTER);
        return pasted;
    }

    /** The login's outcome heading, once it shows. */
    WebElement awaitDone() {
        return new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("done-message")));
    }

    /** The code#state the local provider's page in this window shows; it and its parts join {@code secrets}. */
    String codeOnThisPage(Set<String> secrets) {
        String pasted = new WebDriverWait(driver, WAIT)
                .until(ExpectedConditions.presenceOfElementLocated(By.tagName("pre")))
                .getText()
                .strip();
        assertThat(pasted).matches("[^#]+#[^#]+");
        secrets.add(pasted);
        secrets.add(pasted.substring(0, pasted.indexOf('#')));
        secrets.add(pasted.substring(pasted.indexOf('#') + 1));
        return pasted;
    }

    /** The focused element shows a focus ring. */
    void assertFocusVisible() {
        assertThat((String) script("return getComputedStyle(document.activeElement).outlineStyle;"))
                .isNotEqualTo("none");
    }

    /** Waits until the element with this id has the focus. */
    void awaitFocus(String id) {
        new WebDriverWait(driver, WAIT).until(d -> id.equals(focusedId()));
    }

    /** The id of the element that has the focus. */
    String focusedId() {
        return driver.switchTo().activeElement().getAttribute("id");
    }

    /** Types as a person would, into whatever has the focus. */
    void keys(CharSequence... keys) {
        new Actions(driver).sendKeys(keys).perform();
    }

    /** Shift+Tab. */
    void keysBack() {
        new Actions(driver)
                .keyDown(Keys.SHIFT)
                .sendKeys(Keys.TAB)
                .keyUp(Keys.SHIFT)
                .perform();
    }

    String text(String css) {
        return driver.findElement(By.cssSelector(css)).getText();
    }

    Object script(String js) {
        return driver.executeScript(js);
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
