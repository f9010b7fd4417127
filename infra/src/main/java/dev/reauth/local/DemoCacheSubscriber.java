package dev.reauth.local;

import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.SqsSubscriber;
import dev.reauth.fleet.TokenSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A proxy server for the local run, built on the fleet library: a {@link TokenSource} over the
 * stack's table and key, flushed by an {@link SqsSubscriber} on a queue subscribed to the topic.
 */
public final class DemoCacheSubscriber implements AutoCloseable {

    /** One flush: which account, at which token_version, when. */
    public record Flush(String accountId, long tokenVersion, Instant at) {}

    private final TokenSource tokens;
    private final SqsSubscriber subscriber;
    private final List<Flush> flushes = new CopyOnWriteArrayList<>();

    public DemoCacheSubscriber(LocalStack aws, String name, Consumer<Flush> onFlush) {
        tokens = new TokenSource(
                new DynamoAccountTokensReader(aws.dynamo(), aws.accountsTable()),
                new KmsTokenDecryptor(aws.kms()),
                Clock.systemUTC(),
                Duration.ofMinutes(5));
        tokens.onFlush((accountId, version) -> {
            Flush flush = new Flush(accountId, version, Instant.now());
            flushes.add(flush);
            onFlush.accept(flush);
        });
        subscriber = SqsSubscriber.start(
                aws.sqs(), SqsSubscriber.subscribeQueue(aws.sqs(), aws.sns(), aws.topicArn(), name), tokens);
    }

    /** The proxy's token source: what it would put in its requests. */
    public TokenSource tokens() {
        return tokens;
    }

    /** Waits for a flush of the account at (at least) the given version. */
    public Flush awaitFlush(String accountId, long tokenVersion, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Flush flush : flushes) {
                if (flush.accountId().equals(accountId) && flush.tokenVersion() >= tokenVersion) {
                    return flush;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no cache flush for account " + accountId + " within " + timeout);
    }

    @Override
    public void close() {
        subscriber.close();
    }
}
