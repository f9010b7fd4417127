package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.RefreshGrants;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A lost answer is named, not guessed (issue 17 item 4), against the emulator and a provider that
 * enforces rotation: when the provider rotated and its answer never reached reauth (a 500 after
 * rotating, or an answer slower than OAUTH_HTTP_TIMEOUT), the refresh is marked rotation_uncertain,
 * and the next refresh's invalid_grant makes the account dead with reason rotation_lost, told so in
 * the alert and in GET /accounts. A token revoked with no lost answer stays invalid_grant.
 */
class RotationLossIT {

    private final AnswerLosingFront front = new AnswerLosingFront();
    private ReauthSystem system;
    private RefreshGrants provider;

    @BeforeEach
    void start() {
        LogCapture.install();
        // the client timeout is 2 s against a front (ReauthSystem); a lost answer is held 4 s
        system = new ReauthSystem(front.tokenUrl(), Map.of("REFRESH_MIN_INTERVAL", "PT1S"));
        front.upstream(system.provider.providerConfig().tokenUrl());
        provider = system.provider.refreshGrants();
    }

    @AfterEach
    void stop() {
        try {
            SystemIT.assertNoSecretsLogged(system.secrets());
        } finally {
            system.close();
            front.close();
        }
    }

    @Test
    void aServerErrorAfterRotating_marksTheRotationUncertain_andTheNextRefreshIsDeadWithRotationLost()
            throws Exception {
        assertRotationLost(AnswerLosingFront.Loss.SERVER_ERROR_AFTER_ROTATING);
    }

    @Test
    void anAnswerSlowerThanTheTimeout_marksTheRotationUncertain_andTheNextRefreshIsDeadWithRotationLost()
            throws Exception {
        assertRotationLost(AnswerLosingFront.Loss.SLOWER_THAN_THE_TIMEOUT);
    }

    private void assertRotationLost(AnswerLosingFront.Loss loss) throws Exception {
        String id = system.liveAccount("lost-" + loss.name().toLowerCase());
        int redeemed = provider.refreshRequests();
        front.loseNext(loss);

        system.refreshNow(id, null);

        Map<String, AttributeValue> afterLoss = system.account(id);
        assertThat(provider.refreshRequests() - redeemed)
                .as("the provider rotated once")
                .isEqualTo(1);
        assertThat(afterLoss).containsKey(Accounts.ROTATION_UNCERTAIN_AT);
        assertThat(afterLoss.get(Accounts.LAST_REFRESH_RESULT).s()).isEqualTo("provider_answer_lost");
        assertThat(afterLoss.get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        assertThat(afterLoss).doesNotContainKey(Accounts.REFRESH_LEASE_OWNER);

        Thread.sleep(1_100); // past REFRESH_MIN_INTERVAL
        system.refreshNow(id, null);

        Map<String, AttributeValue> dead = system.account(id);
        assertThat(dead.get(Accounts.REQUIRES_REAUTH).bool()).isTrue();
        assertThat(dead.get(Accounts.REAUTH_REASON).s()).isEqualTo("rotation_lost");
        List<JsonNode> alerts = system.alerts(Duration.ofSeconds(5));
        assertThat(alerts)
                .filteredOn(a -> a.path("kind").asText().equals("dead"))
                .singleElement()
                .satisfies(alert ->
                        assertThat(alert.toString()).contains("the provider rotated and its answer never arrived"));
        assertThat(system.listAccounts().getBody()).contains("rotation_lost");
    }

    @Test
    void aRevokedRefreshToken_withNoLostAnswer_isDeadWithInvalidGrant() {
        String id = system.liveAccount("revoked");
        provider.revoke(system.decryptTokens(id, system.account(id)).refreshToken());

        system.refreshNow(id, null);

        Map<String, AttributeValue> dead = system.account(id);
        assertThat(dead.get(Accounts.REAUTH_REASON).s()).isEqualTo("invalid_grant");
        assertThat(dead).doesNotContainKey(Accounts.ROTATION_UNCERTAIN_AT);
        assertThat(system.alerts(Duration.ofSeconds(5)))
                .filteredOn(a -> a.path("kind").asText().equals("dead"))
                .singleElement()
                .satisfies(alert -> assertThat(alert.toString()).doesNotContain("never arrived"));
    }
}
