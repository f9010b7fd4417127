package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.LocalDeployment;
import dev.reauth.wire.Schema.Accounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code reauth dashboard} in a real browser (headless Chromium) against the local stack: the launcher
 * serves it, the browser reads every account's health, re-authenticates one with the keyboard alone
 * through the local provider, and sees the new token version. At 360 px and desktop width; screenshots go
 * to infra/target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LocalDeployment local;
    private Path work;
    private DashboardProcess dashboard;
    private Chromium chromium;
    private final Set<String> secrets = new HashSet<>();

    @BeforeAll
    void start() throws Exception {
        LogCapture.install();
        local = LocalDeployment.withLocalProvider(0, Map.of());
        work = Files.createTempDirectory("reauth-dashboard-it-");
        LocalLogins.logIn(local, "dash-work");
        LocalLogins.logIn(local, "dash-spare");
        local.aws().seedAccount("dash-dead", Map.of(Accounts.REQUIRES_REAUTH, AttributeValue.fromBool(true)));
        dashboard = DashboardProcess.start(local, new CliTerminals(work), work);
        secrets.add(dashboard.secret());
        chromium = Chromium.start();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            assertThat(dashboard.stderr())
                    .as("the dashboard's standard error")
                    .contains("API " + local.api().baseUrl());
            for (String secret : secrets) {
                assertThat(dashboard.stderr()).doesNotContain(secret);
            }
            secrets.addAll(local.provider().secretsSeen());
            secrets.removeIf(secret -> secret == null || secret.length() < 8);
            SystemIT.assertNoSecretsLogged(secrets);
        } finally {
            chromium.close();
            dashboard.close();
            local.close();
            CliTerminals.remove(work);
        }
    }

    @Test
    void theDashboard_listsTheAccounts_andReauthenticatesOne_withTheKeyboardAlone_at360px_thenShowsItsNewVersion()
            throws Exception {
        chromium.size(Chromium.DESKTOP);
        chromium.driver.get(dashboard.url);
        WebElement work = card("dash-work");
        assertThat(work.getText()).contains("Healthy", "owner@example.com", "max");
        assertThat(field("dash-work", "tokenVersion")).isEqualTo("1");
        assertThat(card("dash-dead").getText())
                .contains("Dead (", "requires re-authentication", "no tokens", "Last success", "Last attempt");
        assertThat(card("dash-spare").getText()).contains("Healthy");
        chromium.screenshot("dashboard-desktop.png");

        chromium.size(Chromium.PHONE);
        chromium.driver.navigate().refresh();
        card("dash-work");
        chromium.assertFitsThePhone();
        chromium.screenshot("dashboard-phone.png");

        // Tab to the account's Re-authenticate button; the focus ring shows where it is
        tabTo("Re-authenticate dash-work");
        chromium.assertFocusVisible();
        chromium.keys(Keys.ENTER);
        chromium.awaitFocus("login");
        assertThat(chromium.text("#login-title")).isEqualTo("Re-authenticate dash-work");
        chromium.assertFitsThePhone();
        String pasted = chromium.logInAndPasteWithTheKeyboard(secrets);

        WebElement done = chromium.awaitDone();
        assertThat(done.getText())
                .isEqualTo("Account 'dash-work' (owner@example.com) has been successfully re-authenticated");
        assertThat(chromium.text("#done-detail")).isEqualTo("Token cache has been cleared for running servers");
        assertThat(chromium.focusedId()).isEqualTo("done-message");
        assertThat(chromium.driver.getPageSource()).doesNotContain(pasted);
        chromium.screenshot("dashboard-reauthenticated-phone.png");

        // Esc closes the dialog; the focus is back on the button that opened it; the list shows version 2
        chromium.keys(Keys.ESCAPE);
        new WebDriverWait(chromium.driver, Chromium.WAIT)
                .until(d -> !d.findElement(By.id("login-dialog")).isDisplayed());
        assertThat(chromium.driver.switchTo().activeElement().getAttribute("aria-label"))
                .isEqualTo("Re-authenticate dash-work");
        new WebDriverWait(chromium.driver, Chromium.WAIT)
                .until(d -> field("dash-work", "tokenVersion").equals("2"));
        assertThat(local.aws()
                        .account(id("dash-work"))
                        .get(Accounts.TOKEN_VERSION)
                        .n())
                .isEqualTo("2");
    }

    @Test
    void copyReauthLink_givesAWorkingLink_reload_saysSo_andAddAccount_addsOne() throws Exception {
        chromium.size(Chromium.DESKTOP);
        chromium.driver.get(dashboard.url);
        card("dash-spare").findElement(By.cssSelector("[data-action='link']")).click();
        WebElement linkField = new WebDriverWait(chromium.driver, Chromium.WAIT)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("link-url")));
        String link = linkField.getAttribute("value");
        assertThat(link).startsWith(local.api().baseUrl() + "/r/");
        secrets.add(ReauthSystem.tokenOf(link));
        assertThat(chromium.text("#link-status"))
                .isIn(
                        "Copied to the clipboard.",
                        "Could not copy it here: the link is selected below; copy it with Ctrl+C (⌘C).");
        assertThat(chromium.focusedId()).isEqualTo("link-url");
        HttpResponse<String> page =
                HTTP.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("dash-spare");
        chromium.driver.findElement(By.id("close-link")).click();

        card("dash-spare").findElement(By.cssSelector("[data-action='reload']")).click();
        new WebDriverWait(chromium.driver, Chromium.WAIT)
                .until(d -> !chromium.text("#notice").isEmpty()
                        && !chromium.text("#notice").startsWith("Reloading"));
        assertThat(chromium.text("#notice")).doesNotContain("failed").contains("dash-spare");

        chromium.driver.findElement(By.id("add")).click();
        chromium.driver.findElement(By.id("add-name")).sendKeys("dash-new");
        String original = chromium.driver.getWindowHandle();
        chromium.driver.findElement(By.id("login")).click();
        String pasted = chromium.codeFromTheLoginWindow(original, secrets);
        chromium.driver.findElement(By.id("code")).sendKeys(pasted, Keys.ENTER);
        WebElement done = chromium.awaitDone();
        assertThat(done.getText()).contains("dash-new");
        chromium.driver.findElement(By.id("close-login")).click();
        assertThat(card("dash-new").getText()).contains("owner@example.com");
    }

    @Test
    void requestsFromAnotherOrigin_orWithoutTheSecret_getNothing() throws Exception {
        URI page = URI.create(dashboard.url);
        HttpResponse<String> noSecret = HTTP.send(
                HttpRequest.newBuilder(page.resolve("/api/accounts")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noSecret.statusCode()).isEqualTo(404);
        HttpResponse<String> foreign = HTTP.send(
                HttpRequest.newBuilder(page.resolve("api/accounts/dash-spare/link"))
                        .header("Origin", "http://evil.example")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain("/r/");
        HttpResponse<String> list = HTTP.send(
                HttpRequest.newBuilder(page.resolve("api/accounts")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        assertThat(list.body()).doesNotContain("token_ciphertext", "accessToken", "refreshToken");
    }

    // ---- the browser

    private WebElement card(String name) {
        return new WebDriverWait(chromium.driver, Chromium.WAIT)
                .until(ExpectedConditions.visibilityOfElementLocated(
                        By.cssSelector("li.card[data-account='" + name + "']")));
    }

    private String field(String name, String field) {
        return card(name)
                .findElement(By.cssSelector("[data-field='" + field + "']"))
                .getText();
    }

    /** Presses Tab until the element labelled {@code label} has the focus. */
    private void tabTo(String label) {
        for (int i = 0; i < 60; i++) {
            chromium.keys(Keys.TAB);
            if (label.equals(chromium.driver.switchTo().activeElement().getAttribute("aria-label"))) {
                return;
            }
        }
        throw new AssertionError("Tab never reached " + label);
    }

    private String id(String name) {
        return local.aws().dynamo().scan(s -> s.tableName(local.aws().accountsTable())).items().stream()
                .filter(item -> name.equals(item.get(Accounts.NAME).s()))
                .findFirst()
                .orElseThrow()
                .get(Accounts.ID)
                .s();
    }
}
