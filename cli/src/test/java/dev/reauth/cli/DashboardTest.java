package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's local server over raw HTTP (so that Host and Origin can be anything a browser or another
 * process could send), in front of a fake reauth API: who it answers, what it proxies, which headers it sends.
 */
class DashboardTest {

    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

    private FakeApi api;
    private Dashboard dashboard;
    private String origin;
    private String secret;

    @BeforeEach
    void start() throws Exception {
        api = new FakeApi();
        ApiClient client = new ApiClient(
                api.url(), Optional.empty(), new Debug(null, new PrintStream(OutputStream.nullOutputStream())));
        dashboard = Dashboard.start(
                new DashboardActions(
                        client, ProviderHosts.forApi(client.base(), Map.of()), Clock.fixed(NOW, ZoneOffset.UTC)),
                0);
        URI url = dashboard.url();
        origin = "http://127.0.0.1:" + url.getPort();
        secret = url.getPath().split("/")[1];
    }

    @AfterEach
    void stop() {
        dashboard.close();
        api.close();
    }

    // ---- who is answered

    @Test
    void address_isLoopback_onAPort_withA256BitSecret_newEachRun() {
        assertThat(dashboard.url().toString()).matches("http://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{43}/");
        try (Dashboard second = Dashboard.start(new DashboardActions(null, null, Clock.systemUTC()), 0)) {
            assertThat(second.url().getPath()).isNotEqualTo(dashboard.url().getPath());
        }
    }

    @Test
    void page_isServedUnderTheSecret_withTheLinkPagesSecurityHeaders() throws Exception {
        RawHttp.Answer page = get("/" + secret + "/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers())
                .containsEntry("content-type", "text/html; charset=utf-8")
                .containsEntry(
                        "content-security-policy",
                        "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
                .containsEntry("cache-control", "no-store")
                .containsEntry("x-content-type-options", "nosniff")
                .containsEntry("referrer-policy", "no-referrer")
                .containsEntry("x-frame-options", "DENY");
        // the login steps first: dashboard.js binds its dialog with them
        assertThat(page.body())
                .contains(
                        "<script src=\"assets/login.js\" defer></script>\n<script src=\"assets/dashboard.js\" defer></script>")
                .doesNotContain("<style", "style=", "onclick", "http://", "https://");
        assertThat(get("/" + secret + "/assets/page.css").body()).contains("The link page");
        assertThat(get("/" + secret + "/assets/dashboard.js").headers())
                .containsEntry("content-type", "text/javascript; charset=utf-8");
        assertThat(get("/" + secret + "/assets/dashboard.css").status()).isEqualTo(200);
        RawHttp.Answer login = get("/" + secret + "/assets/login.js");
        assertThat(login.headers()).containsEntry("content-type", "text/javascript; charset=utf-8");
        assertThat(login.body()).contains("var reauthLogin", "The login page opened in a new window.");
    }

    @Test
    void withoutTheSecret_everythingIs404_withTheSameHeaders() throws Exception {
        String wrong = secret.substring(0, 42) + (secret.endsWith("A") ? "B" : "A");
        for (String path : new String[] {
            "/",
            "/" + wrong + "/",
            "/" + wrong + "/api/accounts",
            "/assets/page.css",
            "/api/accounts",
            "/" + secret.substring(1) + "/",
            "/x/" + secret + "/"
        }) {
            RawHttp.Answer answer = get(path);
            assertThat(answer.status()).as(path).isEqualTo(404);
            assertThat(answer.headers())
                    .as(path)
                    .containsEntry("cache-control", "no-store")
                    .containsKey("content-security-policy");
        }
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void theSecretWithoutItsSlash_redirectsToThePage() throws Exception {
        RawHttp.Answer answer = get("/" + secret);
        assertThat(answer.status()).isEqualTo(308);
        assertThat(answer.headers()).containsEntry("location", "/" + secret + "/");
    }

    @Test
    void anotherHostName_isRefused_evenWithTheSecret_soADnsRebindingPageGetsNothing() throws Exception {
        api.answer("GET /accounts", 200, "{\"accounts\":[]}");
        int port = dashboard.url().getPort();
        for (String host :
                new String[] {"localhost:" + port, "evil.example:" + port, "127.0.0.1", "127.0.0.1:" + (port + 1), ""
                }) {
            RawHttp.Answer answer = send("GET", "/" + secret + "/api/accounts", Map.of("Host", host), null);
            assertThat(answer.status()).as(host).isEqualTo(421);
        }
        assertThat(send("GET", "/" + secret + "/", Map.of("Host", "attacker.example"), null)
                        .body())
                .doesNotContain("dashboard.js");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void stateChanges_needTheDashboardsOwnOrigin_andJson() throws Exception {
        String path = "/" + secret + "/api/accounts/work/reauth";

        assertThat(post(path, "{}", Map.of("Origin", "http://evil.example")).status())
                .isEqualTo(403);
        assertThat(post(path, "{}", Map.of("Origin", "null")).status()).isEqualTo(403);
        assertThat(post(
                                path,
                                "{}",
                                Map.of(
                                        "Origin",
                                        "http://localhost:" + dashboard.url().getPort()))
                        .status())
                .isEqualTo(403);
        assertThat(send("POST", path, Map.of("Content-Type", "application/json"), "{}")
                        .status())
                .as("no Origin")
                .isEqualTo(403);
        assertThat(post(path, "{}", Map.of("Origin", origin, "Content-Type", "text/plain"))
                        .status())
                .isEqualTo(415);
        assertThat(post(path, "{}", Map.of("Origin", origin, "Content-Type", "application/x-www-form-urlencoded"))
                        .status())
                .isEqualTo(415);
        assertThat(post(path, "{}", Map.of("Origin", origin, "Sec-Fetch-Site", "cross-site"))
                        .status())
                .isEqualTo(403);
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void theListToo_isRefused_toAnotherSitesFetch() throws Exception {
        assertThat(send("GET", "/" + secret + "/api/accounts", Map.of("Sec-Fetch-Site", "cross-site"), null)
                        .status())
                .isEqualTo(403);
        assertThat(send("GET", "/" + secret + "/api/accounts", Map.of("Sec-Fetch-Site", "same-site"), null)
                        .status())
                .isEqualTo(403);
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void onlyTheFixedOperations_areProxied_neverAnyOtherApiRoute() throws Exception {
        String base = "/" + secret + "/api/";
        assertThat(post(base + "accounts/work/refresh", "{}").status()).isEqualTo(404);
        assertThat(post(base + "accounts/import", "{}").status())
                .as("POST api/accounts/import is not a route")
                .isEqualTo(404);
        assertThat(post(base + "oauth/callback", "{\"code\":\"c#s\"}").status()).isEqualTo(404);
        assertThat(post(base + "accounts/work/reauth/extra", "{}").status()).isEqualTo(404);
        assertThat(post(base + "accounts/a%2Fb/reauth", "{}").status())
                .as("a slash inside a name")
                .isEqualTo(404);
        assertThat(send("DELETE", base + "accounts/work/link", Map.of("Origin", origin), null)
                        .status())
                .isEqualTo(405);
        assertThat(get(base + "accounts/work/reauth").status()).isEqualTo(405);
        assertThat(send("PUT", "/" + secret + "/", Map.of(), null).status()).isEqualTo(405);
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aBodyOver16KiB_isRefusedUnsent() throws Exception {
        assertThat(post("/" + secret + "/api/accounts", "{\"name\":\"" + "x".repeat(17 * 1024) + "\"}")
                        .status())
                .isEqualTo(413);
        assertThat(api.requests()).isEmpty();
    }

    // ---- what the operations do

    @Test
    void list_rendersTheStacksVerdict_lastSuccessApartFromLastAttempt_andTheLastAlerts_sortedByName() throws Exception {
        api.answer(
                "GET /accounts",
                200,
                "{\"accounts\":[" + "{\"id\":\"2\",\"name\":\"spare\",\"mode\":\"max\",\"tokenVersion\":10,"
                        + "\"expiresAt\":\"2030-01-01T11:55:00Z\",\"requiresReauth\":true,\"reauthReason\":\"invalid_grant\","
                        + "\"reauthRequiredAt\":\"2030-01-01T10:55:00Z\",\"lastRefreshAt\":\"2030-01-01T04:00:00Z\",\"lastRefreshResult\":\"dead\","
                        + "\"refreshFailures\":0,\"health\":{\"state\":\"dead\",\"reasons\":[\"invalid_grant\"],"
                        + "\"summary\":\"requires re-authentication since 1h 5m ago; proxies do not use it\","
                        + "\"fix\":\"reauth --reauthenticate spare\",\"lastSuccessAt\":\"2030-01-01T04:00:00Z\","
                        + "\"lastAttemptAt\":\"2030-01-01T10:55:00Z\",\"lastAttemptResult\":\"dead\","
                        + "\"recentAlerts\":[{\"kind\":\"dead\",\"at\":\"2030-01-01T10:55:00Z\"},{\"kind\":\"failing\",\"at\":null}]}},"
                        + "{\"id\":\"1\",\"name\":\"work\",\"mode\":\"max\",\"tokenVersion\":15,\"expiresAt\":\"2030-01-01T19:12:00Z\","
                        + "\"identity\":{\"email\":\"ops@example.com\",\"organizationName\":\"Ops\"},\"lastRefreshAt\":\"2030-01-01T11:12:00Z\","
                        + "\"lastRefreshResult\":\"provider_error\",\"refreshCount\":14,\"refreshFailures\":1,"
                        + "\"health\":{\"state\":\"refreshing\",\"reasons\":[\"retrying\"],"
                        + "\"summary\":\"1 refresh in a row failed (last: provider_error); the next try is due in 2m\","
                        + "\"fix\":null,\"lastSuccessAt\":\"2030-01-01T11:12:00Z\",\"lastAttemptAt\":\"2030-01-01T11:57:00Z\","
                        + "\"lastAttemptResult\":\"provider_error\",\"recentAlerts\":[]}}]}");

        RawHttp.Answer answer = get("/" + secret + "/api/accounts");

        assertThat(answer.status()).isEqualTo(200);
        JsonNode accounts = answer.json().path("accounts");
        assertThat(accounts.findValuesAsText("name")).containsExactly("spare", "work");
        JsonNode spare = accounts.get(0);
        assertThat(spare.path("state").asText()).isEqualTo("dead");
        assertThat(spare.path("healthy").asBoolean()).isFalse();
        assertThat(spare.path("health").asText())
                .isEqualTo(
                        "Dead (invalid_grant): requires re-authentication since 1h 5m ago;" + " proxies do not use it");
        assertThat(spare.path("fix").asText()).isEqualTo("reauth --reauthenticate spare");
        assertThat(spare.path("alerts").asText()).isEqualTo("dead 1h 5m ago, failing");
        assertThat(spare.path("reauth").asText()).isEqualTo("yes (invalid_grant, 1h 5m ago)");
        assertThat(spare.path("expiresIn").asText()).isEqualTo("expired 5m ago");
        assertThat(spare.path("identity").asText()).isEqualTo("not recorded yet");
        JsonNode work = accounts.get(1);
        // the stack says refreshing: green, though its last attempt failed
        assertThat(work.path("healthy").asBoolean()).isTrue();
        assertThat(work.path("health").asText())
                .isEqualTo(
                        "Refreshing (retrying): 1 refresh in a row failed (last: provider_error); the next try is due in 2m");
        assertThat(work.path("fix").isNull()).isTrue();
        assertThat(work.path("identity").asText()).isEqualTo("ops@example.com (Ops)");
        assertThat(work.path("lastSuccess").asText()).isEqualTo("48m ago");
        assertThat(work.path("lastAttempt").asText()).isEqualTo("3m ago (provider_error)");
        assertThat(work.path("alerts").asText()).isEqualTo("none");
        assertThat(work.path("tokenVersion").asLong()).isEqualTo(15);
        assertThat(answer.headers())
                .containsEntry("content-type", "application/json")
                .containsEntry("cache-control", "no-store");
    }

    @Test
    void list_fromAStackThatServesNoVerdict_saysSoOnEveryCard() throws Exception {
        api.answer(
                "GET /accounts",
                200,
                "{\"accounts\":[{\"id\":\"1\",\"name\":\"work\",\"mode\":\"max\",\"tokenVersion\":15,"
                        + "\"expiresAt\":\"2030-01-01T19:12:00Z\"}]}");

        JsonNode work =
                get("/" + secret + "/api/accounts").json().path("accounts").get(0);

        assertThat(work.path("healthy").asBoolean()).isFalse();
        assertThat(work.path("state").asText()).isEqualTo("unknown");
        assertThat(work.path("health").asText()).isEqualTo(StackVerdict.NOT_SERVED);
    }

    @Test
    void reauthenticate_handsOverTheProvidersUrl_thenTakesThisLoginsCode_andSaysWhatTheCliSays() throws Exception {
        api.answer("POST /accounts/work/reauth", 200, FakeApi.loginStarted(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        RawHttp.Answer start = post("/" + secret + "/api/accounts/work/reauth", "{}");
        RawHttp.Answer otherLogin = post("/" + secret + "/api/accounts/work/complete", "{\"code\":\"old#S0\"}");
        RawHttp.Answer done = post("/" + secret + "/api/accounts/work/complete", "{\"code\":\"new#S1\"}");

        assertThat(start.json().path("authorizationUrl").asText())
                .isEqualTo(api.url() + "/authorize?code=true&client_id=c&state=S1");
        assertThat(otherLogin.status()).isEqualTo(400);
        assertThat(otherLogin.json().path("error_description").asText())
                .isEqualTo("That code belongs to another login; paste the code for this one.");
        assertThat(done.json().path("message").asText())
                .isEqualTo("Account 'work' (ops@example.com) has been successfully re-authenticated");
        assertThat(done.json().path("detail").asText()).isEqualTo("Token cache has been cleared for running servers");
        assertThat(api.bodiesSentTo("/oauth/callback")).containsExactly("{\"code\":\"new#S1\"}");
        assertThat(api.bodiesSentTo("/accounts/work/reauth")).containsExactly("");
    }

    @Test
    void aCodePastedBeforeThisDashboardStartedALogin_isRefused_andNothingIsSent() throws Exception {
        api.answer("POST /oauth/callback", 200, FakeApi.REAUTHENTICATED);

        RawHttp.Answer early = post("/" + secret + "/api/accounts/work/complete", "{\"code\":\"someone-elses#S9\"}");

        assertThat(early.status()).isEqualTo(400);
        assertThat(early.json().path("error_description").asText())
                .isEqualTo("Press Log in first: this dashboard has started no login for this account.");
        assertThat(api.bodiesSentTo("/oauth/callback")).isEmpty();
    }

    @Test
    void anAuthorizationUrlOnAHostThatIsNoProvider_isNotHandedToTheBrowser() throws Exception {
        api.answer("POST /accounts/work/reauth", 200, FakeApi.loginStarted("https://login.evil.example/authorize"));

        RawHttp.Answer start = post("/" + secret + "/api/accounts/work/reauth", "{}");

        assertThat(start.status()).isEqualTo(502);
        assertThat(start.body())
                .doesNotContain("https://login.evil.example/authorize")
                .contains("not a provider host");
    }

    @Test
    void aCodeTheProviderRefuses_saysPasteAgain_andAnUnknownAccountSaysNotFound() throws Exception {
        api.answer("POST /accounts/work/reauth", 200, FakeApi.loginStarted(api.url() + "/authorize"))
                .answer("POST /oauth/callback", 400, "{\"error\":\"invalid_grant\",\"error_description\":\"bad code\"}")
                .answer(
                        "POST /accounts/ghost/reauth",
                        404,
                        "{\"error\":\"account_not_found\",\"error_description\":\"No account\"}");

        post("/" + secret + "/api/accounts/work/reauth", "{}");
        RawHttp.Answer refused = post("/" + secret + "/api/accounts/work/complete", "{\"code\":\"typo#S1\"}");
        RawHttp.Answer ghost = post("/" + secret + "/api/accounts/ghost/reauth", "{}");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("error_description").asText())
                .startsWith("The provider did not accept that code. Paste it again");
        assertThat(ghost.status()).isEqualTo(404);
        assertThat(ghost.json().path("error_description").asText()).isEqualTo("Account 'ghost' not found.");
    }

    @Test
    void addAccount_sendsNameAndMode_andRefusesAModeThatIsNone() throws Exception {
        api.answer("POST /accounts", 200, FakeApi.loginStarted(api.url() + "/authorize"));

        assertThat(post("/" + secret + "/api/accounts", "{\"name\":\"new one\",\"mode\":\"console\"}")
                        .status())
                .isEqualTo(200);
        RawHttp.Answer badMode = post("/" + secret + "/api/accounts", "{\"name\":\"x\",\"mode\":\"pro\"}");
        RawHttp.Answer noName = post("/" + secret + "/api/accounts", "{\"mode\":\"max\"}");
        RawHttp.Answer notJson = post("/" + secret + "/api/accounts", "name=x");

        assertThat(api.bodiesSentTo("/accounts")).containsExactly("{\"name\":\"new one\",\"mode\":\"console\"}");
        assertThat(badMode.status()).isEqualTo(400);
        assertThat(noName.json().path("error_description").asText()).isEqualTo("Give the new account a name.");
        assertThat(notJson.status()).isEqualTo(400);
    }

    @Test
    void link_isCreatedForTheNamedAccount_aNameWithASpaceIncluded() throws Exception {
        api.answer(
                "POST /accounts/team a/link",
                200,
                "{\"account\":\"team a\",\"url\":\"http://127.0.0.1:9/r/TOKEN\","
                        + "\"expiresAt\":\"2030-01-02T12:00:00Z\"}");

        RawHttp.Answer link = post("/" + secret + "/api/accounts/team%20a/link", "{}");

        assertThat(link.status()).isEqualTo(200);
        assertThat(link.json().path("url").asText()).isEqualTo("http://127.0.0.1:9/r/TOKEN");
        assertThat(link.json().path("expiresAt").asText()).isEqualTo("2030-01-02T12:00:00Z");
    }

    @Test
    void reload_saysWhatTheReloadCommandSays() throws Exception {
        api.answer("POST /accounts/by-name/work/reload", 200, "{\"message\":\"Reload requested for account 'work'\"}")
                .answer(
                        "POST /accounts/by-name/nobody/reload",
                        404,
                        "{\"error\":\"account_not_found\",\"error_description\":\"No account named 'nobody'\"}");

        RawHttp.Answer reload = post("/" + secret + "/api/accounts/work/reload", "{}");
        RawHttp.Answer unknown = post("/" + secret + "/api/accounts/nobody/reload", "{}");

        assertThat(reload.json().path("message").asText()).isEqualTo("Reload requested for account 'work'");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void anUnreachableApi_isAPlainSentence() throws Exception {
        api.close();

        RawHttp.Answer answer = get("/" + secret + "/api/accounts");

        assertThat(answer.status()).isEqualTo(502);
        assertThat(answer.json().path("error_description").asText()).startsWith("Cannot reach the reauth API at");
    }

    @Test
    void anUnexpectedFailure_isA500_namingItsTypeOnly() throws Exception {
        try (Dashboard broken = Dashboard.start(new DashboardActions(null, null, Clock.systemUTC()), 0)) {
            RawHttp.Answer answer = RawHttp.send(
                    broken.url().getPort(), "GET", broken.url().getPath() + "api/accounts", Map.of(), null);

            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.json().path("error_description").asText())
                    .isEqualTo("The dashboard failed unexpectedly (NullPointerException); try again.");
        }
    }

    // ---- raw HTTP

    private RawHttp.Answer get(String path) throws IOException {
        return send("GET", path, Map.of(), null);
    }

    private RawHttp.Answer post(String path, String body) throws IOException {
        return post(path, body, Map.of());
    }

    /** A POST as the dashboard's page sends it (its Origin, JSON, same-origin), with {@code headers} replacing any of those. */
    private RawHttp.Answer post(String path, String body, Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(
                Map.of("Origin", origin, "Content-Type", "application/json", "Sec-Fetch-Site", "same-origin"));
        all.putAll(headers);
        return send("POST", path, all, body);
    }

    private RawHttp.Answer send(String method, String path, Map<String, String> headers, String body)
            throws IOException {
        return RawHttp.send(dashboard.url().getPort(), method, path, headers, body);
    }
}
