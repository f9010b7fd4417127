package dev.reauth.fleet;

import dev.reauth.wire.Json;
import dev.reauth.wire.TokenEvent;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * For proxies that cannot receive inbound HTTPS: a queue subscribed to the topic (raw delivery, the
 * same filter policy), long-polled; a message is deleted only after its flush ran, so a crash between
 * the two redelivers it.
 */
public final class SqsSubscriber implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SqsSubscriber.class.getName());

    private final SqsClient sqs;
    private final String queueUrl;
    private final TokenSource tokens;
    private final Thread poller;
    private volatile boolean running = true;

    private SqsSubscriber(SqsClient sqs, String queueUrl, TokenSource tokens) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.tokens = tokens;
        this.poller = Thread.ofPlatform().daemon().name("sqs-subscriber").start(this::poll);
    }

    /** Polls an existing queue (already subscribed, e.g. by the stack or {@link #subscribeQueue}). */
    public static SqsSubscriber start(SqsClient sqs, String queueUrl, TokenSource tokens) {
        return new SqsSubscriber(sqs, queueUrl, tokens);
    }

    /**
     * Creates the queue if needed, lets the topic send to it, and subscribes it with raw delivery; its URL.
     *
     * @throws FleetException.DependencyFailed when SQS or SNS refuses or cannot be reached
     */
    public static String subscribeQueue(SqsClient sqs, SnsClient sns, String topicArn, String queueName) {
        try {
            String queueUrl = sqs.createQueue(q -> q.queueName(queueName)).queueUrl();
            String queueArn = sqs.getQueueAttributes(a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes().get(QueueAttributeName.QUEUE_ARN);
            String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws.com\"},"
                    + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queueArn + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\""
                    + topicArn + "\"}}}]}";
            sqs.setQueueAttributes(a -> a.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
            sns.subscribe(s -> s.topicArn(topicArn).protocol("sqs").endpoint(queueArn).attributes(Map.of(
                    "RawMessageDelivery", "true", "FilterPolicy", SnsHttpSubscriber.FILTER_POLICY, "FilterPolicyScope", "MessageAttributes")));
            return queueUrl;
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("Could not subscribe queue " + queueName + " to " + topicArn, e);
        }
    }

    private void poll() {
        while (running) {
            try {
                for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).waitTimeSeconds(20).maxNumberOfMessages(10)).messages()) {
                    eventOf(message.body()).ifPresentOrElse(
                            event -> tokens.flush(event.accountId(), event.tokenVersion()),
                            () -> LOG.log(Level.WARNING, "SQS message {0} is not a token event; dropped", message.messageId()));
                    sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.log(Level.WARNING, "SQS poll failed: {0}; retrying", e.getClass().getSimpleName());
                    sleep(1000);
                }
            }
        }
    }

    /** Raw delivery carries the event itself; an SNS envelope (raw delivery off) carries it in "Message". */
    static Optional<TokenEvent> eventOf(String body) {
        Optional<TokenEvent> raw = TokenEvent.parse(body);
        if (raw.isPresent()) {
            return raw;
        }
        return Json.parseObjectOrEmpty(body).flatMap(json -> Json.string(json, "Message")).flatMap(TokenEvent::parse);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }
}
