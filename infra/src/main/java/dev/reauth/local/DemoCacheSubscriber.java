package dev.reauth.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A stand-in proxy server for the local run: subscribed to the topic through a queue, it keeps a
 * token cache per account and flushes an account's entry when a message names it.
 */
public final class DemoCacheSubscriber implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One flush: which account, at which token_version, when. */
    public record Flush(String accountId, String accountName, String type, long tokenVersion, Instant at) {
    }

    private final LocalStack aws;
    private final String queueUrl;
    private final List<Flush> flushes = new CopyOnWriteArrayList<>();
    private final Consumer<Flush> onFlush;
    private final Thread poller;
    private volatile boolean running = true;

    public DemoCacheSubscriber(LocalStack aws, String name, Consumer<Flush> onFlush) {
        this.aws = aws;
        this.onFlush = onFlush;
        this.queueUrl = aws.subscribeQueue(name);
        this.poller = Thread.ofPlatform().daemon().name("demo-subscriber").start(this::poll);
    }

    private void poll() {
        while (running) {
            try {
                for (Message message : aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(1).maxNumberOfMessages(10)).messages()) {
                    JsonNode event = JSON.readTree(JSON.readTree(message.body()).path("Message").asText());
                    Flush flush = new Flush(event.path("accountId").asText(), event.path("accountName").asText(),
                            event.path("type").asText(), event.path("tokenVersion").asLong(), Instant.now());
                    flushes.add(flush);
                    onFlush.accept(flush);
                    // deleted only after the flush ran, so a crash redelivers it
                    aws.sqs().deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                }
            } catch (IOException | RuntimeException e) {
                if (running) {
                    System.err.println("[subscriber] poll failed: " + e.getClass().getSimpleName());
                }
            }
        }
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
        running = false;
        poller.interrupt();
    }
}
