package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.AwsFaultProxy.Calls;
import dev.reauth.local.AwsFaultProxy.Failure;
import dev.reauth.wire.Schema.Accounts;
import org.junit.jupiter.api.Test;

/**
 * DynamoDB refuses {@code UpdateItem} from the moment the provider has rotated, for the issue's
 * "90 s" scaled to fit inside the lease: the sealed tokens are committed by retrying (still
 * compare-and-set, still under this refresher's lease) until DynamoDB takes them. The account ends
 * holding the provider's newest refresh token, no token reused, no dead mark or alert.
 */
class CommitOutageIT extends FaultInjectionIT {

    @Test
    void dynamoUpdateItemDownForAShortOutage_afterTheProviderRotated_theCommitIsRetried_andTheNewestTokenLands() {
        String id = dueAccount("commit-outage");
        String before = refreshTokenOf(id);
        int calls = provider.refreshRequests();
        whenTheProviderHasRotated(
                () -> proxy.failFor(Calls.named("DynamoDB_20120810.UpdateItem"), Failure.SERVER_ERROR, SHORT_OUTAGE));

        JsonNode run = system.runSchedule();

        assertThat(proxy.failed()).as("the outage met the commit").isPositive();
        assertThat(run.path("refreshed").asInt()).as(run.toString()).isEqualTo(1);
        assertThat(provider.refreshRequests() - calls).isEqualTo(1);
        assertRefreshedToTheNewestToken(id, before);
        assertThat(system.account(id))
                .as("the lease is released once the commit landed")
                .doesNotContainKeys(Accounts.REFRESH_LEASE_OWNER, Accounts.REFRESH_LEASE_UNTIL);
    }
}
