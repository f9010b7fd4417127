package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One account as {@code GET /accounts} describes it: token status and refresh health, never token
 * material. Missing or unreadable fields become empty, so an older API still lists.
 *
 * @param lastRefreshAt     when reauth last refreshed the tokens successfully
 * @param lastRefreshResult the last refresh attempt's result ({@code ok}, {@code provider_error}, {@code dead}, ...)
 * @param refreshFailures   refresh attempts that failed in a row since the last success
 * @param verdict           the stack's health verdict; empty from a stack deployed before it served one
 */
public record AccountStatus(
        String id,
        String name,
        String mode,
        Optional<String> email,
        Optional<String> accountUuid,
        Optional<String> organizationUuid,
        Optional<String> organizationName,
        long tokenVersion,
        Optional<Instant> tokensUpdatedAt,
        Optional<Instant> expiresAt,
        Optional<Instant> lastRefreshAt,
        Optional<String> lastRefreshResult,
        long refreshFailures,
        long refreshCount,
        boolean requiresReauth,
        Optional<String> reauthReason,
        Optional<Instant> reauthRequiredAt,
        Optional<Instant> refreshTokenExpiresAt,
        Optional<StackVerdict> verdict) {

    /** Reads one element of the answer's {@code accounts} array. */
    public static AccountStatus from(JsonNode account) {
        JsonNode identity = account.path("identity");
        return new AccountStatus(
                account.path("id").asText(""),
                account.path("name").asText(""),
                account.path("mode").asText(""),
                text(identity, "email"),
                text(identity, "accountUuid"),
                text(identity, "organizationUuid"),
                text(identity, "organizationName"),
                account.path("tokenVersion").asLong(0),
                instant(account, "tokensUpdatedAt"),
                instant(account, "expiresAt"),
                instant(account, "lastRefreshAt"),
                text(account, "lastRefreshResult"),
                account.path("refreshFailures").asLong(0),
                account.path("refreshCount").asLong(0),
                account.path("requiresReauth").asBoolean(false),
                text(account, "reauthReason"),
                instant(account, "reauthRequiredAt"),
                instant(account, "refreshTokenExpiresAt"),
                StackVerdict.from(account));
    }

    static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.asText().isBlank()
                ? Optional.empty()
                : Optional.of(value.asText());
    }

    /** An ISO-8601 instant the API sent, if it sent one that parses. */
    static Optional<Instant> instant(JsonNode node, String field) {
        try {
            return text(node, field).map(Instant::parse);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
