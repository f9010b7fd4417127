package dev.reauth.fleet;

import dev.reauth.wire.Json;
import java.util.Map;
import java.util.Optional;

/**
 * An SNS HTTP(S) delivery: a Notification, SubscriptionConfirmation or UnsubscribeConfirmation, with
 * the fields its signature covers.
 */
public record SnsMessage(
        String type,
        String messageId,
        String topicArn,
        Optional<String> subject,
        String message,
        String timestamp,
        Optional<String> token,
        Optional<String> subscribeUrl,
        String signatureVersion,
        String signature,
        String signingCertUrl) {

    public static final String NOTIFICATION = "Notification";
    public static final String SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation";
    public static final String UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation";

    /** The delivery is not a well-formed SNS message. The message never quotes the body. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public static SnsMessage parse(String body) throws Malformed {
        Map<String, Object> json;
        try {
            json = Json.parseObject(body);
        } catch (Json.NotAnObject e) {
            throw new Malformed("not a JSON object");
        }
        String type = required(json, "Type");
        boolean notification = type.equals(NOTIFICATION);
        if (!notification && !type.equals(SUBSCRIPTION_CONFIRMATION) && !type.equals(UNSUBSCRIBE_CONFIRMATION)) {
            throw new Malformed("unknown Type");
        }
        return new SnsMessage(
                type,
                required(json, "MessageId"),
                required(json, "TopicArn"),
                notification ? Json.string(json, "Subject") : Optional.empty(),
                required(json, "Message"),
                required(json, "Timestamp"),
                notification ? Optional.empty() : Optional.of(required(json, "Token")),
                notification ? Optional.empty() : Optional.of(required(json, "SubscribeURL")),
                required(json, "SignatureVersion"),
                required(json, "Signature"),
                Json.string(json, "SigningCertURL")
                        .or(() -> Json.string(json, "SigningCertUrl"))
                        .orElseThrow(() -> new Malformed("missing SigningCertURL")));
    }

    private static String required(Map<String, Object> json, String field) throws Malformed {
        Optional<String> value = Json.string(json, field);
        if (value.isEmpty() || value.get().isEmpty()) {
            throw new Malformed("missing " + field);
        }
        return value.get();
    }

    /**
     * The string SNS signed: name/value lines in this order, per message type; Subject only when present.
     */
    public String stringToSign() {
        StringBuilder s = new StringBuilder();
        append(s, "Message", message);
        append(s, "MessageId", messageId);
        if (type.equals(NOTIFICATION)) {
            subject.ifPresent(value -> append(s, "Subject", value));
            append(s, "Timestamp", timestamp);
        } else {
            append(s, "SubscribeURL", subscribeUrl.orElseThrow());
            append(s, "Timestamp", timestamp);
            append(s, "Token", token.orElseThrow());
        }
        append(s, "TopicArn", topicArn);
        append(s, "Type", type);
        return s.toString();
    }

    private static void append(StringBuilder s, String name, String value) {
        s.append(name).append('\n').append(value).append('\n');
    }

    @Override
    public String toString() {
        return "SnsMessage[" + type + ", id=" + messageId + ", topic=" + topicArn + "]";
    }
}
