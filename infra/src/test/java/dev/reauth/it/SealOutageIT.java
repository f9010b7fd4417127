package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.AwsFaultProxy.Calls;
import dev.reauth.local.AwsFaultProxy.Failure;
import org.junit.jupiter.api.Test;

/**
 * KMS refuses {@code Encrypt} from the moment the provider has rotated, for the "90 s"
 * scaled to fit inside the lease: the refresher keeps the answer and retries the seal until it
 * lands. The account ends holding the provider's newest refresh token, with no token reused and no
 * dead mark or alert.
 */
class SealOutageIT extends FaultInjectionIT {

    @Test
    void kmsEncryptDownForAShortOutage_afterTheProviderRotated_theSealIsRetried_andTheNewestTokenLands() {
        String id = dueAccount("seal-outage");
        String before = refreshTokenOf(id);
        int calls = provider.refreshRequests();
        whenTheProviderHasRotated(
                () -> proxy.failFor(Calls.named("TrentService.Encrypt"), Failure.SERVER_ERROR, SHORT_OUTAGE));

        JsonNode run = system.runSchedule();

        assertThat(proxy.failed()).as("the outage met the seal").isPositive();
        assertThat(run.path("refreshed").asInt()).as(run.toString()).isEqualTo(1);
        assertThat(provider.refreshRequests() - calls).isEqualTo(1);
        assertRefreshedToTheNewestToken(id, before);
    }

    @Test
    void kmsEncryptConnectionsDroppedForAShortOutage_theSealIsRetried_andTheNewestTokenLands() {
        String id = dueAccount("seal-reset");
        String before = refreshTokenOf(id);
        whenTheProviderHasRotated(
                () -> proxy.failFor(Calls.named("TrentService.Encrypt"), Failure.CONNECTION_RESET, SHORT_OUTAGE));

        system.runSchedule();

        assertThat(proxy.failed()).isPositive();
        assertRefreshedToTheNewestToken(id, before);
    }
}
