package dev.reauth.aws;

import dev.reauth.domain.ReauthException;
import dev.reauth.refresh.RescuedTokens;
import dev.reauth.refresh.TokenRescue;
import dev.reauth.wire.Json;
import dev.reauth.wire.TokenBundleJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The rescue queue on SQS: a standard queue encrypted with SQS-managed keys (no KMS call, so a KMS
 * outage cannot block it), keeping messages 14 days, readable only by the refresh function's role.
 * The body is the token bundle in plaintext JSON (encrypted at rest by SQS); never logged.
 */
public final class SqsTokenRescue implements TokenRescue {

    /** How long a received rescue stays hidden from other runs while this one lands it. */
    static final int VISIBILITY_SECONDS = 60;
    /** Long polling asks every SQS server, so a run does not miss a rescue that short polling would. */
    static final int WAIT_SECONDS = 1;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsTokenRescue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void deposit(RescuedTokens tokens) {
        try {
            sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(body(tokens)));
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The rescue queue is unavailable", e);
        }
    }

    @Override
    public List<Pending> receive(int max) {
        List<Message> messages;
        try {
            messages = sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                            .maxNumberOfMessages(max)
                            .visibilityTimeout(VISIBILITY_SECONDS)
                            .waitTimeSeconds(WAIT_SECONDS))
                    .messages();
        } catch (SdkException e) {
            throw new ReauthException.DependencyFailed("The rescue queue is unavailable", e);
        }
        List<Pending> pending = new ArrayList<>();
        for (Message message : messages) {
            parse(message.body()).ifPresent(tokens -> pending.add(new Pending(tokens, message.receiptHandle())));
        }
        return pending;
    }

    @Override
    public void settle(Pending pending) {
        try {
            sqs.deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(pending.receipt()));
        } catch (SdkException e) {
            // it shows up again after the visibility timeout and is found moot then
            throw new ReauthException.DependencyFailed("The rescue queue is unavailable", e);
        }
    }

    @Override
    public void release(Pending pending) {
        try {
            sqs.changeMessageVisibility(
                    c -> c.queueUrl(queueUrl).receiptHandle(pending.receipt()).visibilityTimeout(0));
        } catch (SdkException e) {
            // it shows up again after the visibility timeout anyway
            throw new ReauthException.DependencyFailed("The rescue queue is unavailable", e);
        }
    }

    static String body(RescuedTokens t) {
        Json.ObjectWriter json = Json.object()
                .put("accountId", t.accountId())
                .put("accountName", t.accountName())
                .put("baseVersion", t.baseVersion())
                .put("leaseOwner", t.leaseOwner())
                .put("tokens", Base64.getEncoder().encodeToString(TokenBundleJson.write(t.tokens())))
                .put("expiresAt", t.expiresAt().toEpochMilli())
                .put("refreshTokenRotated", t.refreshTokenRotated())
                .put("rescuedAt", t.rescuedAt().toEpochMilli());
        t.attention().ifPresent(reason -> json.put("attention", reason));
        return json.toJson();
    }

    /** The rescue in a message body; empty for a body that is not one (it is left to expire, never logged). */
    static Optional<RescuedTokens> parse(String body) {
        try {
            Map<String, Object> json = Json.parseObject(body);
            return Optional.of(new RescuedTokens(
                    Json.string(json, "accountId").orElseThrow(),
                    Json.string(json, "accountName").orElse(""),
                    ((Number) json.get("baseVersion")).longValue(),
                    Json.string(json, "leaseOwner").orElseThrow(),
                    TokenBundleJson.read(Base64.getDecoder()
                            .decode(Json.string(json, "tokens").orElseThrow().getBytes(StandardCharsets.US_ASCII))),
                    Instant.ofEpochMilli(((Number) json.get("expiresAt")).longValue()),
                    Boolean.TRUE.equals(json.get("refreshTokenRotated")),
                    Json.string(json, "attention"),
                    Instant.ofEpochMilli(((Number) json.get("rescuedAt")).longValue())));
        } catch (Json.NotAnObject | RuntimeException unreadable) {
            return Optional.empty();
        }
    }
}
