package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.RefreshGrants.AfterRotation;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A 2xx that carries a new refresh token is never thrown away, even when reauth dislikes the rest of
 * it: without an access token the new refresh token is redeemed once more at once; without
 * {@code expires_in} a default lifetime is taken; without {@code user:inference} the tokens are
 * stored and the account is flagged for attention, not declared dead.
 */
class UnlikedAnswerIT extends FaultInjectionIT {

    @Test
    void noAccessToken_theNewRefreshTokenIsRedeemedOnceMore_andTheAccountHoldsTheNewest() {
        String id = dueAccount("no-access-token");
        String before = refreshTokenOf(id);
        int calls = provider.refreshRequests();
        provider.afterRotationNext(AfterRotation.NO_ACCESS_TOKEN);

        JsonNode run = system.runSchedule();

        assertThat(run.path("refreshed").asInt()).as(run.toString()).isEqualTo(1);
        assertThat(provider.refreshRequests() - calls)
                .as("the answer, then one more redeem")
                .isEqualTo(2);
        assertRefreshedToTheNewestToken(id, before);
        assertThat(system.decryptTokens(id, system.account(id)).accessToken()).isNotBlank();
    }

    @Test
    void noExpiresIn_takesTheDefaultLifetime_andStoresTheNewest() {
        String id = dueAccount("no-expires-in");
        String before = refreshTokenOf(id);
        provider.afterRotationNext(AfterRotation.NO_EXPIRES_IN);
        long ranAt = system.clock.millis();

        JsonNode run = system.runSchedule();

        assertThat(run.path("refreshed").asInt()).as(run.toString()).isEqualTo(1);
        assertRefreshedToTheNewestToken(id, before);
        assertThat(Long.parseLong(system.account(id).get(Accounts.EXPIRES_AT).n()))
                .as("a documented default lifetime from now, not 'expired' and not 'never'")
                .isGreaterThan(ranAt)
                .isLessThan(ranAt + Duration.ofDays(2).toMillis());
    }

    @Test
    void noInferenceScope_storesTheTokens_andFlagsTheAccountForAttention_notDead() {
        String id = dueAccount("no-inference");
        String before = refreshTokenOf(id);
        provider.afterRotationNext(AfterRotation.NO_INFERENCE_SCOPE);

        JsonNode run = system.runSchedule();

        assertThat(run.path("dead").asInt()).as(run.toString()).isZero();
        Map<String, AttributeValue> item = system.account(id);
        String held = system.decryptTokens(id, item).refreshToken();
        assertThat(held).isEqualTo(provider.newestAfter(before)).isNotEqualTo(before);
        assertThat(provider.isLiveRefreshToken(held)).isTrue();
        assertThat(item.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        assertThat(item.get("attention_reason").s()).isEqualTo("scope_missing_inference");
        assertThat(item).containsKey("attention_at");
        List<JsonNode> alerts = system.alerts(Duration.ofSeconds(3));
        assertThat(alerts)
                .extracting(a -> a.path("kind").asText())
                .contains("attention")
                .doesNotContain("dead");
        assertThat(alerts)
                .filteredOn(a -> a.path("kind").asText().equals("attention"))
                .allSatisfy(a -> assertThat(a.path("what").asText()).contains("user:inference"));
        assertThat(provider.reusedRefreshTokens()).isZero();
    }
}
