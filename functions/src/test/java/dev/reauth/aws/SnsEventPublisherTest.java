package dev.reauth.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.ReauthException;
import dev.reauth.wire.TokenEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.PublishResponse;

class SnsEventPublisherTest {

    private final List<PublishRequest> published = new ArrayList<>();
    private boolean fails;
    private final SnsClient sns = new SnsClient() {
        @Override
        public PublishResponse publish(PublishRequest request) {
            published.add(request);
            if (fails) {
                throw SdkClientException.create("Unable to execute HTTP request: " + RecordingDynamo.AWS_TEXT);
            }
            return PublishResponse.builder().messageId("m-1").build();
        }

        @Override
        public String serviceName() {
            return "sns";
        }

        @Override
        public void close() {}
    };

    @Test
    void publish_sendsTheEventsOwnJson_withTheAttributesFilterPoliciesMatch() {
        TokenEvent event = new TokenEvent(
                TokenEvent.REAUTH_REQUIRED,
                "acct-1",
                "work",
                4,
                Instant.parse("2026-11-27T12:00:00Z"),
                Optional.of("invalid_grant"));

        new SnsEventPublisher(sns, "arn:aws:sns:us-east-1:123456789012:reauth-events").publish(event);

        PublishRequest request = published.getFirst();
        assertThat(request.topicArn()).isEqualTo("arn:aws:sns:us-east-1:123456789012:reauth-events");
        assertThat(request.message()).isEqualTo(event.toJson());
        assertThat(TokenEvent.parse(request.message())).contains(event);
        assertThat(request.messageAttributes()).containsOnlyKeys("event_type", "account_id");
        assertThat(request.messageAttributes().get("event_type").stringValue()).isEqualTo("account.reauth.required");
        assertThat(request.messageAttributes().get("event_type").dataType()).isEqualTo("String");
        assertThat(request.messageAttributes().get("account_id").stringValue()).isEqualTo("acct-1");
    }

    @Test
    void publish_toAnUnreachableTopic_isADependencyFailure_withoutAwsText() {
        fails = true;

        assertThatThrownBy(() -> new SnsEventPublisher(sns, "arn:aws:sns:us-east-1:123456789012:t")
                        .publish(new TokenEvent(TokenEvent.TOKENS_ROTATED, "a", "n", 1, Instant.EPOCH)))
                .isInstanceOf(ReauthException.DependencyFailed.class)
                .hasMessageNotContaining(RecordingDynamo.AWS_TEXT);
    }
}
