package dev.reauth.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.domain.ReauthException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How an adoption's refusals reach the agent: statuses, error codes, and the wait a 429 asks for. */
class AdoptionRefusalsTest {

    @Test
    void rateLimited_is429_withRetryAfterInWholeSecondsRoundedUp() {
        ApiResponse response =
                ErrorResponses.json(new ReauthException.RateLimited("slow down", Duration.ofMillis(40_200)));

        assertThat(response.status()).isEqualTo(429);
        assertThat(response.body()).contains("\"error\":\"rate_limited\"");
        assertThat(response.headers()).containsEntry("Retry-After", "41").containsEntry("Cache-Control", "no-store");
        assertThat(response.toEventJson()).contains("\"Retry-After\":\"41\"");
    }

    @Test
    void identityUnverified_is503_retryable_andOtherRefusalsCarryNoRetryAfter() {
        ApiResponse unverified = ErrorResponses.json(new ReauthException.IdentityUnverified("try again"));
        ApiResponse mismatch = ErrorResponses.json(new ReauthException.AccountMismatch("another identity"));

        assertThat(unverified.status()).isEqualTo(503);
        assertThat(unverified.body()).contains("\"error\":\"identity_unverified\"");
        assertThat(mismatch.status()).isEqualTo(409);
        assertThat(mismatch.body()).contains("\"error\":\"account_mismatch\"");
        assertThat(mismatch.headers()).doesNotContainKey("Retry-After");
    }
}
