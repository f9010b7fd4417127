package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.local.LambdaRuntimeEmulator;
import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.local.RefreshGrants;
import dev.reauth.local.TemplateFunction;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.Schema.Sessions;
import dev.reauth.wire.TokenBundle;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a re-auth link can reach: its one account's re-authentication, nothing else. Not another
 * account's session, not another provider account, not an add, a list or a token; its page names the
 * account and the provider login, and sends the security headers. A dead account's alert carries one.
 */
class LinkScopeIT extends LinkSystemIT {

    private static final Pattern LINK_IN_TEXT = Pattern.compile(Pattern.quote(WEB_BASE_URL) + "/r/[A-Za-z0-9_-]{43}");

    @Test
    void page_namesTheAccountAndItsProviderLogin_sendsTheSecurityHeaders_andNeverTheToken() {
        boundAccount("page-shown", OPS);
        String token = system.issuedLinkToken("page-shown");

        LambdaResponse page = system.linkPage(token);

        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(page.getBody())
                .contains("page-shown")
                .contains("o***@example.com")
                .doesNotContain("ops@example.com")
                .contains("Log in")
                .contains("<label for=\"code\">")
                .doesNotContain(token)
                .doesNotContain("<style")
                .doesNotContain("<script>")
                .doesNotContain(" style=")
                .doesNotContain(" onclick=");
        assertThat(page.getHeaders())
                .containsEntry("Content-Type", "text/html; charset=utf-8")
                .containsEntry("Cache-Control", "no-store")
                .containsEntry("X-Content-Type-Options", "nosniff")
                .containsEntry("X-Frame-Options", "DENY")
                .containsEntry("Referrer-Policy", "no-referrer");
        assertThat(page.getHeaders().get("Content-Security-Policy"))
                .startsWith("default-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
        // every answer of the web function carries them, refusals and assets included
        for (LambdaResponse other : List.of(system.linkStart("x"), system.linkPage("A".repeat(43)))) {
            assertThat(other.getHeaders())
                    .containsEntry("Cache-Control", "no-store")
                    .containsEntry("X-Frame-Options", "DENY");
        }
    }

    @Test
    void unknownOrMalformedTokens_getTheNotValidPage_withoutEchoingThem_andMalformedOnesCostNoLookup() {
        String unknown = "B".repeat(43);
        LambdaResponse page = system.linkPage(unknown);
        assertThat(page.getStatusCode()).isEqualTo(404);
        assertThat(page.getBody()).contains("This link is not valid").doesNotContain(unknown);

        system.calls.drain();
        for (String malformed : List.of("tooSmall7", "C".repeat(44), "D".repeat(42) + "%")) {
            LambdaResponse refused = system.linkPage(malformed);
            assertThat(refused.getStatusCode()).isEqualTo(404);
            assertThat(refused.getBody()).doesNotContain(malformed);
            assertThat(json(system.linkStart(malformed)).path("error").asText()).isEqualTo("link_unknown");
        }
        assertThat(system.calls.drain()).isEmpty();
    }

    @Test
    void aCodeOfAnotherAccountsLogin_isRefused_andBothAccountsAndThatSessionStayAsTheyWere() {
        String alpha = boundAccount("alpha", OPS);
        String bravo = boundAccount("bravo", OPS);
        String token = system.issuedLinkToken("alpha");
        Map<String, AttributeValue> alphaBefore = system.account(alpha);
        Map<String, AttributeValue> bravoBefore = system.account(bravo);
        String bravosCode = system.provider
                .authorize(ReauthSystem.authorizationUrl(system.startReauth("bravo")), OPS)
                .pasted();

        LambdaResponse refused = system.linkComplete(token, bravosCode);

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(json(refused).path("error").asText()).isEqualTo("invalid_state");
        assertThat(json(refused).path("error_description").asText())
                .contains("another account")
                .doesNotContain("bravo");
        assertThat(system.account(alpha)).isEqualTo(alphaBefore);
        assertThat(system.account(bravo)).isEqualTo(bravoBefore);
        // bravo's operator still completes bravo's own session
        assertThat(system.pasteCode(bravosCode).getStatusCode()).isEqualTo(200);
        assertThat(system.linkPage(token).getStatusCode())
                .as("the link is not spent")
                .isEqualTo(200);
    }

    @Test
    void aCodeOfAnAddSession_isRefused_soALinkCannotAddAnAccount() {
        system.seedAccount("no-adds", Map.of());
        String token = system.issuedLinkToken("no-adds");
        String addCode = system.provider
                .authorize(
                        ReauthSystem.authorizationUrl(system.addAccount("{\"name\":\"smuggled\",\"mode\":\"max\"}")),
                        OPS)
                .pasted();

        LambdaResponse refused = system.linkComplete(token, addCode);

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(json(system.listAccounts()).path("accounts").findValuesAsText("name"))
                .doesNotContain("smuggled");
    }

    @Test
    void aStart_isAReauthenticationOfTheLinksAccount_thatMayNotChangeItsProviderAccount() {
        String id = boundAccount("start-scope", OPS);
        String token = system.issuedLinkToken("start-scope");

        LambdaResponse started = system.linkStart(token);

        String state = ReauthSystem.query(json(started).path("authorizationUrl").asText())
                .get("state");
        Map<String, AttributeValue> session = system.session(state);
        assertThat(session.get(Sessions.INTENT).s()).isEqualTo("REAUTH");
        assertThat(session.get(Sessions.ACCOUNT_ID).s()).isEqualTo(id);
        assertThat(session.get(Sessions.ALLOW_ACCOUNT_CHANGE).bool()).isFalse();
        assertThat(session.get(Sessions.INITIATOR).s()).isEqualTo("re-auth link");
    }

    @Test
    void aLeakedLink_cannotSwapInAnotherProviderAccount_andStaysUsableForTheRightOne() {
        String id = boundAccount("leaked", OPS);
        String token = system.issuedLinkToken("leaked");
        Map<String, AttributeValue> before = system.account(id);
        LambdaResponse started = system.linkStart(token);
        String url = json(started).path("authorizationUrl").asText();

        LambdaResponse refused = system.linkComplete(
                token, system.provider.authorize(url, OUTSIDER).pasted());

        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(json(refused).path("error").asText()).isEqualTo("account_mismatch");
        assertThat(json(refused).path("error_description").asText())
                .contains("different provider account")
                .doesNotContain("ops@example.com")
                .doesNotContain("eve@example.net");
        assertThat(system.account(id)).isEqualTo(before);
        LambdaResponse done =
                system.linkComplete(token, system.provider.authorize(url, OPS).pasted());
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.PROVIDER_EMAIL).s()).isEqualTo("ops@example.com");
    }

    @Test
    void theWebFunction_servesNoOtherRoute_andItsAnswersHoldNoTokenMaterial() {
        String id = boundAccount("no-reads", OPS);
        String token = system.issuedLinkToken("no-reads");
        for (String file : List.of(
                "list-accounts.json",
                "add-account.json",
                "callback-pasted-code.json",
                "refresh.json",
                "adopt-tokens.json",
                "import-account.json",
                "reload.json",
                "reload-by-name.json",
                "start-reauth.json")) {
            LambdaResponse answer = ReauthSystem.invoke(system.web, ReauthSystem.event(file));
            assertThat(answer.getStatusCode()).as(file).isEqualTo(404);
        }
        String page = system.linkPage(token).getBody();
        String started = system.linkStart(token).getBody();
        String done = system.linkComplete(token, startAndLogIn(token, OPS)).getBody();

        TokenBundle tokens = system.decryptTokens(id, system.account(id));
        for (String answer : List.of(page, started, done)) {
            assertThat(answer)
                    .doesNotContain(tokens.accessToken())
                    .doesNotContain(tokens.refreshToken())
                    .doesNotContain("token_ciphertext")
                    .doesNotContain(OPS.accountUuid());
        }
    }

    @Test
    void aDeadAccountsAlert_carriesAFreshLink_thatReauthenticatesIt() {
        RefreshGrants grants = system.provider.refreshGrants();
        // due within the refresher's lead window as soon as it is logged in
        grants.accessTokenLifetime(Duration.ofMinutes(30));
        String id = system.liveAccount("dead-linked");
        grants.accessTokenLifetime(Duration.ofHours(8));
        grants.revoke(system.decryptTokens(id, system.account(id)).refreshToken());
        system.alerts(Duration.ofSeconds(1));

        system.runSchedule();

        JsonNode alert = system.alerts(Duration.ofSeconds(5)).stream()
                .filter(a -> a.path("kind").asText().equals("dead")
                        && a.path("accountName").asText().equals("dead-linked"))
                .findFirst()
                .orElseThrow();
        String fix = alert.path("fix").asText();
        Matcher link = LINK_IN_TEXT.matcher(fix);
        assertThat(link.find()).as(fix).isTrue();
        assertThat(fix).endsWith("reauth --reauthenticate dead-linked");
        String token = system.rememberLink(link.group());
        // liveAccount logged in as the provider's default account, so the account is bound to it
        LambdaResponse done = system.linkComplete(token, startAndLogIn(token, Login.OWNER));
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
    }

    @Test
    void theWebFunction_servesItsRoutes_fromThePackagedJar_underTheRuntimeInterfaceEmulator() throws IOException {
        boundAccount("rie-link", OPS);
        try (LambdaRuntimeEmulator web =
                LambdaRuntimeEmulator.start(TemplateFunction.of("WebFunction", system.environment, List.of()))) {
            ObjectNode issue = ReauthSystem.event("link-issue.json");
            issue.putObject("pathParameters").put("name", "rie-link");
            JsonNode issued = ReauthSystem.JSON.readTree(web.invoke(issue.toString()));
            assertThat(issued.path("statusCode").asInt()).as(issued.toString()).isEqualTo(200);
            String token = system.rememberLink(ReauthSystem.JSON
                    .readTree(issued.path("body").asText())
                    .path("url")
                    .asText());

            ObjectNode pageEvent = ReauthSystem.event("link-page.json");
            pageEvent.putObject("pathParameters").put("token", token);
            JsonNode page = ReauthSystem.JSON.readTree(web.invoke(pageEvent.toString()));
            assertThat(page.path("statusCode").asInt()).isEqualTo(200);
            assertThat(page.path("body").asText()).contains("rie-link").contains("o***@example.com");

            JsonNode script = ReauthSystem.JSON.readTree(web.invoke(ReauthSystem.event("link-page.json")
                    .put("routeKey", "GET /r/assets/page.js")
                    .toString()));
            assertThat(script.path("headers").path("Content-Type").asText()).startsWith("text/javascript");
            assertThat(script.path("body").asText()).contains("addEventListener");
            // the sample event's token is of the right shape but was never issued
            assertThat(ReauthSystem.JSON
                            .readTree(web.invoke(
                                    ReauthSystem.event("link-page.json").toString()))
                            .path("statusCode")
                            .asInt())
                    .isEqualTo(404);
            String output = web.output();
            system.secrets()
                    .forEach(secret -> assertThat(output)
                            .as("function output holds no secret")
                            .doesNotContain(secret));
        }
    }
}
