package dev.reauth.refresh;

import dev.reauth.wire.TokenBundle;
import java.time.Instant;
import java.util.Optional;

/**
 * Tokens a refresh got from the provider but could not land (KMS or DynamoDB stayed down past its
 * retries): the only copy, kept in the rescue queue until a later run seals and lands them.
 * {@link #toString()} shows no secret.
 *
 * @param baseVersion the token version the refresh was leased on: the rescue lands only on it
 * @param leaseOwner  the lease id of that refresh, which may still be on the item
 */
public record RescuedTokens(
        String accountId,
        String accountName,
        long baseVersion,
        String leaseOwner,
        TokenBundle tokens,
        Instant expiresAt,
        boolean refreshTokenRotated,
        Optional<String> attention,
        Instant rescuedAt) {

    @Override
    public String toString() {
        return "RescuedTokens[accountId=" + accountId + ", baseVersion=" + baseVersion + ", rescuedAt=" + rescuedAt
                + ", tokens=***]";
    }
}
