package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A second refresher is not a death: against the emulator and the local provider (which refuses a
 * spent refresh token), a refresh that meets invalid_grant because a proxy refreshed first is held
 * while the proxy's agent serves the account, an adoption inside the window settles it, and an
 * adoption into an account already marked dead brings it back at once, with a recovered alert.
 */
class AdoptionRecoveryIT extends FreshSystemIT {

    @Test
    void anAdoptionIntoADeadAccount_clearsTheDeadMark_andSendsRecovered() throws Exception {
        // GIVEN an account no agent serves, whose refresh token a proxy spent: reauth's refresh marks it dead
        String id = liveAccount("dead-then-adopted");
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        system.clock.advance(Duration.ofHours(8));
        assertThat(system.runSchedule().path("dead").asInt()).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.REQUIRES_REAUTH).bool()).isTrue();

        // WHEN the proxy's agent hands the proxy's tokens over on the version it knew
        LambdaResponse adopted = system.adoptTokens(id, adoptBody(1, own));

        // THEN they are the account's tokens, it is healthy at once, and a person hears it recovered
        assertThat(adopted.getStatusCode()).as(adopted.getBody()).isEqualTo(200);
        Map<String, AttributeValue> item = system.account(id);
        assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(item).doesNotContainKey(Accounts.REAUTH_REASON);
        assertThat(item.get(Accounts.LAST_REFRESH_RESULT).s()).isEqualTo("adopted");
        assertThat(item).containsKey(Accounts.REFRESH_BUCKET);
        assertThat(item).containsKey(Accounts.AGENT_SEEN_AT);
        assertThat(system.decryptTokens(id, item).refreshToken())
                .isEqualTo(own.path("refresh_token").asText());
        List<String> kinds = kinds(system.alerts(Duration.ofSeconds(3)));
        assertThat(kinds).containsSubsequence("dead", "recovered").contains("second_refresher");
        // and reauth refreshes on from the adopted tokens
        system.clock.advance(Duration.ofHours(8));
        assertThat(system.runSchedule().path("refreshed").asInt()).isEqualTo(1);
    }

    @Test
    void invalidGrantWhileAnAgentServes_isHeld_andAnAdoptionInsideTheWindow_leavesNoDeadMarkAndNoDeadAlert()
            throws Exception {
        // GIVEN an account a proxy's agent serves (its handshake), whose refresh token the proxy just spent
        String id = liveAccount("held-verdict");
        LambdaResponse handshake = system.agentHandshake(id);
        assertThat(handshake.getStatusCode()).as(handshake.getBody()).isEqualTo(200);
        assertThat(json(handshake).path("deadGrace").asText()).isEqualTo("PT5S");
        JsonNode own = system.proxyRefreshesItself(
                system.decryptTokens(id, system.account(id)).refreshToken());
        system.receive(Duration.ofSeconds(1));
        long attemptBefore = attemptAt(id);

        // WHEN reauth's scheduled refresh meets invalid_grant, and the agent hands the tokens over meanwhile
        system.clock.advance(Duration.ofHours(8));
        CompletableFuture<JsonNode> run = CompletableFuture.supplyAsync(system::runSchedule);
        await().atMost(Duration.ofSeconds(20)).until(() -> attemptAt(id) != attemptBefore);
        LambdaResponse adopted = system.adoptTokens(id, adoptBody(1, own));
        JsonNode summary = run.get();

        // THEN the adoption landed, nothing was marked dead, and nobody was told the account died
        assertThat(adopted.getStatusCode()).as(adopted.getBody()).isEqualTo(200);
        assertThat(summary.path("dead").asInt()).as(summary.toString()).isZero();
        Map<String, AttributeValue> item = system.account(id);
        assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(item.get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
        assertThat(system.receive(Duration.ofSeconds(2)))
                .noneMatch(m -> m.body().contains("account.reauth.required"));
        assertThat(kinds(system.alerts(Duration.ofSeconds(3)))).doesNotContain("dead");
    }

    @Test
    void invalidGrantWhileAnAgentServes_withNoAdoption_isDeadAfterTheWindow() throws Exception {
        String id = liveAccount("held-then-dead");
        assertThat(system.agentHandshake(id).getStatusCode()).isEqualTo(200);
        system.proxyRefreshesItself(system.decryptTokens(id, system.account(id)).refreshToken());

        system.clock.advance(Duration.ofHours(8));
        JsonNode summary = system.runSchedule();

        assertThat(summary.path("dead").asInt()).as(summary.toString()).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.REQUIRES_REAUTH).bool()).isTrue();
        assertThat(system.account(id).get(Accounts.REAUTH_REASON).s()).isEqualTo("invalid_grant");
        assertThat(kinds(system.alerts(Duration.ofSeconds(3)))).contains("dead");
    }

    @Test
    void aProxyThatKeepsRefreshing_getsOneSecondRefresherAlert_thatSaysWhatToChange() throws Exception {
        String id = liveAccount("keeps-refreshing");
        for (int version = 1; version <= 4; version++) {
            JsonNode own = system.proxyRefreshesItself(
                    system.decryptTokens(id, system.account(id)).refreshToken());
            LambdaResponse adopted = system.adoptTokens(id, adoptBody(version, own));
            assertThat(adopted.getStatusCode()).as(adopted.getBody()).isEqualTo(200);
        }

        List<JsonNode> alerts = system.alerts(Duration.ofSeconds(3));
        assertThat(alerts)
                .filteredOn(alert -> alert.path("kind").asText().equals("second_refresher"))
                .singleElement()
                .satisfies(alert ->
                        assertThat(alert.toString()).contains("RefreshLead").contains("PT30M"));
    }

    /**
     * {@link ReauthSystem#liveAccount}, with the login tried up to three times: a fresh local provider's
     * first token exchange can pass the handlers' timeout on a loaded machine.
     */
    private String liveAccount(String name) {
        String id = system.seedAccount(name, Map.of());
        for (int attempt = 1; ; attempt++) {
            LambdaResponse done = system.pasteCode(system.startAndLogIn(name).pasted());
            if (done.getStatusCode() == 200) {
                return id;
            }
            if (attempt == 3) {
                throw new IllegalStateException("re-authentication failed: " + done.getBody());
            }
        }
    }

    private long attemptAt(String id) {
        AttributeValue at = system.account(id).get(Accounts.LAST_REFRESH_ATTEMPT_AT);
        return at == null ? 0 : Long.parseLong(at.n());
    }

    private static List<String> kinds(List<JsonNode> alerts) {
        return alerts.stream().map(alert -> alert.path("kind").asText()).toList();
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
