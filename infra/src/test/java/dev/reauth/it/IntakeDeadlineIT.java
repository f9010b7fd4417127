package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 1: the refresh-token deadline on adoption and import. A proxy that knows the
 * deadline hands it over ({@code refreshTokenExpiresAt}); better-ccflare stores none, so an adoption
 * without one keeps the deadline reauth holds (a refresh does not extend it), and an import without one
 * leaves it unknown until reauth's first refresh, whose answer names it.
 */
class IntakeDeadlineIT extends FreshSystemIT {

    @Test
    void anAdoptionWithoutADeadline_keepsTheLoginsDeadline_andOneThatNamesItStoresIt() throws Exception {
        provider.refreshTokenLifetime(Duration.ofDays(29));
        String id = system.liveAccount("adopted-deadline");
        String atLogin =
                system.account(id).get(Accounts.REFRESH_TOKEN_EXPIRES_AT).n();
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());

        LambdaResponse adopted = system.adoptTokens(id, adoptBody(1, own, null));

        assertThat(adopted.getStatusCode()).as(adopted.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.REFRESH_TOKEN_EXPIRES_AT).n())
                .isEqualTo(atLogin);

        JsonNode again = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        long named = Instant.now().plus(Duration.ofDays(20)).toEpochMilli();
        LambdaResponse withDeadline = system.adoptTokens(id, adoptBody(2, again, named));

        assertThat(withDeadline.getStatusCode()).as(withDeadline.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.REFRESH_TOKEN_EXPIRES_AT).n())
                .isEqualTo(Long.toString(named));
    }

    @Test
    void anImport_storesTheDeadlineTheProxyKnows_andWithoutOneLeavesItUnknownUntilTheFirstRefresh() throws Exception {
        provider.refreshTokenLifetime(Duration.ofDays(29));
        String donor = system.liveAccount("donor");
        JsonNode first = system.proxyRefreshesItself(
                system.decryptTokens(donor, system.account(donor)).refreshToken());
        long named = Instant.now().plus(Duration.ofDays(25)).toEpochMilli();

        LambdaResponse known = system.importAccount(importBody("knows-deadline", first, named));
        JsonNode second =
                system.proxyRefreshesItself(first.path("refresh_token").asText());
        LambdaResponse unknown = system.importAccount(importBody("no-deadline", second, null));

        assertThat(known.getStatusCode()).as(known.getBody()).isEqualTo(201);
        assertThat(unknown.getStatusCode()).as(unknown.getBody()).isEqualTo(201);
        String knownId = json(known).path("accountId").asText();
        String unknownId = json(unknown).path("accountId").asText();
        assertThat(system.account(knownId)
                        .get(Accounts.REFRESH_TOKEN_EXPIRES_AT)
                        .n())
                .isEqualTo(Long.toString(named));
        assertThat(system.account(unknownId)).doesNotContainKey(Accounts.REFRESH_TOKEN_EXPIRES_AT);

        // reauth's first refresh of the imported account reads the deadline from the provider's answer
        system.refreshNow(unknownId, null);
        assertThat(system.account(unknownId)).containsKey(Accounts.REFRESH_TOKEN_EXPIRES_AT);
    }

    @Test
    void aDeadlineThatIsNotEpochMilliseconds_is400_andImportsNothing() throws Exception {
        String donor = system.liveAccount("donor-bad");
        JsonNode tokens = system.proxyRefreshesItself(
                system.decryptTokens(donor, system.account(donor)).refreshToken());

        LambdaResponse refused = system.importAccount(importBody("bad-deadline", tokens, -5L));

        assertThat(refused.getStatusCode()).isEqualTo(400);
        assertThat(refused.getBody())
                .contains("refreshTokenExpiresAt")
                .doesNotContain(tokens.path("refresh_token").asText());
        assertThat(json(system.listAccounts()).toString()).doesNotContain("bad-deadline");
    }

    private static String adoptBody(long base, JsonNode tokens, Long refreshTokenExpiresAt) {
        ObjectNode body = ReauthSystem.JSON
                .createObjectNode()
                .put("baseTokenVersion", base)
                .put("accessToken", tokens.path("access_token").asText())
                .put("refreshToken", tokens.path("refresh_token").asText())
                .put("expiresAt", Instant.now().plus(Duration.ofHours(8)).toEpochMilli());
        if (refreshTokenExpiresAt != null) {
            body.put("refreshTokenExpiresAt", refreshTokenExpiresAt);
        }
        return body.toString();
    }

    private static String importBody(String name, JsonNode tokens, Long refreshTokenExpiresAt) {
        ObjectNode body = ReauthSystem.JSON
                .createObjectNode()
                .put("name", name)
                .put("mode", "max")
                .put("accessToken", tokens.path("access_token").asText())
                .put("refreshToken", tokens.path("refresh_token").asText())
                .put("expiresAt", Instant.now().plus(Duration.ofMinutes(30)).toEpochMilli());
        if (refreshTokenExpiresAt != null) {
            body.put("refreshTokenExpiresAt", refreshTokenExpiresAt);
        }
        return body.toString();
    }
}
