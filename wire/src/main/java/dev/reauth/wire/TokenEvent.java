package dev.reauth.wire;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * An account event, the one type the functions publish and the fleet consumes:
 * {@code {"type","accountId","accountName","tokenVersion","occurredAt","reason"?}} ("reason" on
 * {@code account.reauth.required}), with message attributes
 * {@code event_type} and {@code account_id} for subscription filter policies.
 */
public record TokenEvent(
        String type,
        String accountId,
        String accountName,
        long tokenVersion,
        Instant occurredAt,
        Optional<String> reason) {

    public static final String TOKENS_ROTATED = "account.tokens.rotated";
    public static final String RELOAD_REQUESTED = "account.reload.requested";
    /** The account's refresh token is dead: proxies stop using it until it is re-authenticated. */
    public static final String REAUTH_REQUIRED = "account.reauth.required";

    public TokenEvent(String type, String accountId, String accountName, long tokenVersion, Instant occurredAt) {
        this(type, accountId, accountName, tokenVersion, occurredAt, Optional.empty());
    }

    public static final String ATTRIBUTE_EVENT_TYPE = "event_type";
    public static final String ATTRIBUTE_ACCOUNT_ID = "account_id";

    public String toJson() {
        return Json.object()
                .put("type", type)
                .put("accountId", accountId)
                .put("accountName", accountName)
                .put("tokenVersion", tokenVersion)
                .put("occurredAt", occurredAt.toString())
                .putIfPresent("reason", reason)
                .toJson();
    }

    /** Reads a message body; empty when it is not a token event. */
    public static Optional<TokenEvent> parse(String body) {
        Optional<Map<String, Object>> json = Json.parseObjectOrEmpty(body);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> m = json.get();
        Optional<String> type = Json.string(m, "type");
        Optional<String> accountId = Json.string(m, "accountId").filter(id -> !id.isBlank());
        if (type.isEmpty() || accountId.isEmpty() || !(m.get("tokenVersion") instanceof Long version)) {
            return Optional.empty();
        }
        Instant occurredAt;
        try {
            occurredAt = Json.string(m, "occurredAt").map(Instant::parse).orElse(Instant.EPOCH);
        } catch (DateTimeParseException e) {
            occurredAt = Instant.EPOCH;
        }
        return Optional.of(new TokenEvent(
                type.get(),
                accountId.get(),
                Json.string(m, "accountName").orElse(""),
                version,
                occurredAt,
                Json.string(m, "reason")));
    }
}
