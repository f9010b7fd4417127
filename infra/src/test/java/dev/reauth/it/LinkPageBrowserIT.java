package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalDeployment;
import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.wire.Schema.Accounts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The re-auth link page in a real browser (headless Chromium) against the local stack: the local API
 * serving the web function's routes, the emulator, and the local provider, whose code page the browser
 * reads as a person would. Keyboard only, at 360 px and at desktop width; screenshots go to
 * infra/target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LinkPageBrowserIT {

    private static final Login OWNER = Login.OWNER;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private LocalDeployment local;
    private LocalDeployment shortLinks;
    private Chromium chromium;
    private final Set<String> secrets = new HashSet<>();

    @BeforeAll
    void start() throws IOException {
        LogCapture.install();
        local = LocalDeployment.withLocalProvider(0, Map.of());
        shortLinks = LocalDeployment.withLocalProvider(0, Map.of("LINK_TTL", "PT2S"));
        chromium = Chromium.start();
    }

    @AfterAll
    void stop() throws IOException {
        try {
            secrets.addAll(local.provider().secretsSeen());
            secrets.addAll(shortLinks.provider().secretsSeen());
            secrets.removeIf(secret -> secret == null || secret.length() < 8);
            SystemIT.assertNoSecretsLogged(secrets);
        } finally {
            chromium.close();
            local.close();
            shortLinks.close();
        }
    }

    @Test
    void aPerson_withTheKeyboardAlone_at360px_logsIn_pastesTheCode_andIsToldTheAccountIsReauthenticated_once()
            throws Exception {
        String id = boundAccount(local, "work", OWNER);
        String link = issueLink(local, "work");

        chromium.size(Chromium.DESKTOP);
        chromium.driver.get(link);
        assertThat(heading()).isEqualTo("Re-authenticate work");
        chromium.screenshot("link-page-desktop.png");

        chromium.size(Chromium.PHONE);
        chromium.driver.navigate().refresh();
        assertThat(chromium.text("dl.facts")).contains("work").contains("o***@example.com");
        chromium.assertFitsThePhone();
        chromium.screenshot("link-page-phone.png");

        // focus order: Log in, the code field, Re-authenticate; focus always visible
        assertThat(tabThrough(3)).containsExactly("login", "code", "submit");
        tabBackTo("login");
        chromium.assertFocusVisible();
        String pasted = chromium.logInAndPasteWithTheKeyboard(secrets);

        WebElement done = chromium.awaitDone();
        assertThat(done.getText())
                .isEqualTo("Account 'work' (owner@example.com) has been successfully re-authenticated");
        assertThat(chromium.text("#done-detail")).isEqualTo("Token cache has been cleared for running servers.");
        assertThat(chromium.focusedId()).isEqualTo("done-message");
        assertThat(chromium.driver.getPageSource()).doesNotContain(pasted).doesNotContain(ReauthSystem.tokenOf(link));
        chromium.screenshot("link-done-phone.png");
        assertThat(local.aws().account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");

        chromium.driver.get(link);
        assertThat(heading()).isEqualTo("This link was already used");
        assertThat(chromium.text("main")).contains("work");
        chromium.screenshot("link-used-phone.png");
    }

    @Test
    void anExpiredLink_andARevokedLink_andAnUnknownOne_eachGetAClearPage() throws Exception {
        chromium.size(Chromium.PHONE);
        shortLinks.aws().seedAccount("short-lived", Map.of());
        String expiring = issueLink(shortLinks, "short-lived");
        local.aws().seedAccount("revoked", Map.of());
        String revoked = issueLink(local, "revoked");
        assertThat(operator(local, "DELETE", "/accounts/revoked/link")
                        .path("revoked")
                        .asBoolean())
                .isTrue();

        chromium.driver.get(revoked);
        assertThat(heading()).isEqualTo("This link was revoked");
        assertThat(chromium.text("main")).contains("reauth link revoked");
        chromium.screenshot("link-revoked-phone.png");

        // LINK_TTL is two seconds on this deployment
        new WebDriverWait(chromium.driver, Chromium.WAIT)
                .pollingEvery(Duration.ofMillis(500))
                .until(d -> {
                    d.get(expiring);
                    return heading().equals("This link has expired");
                });
        assertThat(chromium.text("main")).contains("It was valid until").contains("reauth link short-lived");
        chromium.screenshot("link-expired-phone.png");

        chromium.driver.get(local.api().baseUrl() + "/r/" + "Z".repeat(43));
        assertThat(heading()).isEqualTo("This link is not valid");
    }

    @Test
    void aLink_cannotCompleteAnotherAccountsLogin_norSwapInAnotherProviderAccount() throws Exception {
        chromium.size(Chromium.PHONE);
        String alpha = boundAccount(local, "alpha", OWNER);
        String bravo = boundAccount(local, "bravo", OWNER);
        String bound = boundAccount(local, "bound-to-ops", Login.of("ops@example.com"));
        String alphasLink = issueLink(local, "alpha");
        String boundLink = issueLink(local, "bound-to-ops");
        Map<String, String> versions = Map.of(alpha, "1", bravo, "1", bound, "1");

        // bravo's operator starts a login; its code#state is pasted into alpha's link page
        String bravosUrl = operator(local, "POST", "/accounts/bravo/reauth")
                .path("authorizationUrl")
                .asText();
        String original = chromium.driver.getWindowHandle();
        chromium.driver.switchTo().newWindow(WindowType.TAB).get(bravosUrl);
        String bravosCode = chromium.codeOnThisPage(secrets);
        chromium.driver.close();
        chromium.driver.switchTo().window(original);
        chromium.driver.get(alphasLink);
        chromium.driver.findElement(By.id("code")).sendKeys(bravosCode, Keys.ENTER);
        assertThat(errorShown()).contains("belongs to a login for another account");

        // the person logs in as owner@example.com; the account belongs to ops@example.com
        chromium.driver.get(boundLink);
        assertThat(chromium.text("dl.facts")).contains("o***@example.com").doesNotContain("ops@example.com");
        chromium.driver.findElement(By.id("login")).click();
        String pasted = chromium.codeFromTheLoginWindow(original, secrets);
        chromium.driver.findElement(By.id("code")).sendKeys(pasted, Keys.ENTER);
        assertThat(errorShown()).contains("different provider account").doesNotContain("ops@example.com");
        chromium.screenshot("link-mismatch-phone.png");

        versions.forEach((id, version) -> assertThat(
                        local.aws().account(id).get(Accounts.TOKEN_VERSION).n())
                .as(id)
                .isEqualTo(version));
    }

    // ---- the browser

    private String errorShown() {
        return new WebDriverWait(chromium.driver, Chromium.WAIT)
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("error")))
                .getText();
    }

    /** Presses Tab {@code n} times; the id of the element focused after each press. */
    private List<String> tabThrough(int n) {
        List<String> focused = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chromium.keys(Keys.TAB);
            focused.add(chromium.focusedId());
        }
        return focused;
    }

    private void tabBackTo(String id) {
        for (int i = 0; i < 5 && !id.equals(chromium.focusedId()); i++) {
            chromium.keysBack();
        }
        assertThat(chromium.focusedId()).isEqualTo(id);
    }

    private String heading() {
        return chromium.text("h1");
    }

    // ---- the operator's side, over the local API (IAM routes carry the local principal)

    /** An account bound to {@code login}: seeded, then re-authenticated once through the operator's routes. */
    private String boundAccount(LocalDeployment deployment, String name, Login login) throws Exception {
        String id = deployment.aws().seedAccount(name, Map.of());
        String url = operator(deployment, "POST", "/accounts/" + name + "/reauth")
                .path("authorizationUrl")
                .asText();
        String pasted = deployment.provider().authorize(url, login).pasted();
        JsonNode done = operator(
                deployment,
                "POST",
                "/oauth/callback",
                ReauthSystem.JSON.createObjectNode().put("code", pasted).toString());
        assertThat(done.path("success").asBoolean()).as(done.toString()).isTrue();
        return id;
    }

    /** POST /accounts/{name}/link: the link's address (its token joins the secrets no log may hold). */
    private String issueLink(LocalDeployment deployment, String name) throws Exception {
        String url = operator(deployment, "POST", "/accounts/" + name + "/link", "{\"bindFirstLogin\":true}")
                .path("url")
                .asText();
        assertThat(url).startsWith(deployment.api().baseUrl() + "/r/");
        secrets.add(ReauthSystem.tokenOf(url));
        return url;
    }

    private static JsonNode operator(LocalDeployment deployment, String method, String path) throws Exception {
        return operator(deployment, method, path, null);
    }

    private static JsonNode operator(LocalDeployment deployment, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(deployment.api().baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as(method + " " + path + ": " + response.body())
                .isEqualTo(200);
        return ReauthSystem.JSON.readTree(response.body());
    }
}
