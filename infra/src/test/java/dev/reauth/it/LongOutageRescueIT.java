package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reauth.local.AwsFaultProxy.Calls;
import dev.reauth.local.AwsFaultProxy.Failure;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * KMS and DynamoDB both down from the moment the provider has rotated, for longer than the lease (the
 * issue's "10 minutes", scaled to more than twice the lease): the retries give up at the lease's end
 * less its margin and the tokens go to the durable rescue queue, which needs neither. Every later
 * run drains the queue first; once AWS is back one of them seals and commits the rescued tokens
 * (compare-and-set) without a second provider call. The account ends holding the provider's newest
 * refresh token, no token reused, no dead mark or alert.
 */
class LongOutageRescueIT extends FaultInjectionIT {

    @Test
    void kmsAndDynamoDownPastTheLease_theTokensAreRescued_andLandWhenAwsIsBack() {
        String id = dueAccount("long-outage");
        String before = refreshTokenOf(id);
        int calls = provider.refreshRequests();
        whenTheProviderHasRotated(() -> {
            proxy.failFor(Calls.named("kms"), Failure.UNAVAILABLE, LONG_OUTAGE);
            proxy.failFor(Calls.named("dynamodb"), Failure.UNAVAILABLE, LONG_OUTAGE);
        });

        runQuietly();

        assertThat(proxy.failed()).as("the outage met the seal").isPositive();
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n())
                .as("nothing could be written during the outage")
                .isEqualTo("1");
        assertThat(rescuedMessages()).as("the tokens wait in the rescue queue").isEqualTo(1);

        // the schedule keeps running through the outage and after it, as EventBridge would
        AtomicInteger runs = new AtomicInteger();
        await().atMost(LONG_OUTAGE.plus(Duration.ofSeconds(60)))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    runs.incrementAndGet();
                    runQuietly();
                    return !system.account(id).get(Accounts.TOKEN_VERSION).n().equals("1");
                });

        assertThat(provider.refreshRequests() - calls)
                .as("the rescued tokens land without another provider call")
                .isEqualTo(1);
        assertRefreshedToTheNewestToken(id, before);
        assertThat(rescuedMessages()).as("a landed rescue leaves the queue").isZero();
    }

    /** A run during the outage may fail outright (DynamoDB cannot even be queried): the next one is the retry. */
    private void runQuietly() {
        try {
            system.runSchedule();
        } catch (RuntimeException outage) {
            // as a failed Lambda invocation: the schedule runs again
        }
    }

    /** Messages in the rescue queue, visible or in flight (read straight from the emulator). */
    private int rescuedMessages() {
        return system
                .aws
                .sqs()
                .getQueueAttributes(a -> a.queueUrl(rescueQueueUrl)
                        .attributeNamesWithStrings(
                                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributes()
                .values()
                .stream()
                .mapToInt(Integer::parseInt)
                .sum();
    }
}
