package dev.reauth.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.domain.AccountEvent;
import dev.reauth.domain.EventPublisher;
import dev.reauth.domain.ReauthException;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes account events to the fleet's SNS topic: a JSON body, and the message attributes
 * {@code event_type} and {@code account_id} that subscription filter policies match on.
 */
public final class SnsEventPublisher implements EventPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String topicArn;

    public SnsEventPublisher(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /** The message body: {@code {"type","accountId","accountName","tokenVersion","occurredAt"}}. */
    public static String body(AccountEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", event.type().wire());
        node.put("accountId", event.accountId());
        node.put("accountName", event.accountName());
        node.put("tokenVersion", event.tokenVersion());
        node.put("occurredAt", event.occurredAt().toString());
        return node.toString();
    }

    @Override
    public void publish(AccountEvent event) {
        try {
            sns.publish(p -> p.topicArn(topicArn)
                    .message(body(event))
                    .messageAttributes(Map.of(
                            "event_type", stringAttribute(event.type().wire()),
                            "account_id", stringAttribute(event.accountId()))));
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The fleet notification topic (SNS) is unavailable", e);
        }
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
