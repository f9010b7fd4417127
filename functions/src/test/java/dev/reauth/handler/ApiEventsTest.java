package dev.reauth.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.reauth.domain.Alert;
import dev.reauth.domain.InMemoryBackend;
import dev.reauth.domain.InMemoryLedger;
import dev.reauth.domain.OAuthSession;
import dev.reauth.domain.SessionIntent;
import dev.reauth.http.ReauthApi;
import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.ProviderIdentity;
import dev.reauth.refresh.ScheduledRefresh;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenEvent;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * Every events/ file through its function's handler, over in-memory ports: the file is loaded as
 * the official event type (so the Lambda runtime's own types vouch for it), its bytes go to the stream
 * handler as the runtime sends them, and the status, headers and body that come back are asserted.
 */
class ApiEventsTest {

    static final Instant NOW = ApiFixture.NOW;
    static final String DEMO_ID = ApiFixture.DEMO_ID;
    static final String OPERATOR = "arn:aws:iam::123456789012:user/operator";
    static final Map<String, String> JSON_HEADERS = Map.of(
            "Content-Type",
            "application/json",
            "Cache-Control",
            "no-store",
            "Pragma",
            "no-cache",
            "Referrer-Policy",
            "no-referrer",
            "X-Content-Type-Options",
            "nosniff");
    static final Map<String, String> HTML_HEADERS = Map.of(
            "Content-Type",
            "text/html; charset=utf-8",
            "Cache-Control",
            "no-store",
            "Pragma",
            "no-cache",
            "Referrer-Policy",
            "no-referrer",
            "X-Content-Type-Options",
            "nosniff",
            "X-Frame-Options",
            "DENY",
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");

    final ApiFixture fixture = new ApiFixture();
    final InMemoryBackend backend = fixture.backend;
    final InMemoryLedger ledger = fixture.ledger;
    final ReauthApi api = fixture.api;

    @ParameterizedTest
    @Event(value = "events/start-reauth.json", type = APIGatewayV2HTTPEvent.class)
    void startReauth_answersTheAuthorizationUrl_andStoresTheCallersSession(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        Map<String, Object> body = response.json();
        assertThat(body)
                .containsOnlyKeys("account", "mode", "authorizationUrl", "expiresAt")
                .containsEntry("account", "demo")
                .containsEntry("mode", "max")
                .containsEntry("expiresAt", "2026-11-26T19:46:00Z");
        String url = (String) body.get("authorizationUrl");
        assertThat(url).startsWith("https://claude.com/cai/oauth/authorize?");
        String state = url.substring(url.indexOf("&state=") + "&state=".length());
        OAuthSession session =
                backend.sessions.get(new OAuthState(state).hash()).session();
        assertThat(session.intent()).isEqualTo(SessionIntent.REAUTH);
        assertThat(session.accountId()).isEqualTo(DEMO_ID);
        assertThat(session.baseTokenVersion()).isEqualTo(4);
        assertThat(session.initiator()).contains(OPERATOR);
        assertThat(url).contains("code_challenge=" + session.verifier().s256Challenge());
    }

    @ParameterizedTest
    @Event(value = "events/start-reauth-unknown-account.json", type = APIGatewayV2HTTPEvent.class)
    void startReauth_ofAnUnknownAccount_is404_andStoresNothing(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo(
                        "{\"error\":\"account_not_found\",\"error_description\":\"No account named 'no-such-account'\"}");
        assertThat(backend.sessions).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/add-account.json", type = APIGatewayV2HTTPEvent.class)
    void addAccount_startsAnAddSession_forTheNewName(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.json()).containsEntry("account", "new-account").containsEntry("mode", "max");
        assertThat(backend.sessions.values()).singleElement().satisfies(stored -> {
            assertThat(stored.session().intent()).isEqualTo(SessionIntent.ADD);
            assertThat(stored.session().accountName()).isEqualTo("new-account");
        });
    }

    @ParameterizedTest
    @Event(value = "events/callback-pasted-code.json", type = APIGatewayV2HTTPEvent.class)
    void pastedCallback_exchangesTheCodeOnce_writesTheTokens_andTellsTheFleet(
            APIGatewayV2HTTPEvent event, TestInfo test) {
        openSession("PASTE-THE-STATE-HERE-0123456789", NOW.plusSeconds(300));

        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new CallbackHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo(
                        "{\"success\":true,\"message\":\"Account 'demo' has been successfully re-authenticated\","
                                + "\"accountId\":\"5f0c7a1e-demo-account-id\",\"tokenVersion\":5,\"cacheFlush\":\"published\"}");
        assertThat(backend.exchangedCodes).containsExactly("PASTE-THE-CODE-HERE");
        assertThat(backend.published)
                .containsExactly(new TokenEvent(TokenEvent.TOKENS_ROTATED, DEMO_ID, "demo", 5, NOW));

        EventFile.Response replay = EventFile.of(test).sendTo(new CallbackHandler(api));
        assertThat(replay.status()).isEqualTo(409);
        assertThat(replay.json()).containsEntry("error", "session_used");
        assertThat(backend.exchangedCodes).hasSize(1);
    }

    @ParameterizedTest
    @Event(value = "events/callback-expired-session.json", type = APIGatewayV2HTTPEvent.class)
    void pastedCallback_ofAnExpiredSession_is410_andExchangesNothing(APIGatewayV2HTTPEvent event, TestInfo test) {
        openSession("state-of-a-session-that-expired-00000", NOW.minusSeconds(1));

        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new CallbackHandler(api));

        assertThat(response.status()).isEqualTo(410);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.json()).containsEntry("error", "session_expired");
        assertThat(response.body()).doesNotContain("a-code-for-a-session-that-expired", "state-of-a-session");
        assertThat(backend.exchangedCodes).isEmpty();
        assertThat(backend.published).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/callback-browser.json", type = APIGatewayV2HTTPEvent.class)
    void browserCallback_completes_withAnHtmlPageThatShowsNoSecret(APIGatewayV2HTTPEvent event, TestInfo test) {
        openSession("THE-STATE-FROM-THE-REDIRECT-0123", NOW.plusSeconds(300));

        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new CallbackHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(HTML_HEADERS);
        assertThat(response.body())
                .startsWith("<!doctype html>")
                .contains("<h1>Account &#39;demo&#39; has been successfully re-authenticated</h1>")
                .contains("Token cache has been cleared for running servers")
                .doesNotContain("THE-CODE-FROM-THE-REDIRECT", "THE-STATE-FROM-THE-REDIRECT");
        assertThat(backend.exchangedCodes).containsExactly("THE-CODE-FROM-THE-REDIRECT");
    }

    @ParameterizedTest
    @Event(value = "events/callback-provider-error.json", type = APIGatewayV2HTTPEvent.class)
    void browserCallback_withTheProvidersError_showsOnlyItsCode_andLeavesTheSessionOpen(
            APIGatewayV2HTTPEvent event, TestInfo test) {
        String stateHash = openSession("THE-STATE-FROM-THE-REDIRECT-0123", NOW.plusSeconds(300));

        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new CallbackHandler(api));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.headers()).isEqualTo(HTML_HEADERS);
        assertThat(response.body())
                .contains("<h1>Authorization was not granted</h1>")
                .contains("The provider answered access_denied")
                .doesNotContain("The user denied the request");
        assertThat(backend.sessions.get(stateHash).claimId()).isNull();
        assertThat(backend.sessions.get(stateHash).consumed()).isFalse();
        assertThat(backend.exchangedCodes).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/reload.json", type = APIGatewayV2HTTPEvent.class)
    void reload_tellsTheFleetAtTheCurrentVersion(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new ReloadHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo("{\"success\":true,\"message\":\"Token reload triggered for account 'demo'\"}");
        assertThat(backend.published)
                .containsExactly(new TokenEvent(TokenEvent.RELOAD_REQUESTED, DEMO_ID, "demo", 4, NOW));
    }

    @ParameterizedTest
    @Event(value = "events/reload-by-name.json", type = APIGatewayV2HTTPEvent.class)
    void reloadByName_tellsTheFleetAtTheCurrentVersion_asReloadByIdDoes(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new ReloadHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo("{\"success\":true,\"message\":\"Token reload triggered for account 'demo'\"}");
        assertThat(backend.published)
                .containsExactly(new TokenEvent(TokenEvent.RELOAD_REQUESTED, DEMO_ID, "demo", 4, NOW));
    }

    @ParameterizedTest
    @Event(value = "events/reload-by-name.json", type = APIGatewayV2HTTPEvent.class)
    void reloadByName_ofAnUnknownName_is404_andTellsNobody(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test)
                .with(text -> text.replace("\"name\": \"demo\"", "\"name\": \"no-such-account\""))
                .sendTo(new ReloadHandler(api));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo(
                        "{\"error\":\"account_not_found\",\"error_description\":\"No account named 'no-such-account'\"}");
        assertThat(backend.published).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/list-accounts.json", type = APIGatewayV2HTTPEvent.class)
    void listAccounts_showsTokenStatus_andNoTokenMaterial(APIGatewayV2HTTPEvent event, TestInfo test) {
        ledger.keepAlive(DEMO_ID, tokens("sk-ant-oat01-held", "sk-ant-ort01-held"), NOW.plusSeconds(600));

        EventFile.Response response = EventFile.of(test).readsAs(event).sendTo(new ListAccountsHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo("{\"accounts\":[{\"id\":\"5f0c7a1e-demo-account-id\",\"name\":\"demo\",\"mode\":\"max\","
                        + "\"requiresReauth\":false,\"tokenVersion\":4,\"refreshFailures\":0,\"refreshCount\":0,"
                        // the directory double records no expiry: the stack's verdict is that it holds no tokens
                        + "\"health\":{\"state\":\"dead\",\"reasons\":[\"no_tokens\"],"
                        + "\"summary\":\"reauth holds no tokens for it (never logged in through reauth)\","
                        + "\"fix\":\"reauth --reauthenticate demo\",\"nextDueAt\":null,\"lastSuccessAt\":null,"
                        + "\"lastAttemptAt\":null,\"lastAttemptResult\":null,\"recentAlerts\":[]}}],"
                        + "\"health\":{\"evaluatedAt\":\"2026-11-26T19:36:00Z\",\"leadSeconds\":3600,"
                        + "\"schedulePeriodSeconds\":300,\"overdueAfterSeconds\":600,\"failingAfter\":3,"
                        + "\"expiringWithinSeconds\":259200}}");
    }

    @ParameterizedTest
    @Event(value = "events/refresh.json", type = APIGatewayV2HTTPEvent.class)
    void refresh_onTheProxysVersion_refreshesOnce_andAStaleRepeatIsCurrent(APIGatewayV2HTTPEvent event, TestInfo test) {
        ledger.keepAlive(DEMO_ID, tokens("sk-ant-oat01-held", "sk-ant-ort01-held"), NOW.plusSeconds(600));
        EventFile file = EventFile.of(test).readsAs(event);

        EventFile.Response response = file.sendTo(new RefreshHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo("{\"accountId\":\"5f0c7a1e-demo-account-id\",\"status\":\"refreshed\","
                        + "\"tokenVersion\":5,\"expiresAt\":\"2026-11-27T03:36:00Z\"}");
        assertThat(backend.redeemedRefreshTokens).containsExactly("sk-ant-ort01-held");
        assertThat(backend.published)
                .containsExactly(new TokenEvent(TokenEvent.TOKENS_ROTATED, DEMO_ID, "demo", 5, NOW));

        // a second proxy that got a 401 on version 4 gets version 5, without another provider call
        EventFile.Response repeat = file.sendTo(new RefreshHandler(api));
        assertThat(repeat.body())
                .isEqualTo("{\"accountId\":\"5f0c7a1e-demo-account-id\",\"status\":\"current\",\"tokenVersion\":5}");
        assertThat(backend.redeemedRefreshTokens).hasSize(1);
    }

    @ParameterizedTest
    @Event(value = "events/adopt-tokens.json", type = APIGatewayV2HTTPEvent.class)
    void adoptTokens_onTheBaseVersion_adoptsThem_alerts_andRefusesASecondAdoption(
            APIGatewayV2HTTPEvent event, TestInfo test) {
        ledger.keepAlive(DEMO_ID, tokens("sk-ant-oat01-held", "sk-ant-ort01-held"), NOW.plusSeconds(600));
        backend.profiles.put(
                "sk-ant-oat01-EXAMPLE-adopted",
                new ProviderIdentity("uuid-demo", Optional.empty(), Optional.empty(), Optional.empty()));
        EventFile file = EventFile.of(test).readsAs(event);

        EventFile.Response response = file.sendTo(new RefreshHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).isEqualTo(JSON_HEADERS);
        assertThat(response.body())
                .isEqualTo("{\"accountId\":\"5f0c7a1e-demo-account-id\",\"status\":\"adopted\",\"tokenVersion\":5}");
        // the demo account was bound to no identity: the one the provider named for the tokens binds it
        assertThat(backend.boundIdentities()).containsEntry(DEMO_ID, "uuid-demo");
        assertThat(backend.sealedBundles.get(DEMO_ID))
                .isEqualTo(new TokenBundle(
                        "sk-ant-oat01-EXAMPLE-adopted",
                        "sk-ant-ort01-EXAMPLE-adopted",
                        "Bearer",
                        Optional.of("user:inference"),
                        Optional.empty()));
        assertThat(backend.alerts).extracting(Alert::kind).containsExactly(Alert.Kind.SECOND_REFRESHER);
        assertThat(backend.published)
                .containsExactly(new TokenEvent(TokenEvent.TOKENS_ROTATED, DEMO_ID, "demo", 5, NOW));

        EventFile.Response again = file.sendTo(new RefreshHandler(api));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json()).containsEntry("error", "version_moved");
        assertThat(again.body()).doesNotContain("EXAMPLE-adopted");
    }

    @ParameterizedTest
    @Event(value = "events/import-account.json", type = APIGatewayV2HTTPEvent.class)
    void importAccount_createsItOnce_andAnImportAgainChangesNothing(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile file = EventFile.of(test).readsAs(event);

        EventFile.Response created = file.sendTo(new RefreshHandler(api));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.headers()).isEqualTo(JSON_HEADERS);
        Map<String, Object> body = created.json();
        assertThat(body)
                .containsOnlyKeys("accountId", "name", "status", "tokenVersion", "bound")
                // the provider does not know the example's access token: imported unbound
                .containsEntry("bound", false)
                .containsEntry("name", "imported")
                .containsEntry("status", "created")
                .containsEntry("tokenVersion", 1L);
        String id = (String) body.get("accountId");
        assertThat(backend.sealedBundles.get(id).refreshToken()).isEqualTo("sk-ant-ort01-EXAMPLE-imported");
        assertThat(created.body()).doesNotContain("sk-ant");

        EventFile.Response again = file.sendTo(new RefreshHandler(api));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json()).containsEntry("accountId", id).containsEntry("status", "exists");
    }

    @ParameterizedTest
    @Event(value = "events/refresh-schedule.json", type = ScheduledEvent.class)
    void schedule_refreshesWhatIsDue_andAnswersTheRunsSummary(ScheduledEvent event, TestInfo test) {
        assertThat(event.getSource()).isEqualTo("aws.events");
        assertThat(event.getDetailType()).isEqualTo("Scheduled Event");
        ledger.keepAlive(DEMO_ID, tokens("sk-ant-oat01-held", "sk-ant-ort01-held"), NOW.plusSeconds(600));
        RefreshHandler handler = new RefreshHandler(
                api,
                new ScheduledRefresh(ledger, fixture.refresher, fixture.settings, Duration.ofSeconds(5), fixture.clock),
                fixture.clock);

        Map<String, Object> summary = EventFile.of(test).sendToForJson(handler);

        assertThat(summary)
                .isEqualTo(Map.ofEntries(
                        Map.entry("due", 1L),
                        Map.entry("refreshed", 1L),
                        Map.entry("current", 0L),
                        Map.entry("failed", 0L),
                        Map.entry("dead", 0L),
                        Map.entry("throttled", 0L),
                        Map.entry("leftForNextRun", 0L),
                        Map.entry("rescueLanded", 0L),
                        Map.entry("rescuePending", 0L)));
        assertThat(backend.redeemedRefreshTokens).containsExactly("sk-ant-ort01-held");
        assertThat(backend.accounts.get(DEMO_ID).tokenVersion()).isEqualTo(5);
    }

    /** A session for the demo account under a state an events/ file carries. */
    String openSession(String state, Instant expiresAt) {
        String hash = new OAuthState(state).hash();
        backend.create(new OAuthSession(
                hash,
                SessionIntent.REAUTH,
                DEMO_ID,
                "demo",
                AccountMode.MAX,
                CodeVerifier.generate(new SecureRandom()),
                ProviderConfig.anthropic().redirectUri(),
                Optional.of(OPERATOR),
                expiresAt.minusSeconds(600),
                expiresAt,
                4,
                false,
                false));
        return hash;
    }

    static TokenBundle tokens(String access, String refresh) {
        return new TokenBundle(access, refresh, "Bearer", Optional.of("user:inference"), Optional.empty());
    }
}
