package dev.reauth.aws;

import dev.reauth.domain.Alert;
import dev.reauth.domain.AlertPublisher;
import dev.reauth.domain.ReauthException;
import dev.reauth.wire.Json;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes alerts to the alerts topic, apart from the fleet's: plain text for email subscribers,
 * a JSON object for webhook (HTTPS) subscribers, and an {@code alert_kind} attribute for filters.
 */
public final class SnsAlertPublisher implements AlertPublisher {

    private final SnsClient sns;
    private final String topicArn;

    public SnsAlertPublisher(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    /** The JSON a webhook receives as the SNS message. */
    public static String json(Alert alert) {
        return Json.object()
                .put("kind", alert.kind().wire())
                .put("accountId", alert.accountId())
                .put("accountName", alert.accountName())
                .put("since", alert.since().toString())
                .put("what", alert.what())
                .put("fix", alert.fix())
                .put("subject", alert.subject())
                .toJson();
    }

    @Override
    public void publish(Alert alert) {
        // MessageStructure=json: one message per protocol, "default" for any other
        String message = Json.object()
                .put("default", alert.text())
                .put("email", alert.text())
                .put("https", json(alert))
                .put("sqs", json(alert))
                .toJson();
        try {
            sns.publish(p -> p.topicArn(topicArn)
                    // SNS takes printable ASCII subjects only; account names may be anything
                    .subject(alert.subject().replaceAll("[^\\x20-\\x7E]", "?"))
                    .messageStructure("json")
                    .message(message)
                    .messageAttributes(Map.of(
                            "alert_kind",
                            MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue(alert.kind().wire())
                                    .build())));
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The alerts topic (SNS) is unavailable", e);
        }
    }
}
