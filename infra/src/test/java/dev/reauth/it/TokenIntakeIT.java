package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tokens reauth did not mint: a second refresher's, adopted with a compare-and-set so nobody hears
 * invalid_grant later, and a proxy's existing accounts, imported sealed.
 */
class TokenIntakeIT extends FreshSystemIT {

    @Test
    void tokensAProxyRefreshedItself_areAdopted_alerted_andReauthRefreshesOnFromThem() throws Exception {
        String id = system.liveAccount("second-refresher");
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        system.receive(Duration.ofSeconds(2));

        LambdaResponse adopted = system.adoptTokens(id, adoptBody(1, own));

        assertThat(adopted.getStatusCode()).as(adopted.getBody()).isEqualTo(200);
        assertThat(json(adopted).path("tokenVersion").asLong()).isEqualTo(2);
        TokenBundle held = system.decryptTokens(id, system.account(id));
        assertThat(held.accessToken()).isEqualTo(own.path("access_token").asText());
        assertThat(held.refreshToken()).isEqualTo(own.path("refresh_token").asText());
        assertThat(system.receive(Duration.ofSeconds(3))).hasSize(1);
        assertThat(system.alerts(Duration.ofSeconds(3)))
                .singleElement()
                .satisfies(alert -> assertThat(alert.path("kind").asText()).isEqualTo("second_refresher"));

        // reauth's next refresh redeems the adopted refresh token: no invalid_grant, nothing marked dead
        system.clock.advance(Duration.ofHours(8));
        assertThat(system.runSchedule().path("refreshed").asInt()).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(provider.reusedRefreshTokens()).isZero();
    }

    @Test
    void adoptingOnAStaleVersion_is409_andWritesNothing() throws Exception {
        String id = system.liveAccount("stale-adoption");
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        Map<String, AttributeValue> before = system.account(id);

        LambdaResponse refused = system.adoptTokens(id, adoptBody(0, own));

        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(json(refused).path("error").asText()).isEqualTo("version_moved");
        assertThat(refused.getBody()).doesNotContain(own.path("access_token").asText());
        Map<String, AttributeValue> after = new HashMap<>(system.account(id));
        assertThat(after.remove(Accounts.ADOPTION_ATTEMPT_AT))
                .as("only the hand-over mark, which the refresher's grace window reads")
                .isNotNull();
        assertThat(after).isEqualTo(before);
    }

    @Test
    void malformedAdoptions_are400_withoutEchoingTokens() {
        String id = system.liveAccount("malformed-adoption");
        Map<String, AttributeValue> before = system.account(id);

        for (String body : List.of(
                "{}",
                "{\"baseTokenVersion\":\"1\"}",
                "{\"baseTokenVersion\":1,\"accessToken\":\"a b\","
                        + "\"refreshToken\":\"secret-refresh-xyz\",\"expiresAt\":1}",
                "{\"baseTokenVersion\":1,\"accessToken\":\"secret-access-xyz\","
                        + "\"refreshToken\":\"r\",\"expiresAt\":-1}")) {
            LambdaResponse response = system.adoptTokens(id, body);
            assertThat(response.getStatusCode()).as(body).isEqualTo(400);
            assertThat(response.getBody()).doesNotContain("secret-");
        }
        assertThat(system.account(id)).isEqualTo(before);
    }

    @Test
    void import_createsASealedAccountOnce_andReauthKeepsItAlive() throws Exception {
        // tokens the provider issued and reauth has never held, as a proxy's database has them
        String donor = system.liveAccount("donor");
        JsonNode tokens = system.proxyRefreshesItself(
                system.decryptTokens(donor, system.account(donor)).refreshToken());
        ObjectNode body = ReauthSystem.JSON
                .createObjectNode()
                .put("name", "from-proxy")
                .put("mode", "console")
                .put("priority", 3)
                .put("accessToken", tokens.path("access_token").asText())
                .put("refreshToken", tokens.path("refresh_token").asText())
                .put("expiresAt", Instant.now().plus(Duration.ofMinutes(30)).toEpochMilli())
                .put("apiKey", "sk-ant-api03-imported-key");

        LambdaResponse created = system.importAccount(body.toString());
        LambdaResponse again = system.importAccount(body.toString());

        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
        assertThat(json(created).path("status").asText()).isEqualTo("created");
        String id = json(created).path("accountId").asText();
        Map<String, AttributeValue> item = system.account(id);
        assertThat(item.get(Accounts.NAME).s()).isEqualTo("from-proxy");
        assertThat(item.get(Accounts.MODE).s()).isEqualTo("console");
        assertThat(item.get(Accounts.PRIORITY).n()).isEqualTo("3");
        assertThat(item.get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        assertThat(system.decryptTokens(id, item).apiKey()).contains("sk-ant-api03-imported-key");
        // the provider's profile endpoint named the tokens' owner: the account is bound from the start
        assertThat(json(created).path("bound").asBoolean()).isTrue();
        assertThat(item.get(Accounts.PROVIDER_ACCOUNT_UUID).s())
                .isEqualTo(LocalOAuthProvider.Login.OWNER.accountUuid());
        assertThat(item.get(Accounts.PROVIDER_EMAIL).s()).isEqualTo(LocalOAuthProvider.Login.OWNER.email());
        assertThat(again.getStatusCode()).isEqualTo(200);
        assertThat(json(again).path("status").asText()).isEqualTo("exists");
        assertThat(json(again).path("accountId").asText()).isEqualTo(id);
        assertThat(system.account(id)).isEqualTo(item);

        // imported within the lead window: the next run refreshes it with the imported refresh token
        assertThat(system.runSchedule().path("refreshed").asInt()).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
        assertThat(provider.reusedRefreshTokens()).isZero();
    }

    @Test
    void import_ofTokensTheProviderDoesNotAccept_isUnbound_andSaysSo() {
        ObjectNode body = ReauthSystem.JSON
                .createObjectNode()
                .put("name", "expired-in-proxy")
                .put("mode", "max")
                .put("accessToken", "sk-ant-oat01-expired-long-ago")
                .put("refreshToken", "sk-ant-ort01-still-there")
                .put("expiresAt", Instant.now().minus(Duration.ofHours(1)).toEpochMilli());

        LambdaResponse created = system.importAccount(body.toString());

        assertThat(created.getStatusCode()).as(created.getBody()).isEqualTo(201);
        assertThat(json(created).path("bound").asBoolean(true)).isFalse();
        Map<String, AttributeValue> item =
                system.account(json(created).path("accountId").asText());
        assertThat(item).doesNotContainKeys(Accounts.PROVIDER_ACCOUNT_UUID, Accounts.PROVIDER_EMAIL);
        assertThat(system.provider.profile().calls()).hasSize(1);
    }

    private static String adoptBody(long base, JsonNode tokens) {
        return ReauthSystem.JSON
                .createObjectNode()
                .put("baseTokenVersion", base)
                .put("accessToken", tokens.path("access_token").asText())
                .put("refreshToken", tokens.path("refresh_token").asText())
                .put("expiresAt", Instant.now().plus(Duration.ofHours(8)).toEpochMilli())
                .toString();
    }
}
