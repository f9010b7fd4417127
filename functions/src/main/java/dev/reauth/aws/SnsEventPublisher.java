package dev.reauth.aws;

import dev.reauth.domain.EventPublisher;
import dev.reauth.domain.ReauthException;
import dev.reauth.wire.TokenEvent;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes account events to the fleet's SNS topic: a JSON body, and the message attributes
 * {@code event_type} and {@code account_id} that subscription filter policies match on.
 */
public final class SnsEventPublisher implements EventPublisher {

    private final SnsClient sns;
    private final String topicArn;

    public SnsEventPublisher(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public void publish(TokenEvent event) {
        try {
            sns.publish(p -> p.topicArn(topicArn)
                    .message(event.toJson())
                    .messageAttributes(Map.of(
                            TokenEvent.ATTRIBUTE_EVENT_TYPE, stringAttribute(event.type()),
                            TokenEvent.ATTRIBUTE_ACCOUNT_ID, stringAttribute(event.accountId()))));
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The fleet notification topic (SNS) is unavailable", e);
        }
    }

    private static MessageAttributeValue stringAttribute(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }
}
