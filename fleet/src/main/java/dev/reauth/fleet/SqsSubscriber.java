package dev.reauth.fleet;

import dev.reauth.wire.Json;
import dev.reauth.wire.TokenEvent;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
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
    private final Consumer<TokenEvent> handler;
    private final Thread poller;
    private volatile boolean running = true;

    private SqsSubscriber(SqsClient sqs, String queueUrl, Consumer<TokenEvent> handler) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.handler = handler;
        this.poller = Thread.ofPlatform().daemon().name("sqs-subscriber").start(this::poll);
    }

    /** Polls an existing queue (already subscribed, e.g. by the stack or {@link #subscribeQueue}). */
    public static SqsSubscriber start(SqsClient sqs, String queueUrl, TokenSource tokens) {
        return new SqsSubscriber(sqs, queueUrl, tokens::accept);
    }

    /**
     * Polls an existing queue and hands each whole event (type, account id and name, version) to
     * {@code handler}. A message is deleted only when the handler returned; one that threw is left
     * on the queue, to be delivered again after its visibility timeout.
     */
    public static SqsSubscriber start(SqsClient sqs, String queueUrl, Consumer<TokenEvent> handler) {
        return new SqsSubscriber(sqs, queueUrl, handler);
    }

    /**
     * Creates the queue if needed, lets the topic send to it, and subscribes it with raw delivery; its URL.
     *
     * @throws FleetException.DependencyFailed when SQS or SNS refuses or cannot be reached
     */
    public static String subscribeQueue(SqsClient sqs, SnsClient sns, String topicArn, String queueName) {
        return subscribeQueue(sqs, sns, topicArn, queueName, SnsHttpSubscriber.FILTER_POLICY);
    }

    /** As {@link #subscribeQueue(SqsClient, SnsClient, String, String)}, filtered to the given event types. */
    public static String subscribeQueue(
            SqsClient sqs, SnsClient sns, String topicArn, String queueName, Collection<String> eventTypes) {
        for (String type : eventTypes) {
            if (!type.matches("[a-z][a-z.]*")) {
                throw new IllegalArgumentException("not an event type: " + type);
            }
        }
        String policy = eventTypes.stream()
                .map(type -> "\"" + type + "\"")
                .collect(Collectors.joining(",", "{\"" + TokenEvent.ATTRIBUTE_EVENT_TYPE + "\":[", "]}"));
        return subscribeQueue(sqs, sns, topicArn, queueName, policy);
    }

    private static String subscribeQueue(
            SqsClient sqs, SnsClient sns, String topicArn, String queueName, String filterPolicy) {
        try {
            String queueUrl = sqs.createQueue(q -> q.queueName(queueName)).queueUrl();
            String queueArn = sqs.getQueueAttributes(
                            a -> a.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                    .attributes()
                    .get(QueueAttributeName.QUEUE_ARN);
            String policy =
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws.com\"},"
                            + "\"Action\":\"sqs:SendMessage\",\"Resource\":\"" + queueArn
                            + "\",\"Condition\":{\"ArnEquals\":{\"aws:SourceArn\":\""
                            + topicArn + "\"}}}]}";
            sqs.setQueueAttributes(a -> a.queueUrl(queueUrl).attributes(Map.of(QueueAttributeName.POLICY, policy)));
            sns.subscribe(s -> s.topicArn(topicArn)
                    .protocol("sqs")
                    .endpoint(queueArn)
                    .attributes(Map.of(
                            "RawMessageDelivery",
                            "true",
                            "FilterPolicy",
                            filterPolicy,
                            "FilterPolicyScope",
                            "MessageAttributes")));
            return queueUrl;
        } catch (SdkException e) {
            throw new FleetException.DependencyFailed("Could not subscribe queue " + queueName + " to " + topicArn, e);
        }
    }

    private void poll() {
        while (running) {
            try {
                for (Message message : sqs.receiveMessage(
                                r -> r.queueUrl(queueUrl).waitTimeSeconds(20).maxNumberOfMessages(10))
                        .messages()) {
                    if (!running) {
                        // closed during the long poll: leave the message for redelivery to whoever polls next
                        break;
                    }
                    Optional<TokenEvent> event = eventOf(message.body());
                    if (event.isEmpty()) {
                        LOG.log(Level.WARNING, "SQS message {0} is not a token event; dropped", message.messageId());
                    } else if (!handled(event.get(), message)) {
                        continue;
                    }
                    sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.log(
                            Level.WARNING,
                            "SQS poll failed: {0}; retrying",
                            e.getClass().getSimpleName());
                    sleep(1000);
                }
            }
        }
    }

    private boolean handled(TokenEvent event, Message message) {
        try {
            handler.accept(event);
            return true;
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "SQS message {0} ({1}): handler failed with {2}; left for redelivery",
                    message.messageId(),
                    event.type(),
                    e.getClass().getSimpleName());
            return false;
        }
    }

    /** Raw delivery carries the event itself; an SNS envelope (raw delivery off) carries it in "Message". */
    static Optional<TokenEvent> eventOf(String body) {
        Optional<TokenEvent> raw = TokenEvent.parse(body);
        if (raw.isPresent()) {
            return raw;
        }
        return Json.parseObjectOrEmpty(body)
                .flatMap(json -> Json.string(json, "Message"))
                .flatMap(TokenEvent::parse);
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
