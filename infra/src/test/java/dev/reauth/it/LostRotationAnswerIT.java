package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.RefreshGrants.AfterRotation;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An answer truly lost after the provider rotated (answered past the client's timeout, 500 after
 * rotating, connection dropped) is named: the refresh is marked {@code rotation_uncertain_at}, and
 * the next refresh, within one schedule period, meets {@code invalid_grant} and declares the account
 * dead with reason {@code rotation_lost}, with an alert that says so and carries a link. A revoked
 * token with no uncertain refresh before it stays {@code invalid_grant}: the operator can tell them apart.
 */
class LostRotationAnswerIT extends FaultInjectionIT {

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = AfterRotation.class,
            names = {"SLOW", "SERVER_ERROR", "LOST"})
    void aLostAnswer_isDeadWithinOneSchedulePeriod_asRotationLost(AfterRotation loss) {
        String id = dueAccount("lost-" + loss.name().toLowerCase());
        Map<String, AttributeValue> before = system.account(id);
        // the slow answer comes well after the client gave up
        provider.afterRotationDelay(OAUTH_TIMEOUT.plusSeconds(3));
        provider.afterRotationNext(loss);

        JsonNode run = system.runSchedule();

        assertThat(run.path("dead").asInt()).as(run.toString()).isZero();
        Map<String, AttributeValue> uncertain = system.account(id);
        assertThat(uncertain).as("the refresh is marked uncertain").containsKey("rotation_uncertain_at");
        assertThat(uncertain.get(Accounts.TOKEN_CIPHERTEXT)).isEqualTo(before.get(Accounts.TOKEN_CIPHERTEXT));
        assertThat(uncertain.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(system.alerts(Duration.ofSeconds(1)))
                .extracting(a -> a.path("kind").asText())
                .doesNotContain("dead");

        system.clock.advance(SCHEDULE_PERIOD);
        JsonNode next = system.runSchedule();

        assertThat(next.path("dead").asInt()).as(next.toString()).isEqualTo(1);
        assertDeadAsRotationLost(id);
        assertThat(provider.rotatedAnswersLost()).isEqualTo(1);
    }

    @Test
    void aRevokedToken_withNoUncertainRefreshBefore_isInvalidGrant_notRotationLost() {
        String id = dueAccount("revoked-plain");
        provider.revoke(refreshTokenOf(id));

        system.runSchedule();

        Map<String, AttributeValue> item = system.account(id);
        assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).isTrue();
        assertThat(item.get(Accounts.REAUTH_REASON).s()).isEqualTo("invalid_grant");
        assertThat(item).doesNotContainKey("rotation_uncertain_at");
    }
}
