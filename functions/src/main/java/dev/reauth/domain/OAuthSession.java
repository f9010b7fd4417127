package dev.reauth.domain;

import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.CodeVerifier;
import java.time.Instant;
import java.util.Optional;

/**
 * One pending authorization: what the callback needs to finish it. Keyed by the hash of its state;
 * the raw state is never stored. {@link #toString()} hides the verifier.
 *
 * @param accountId the account being re-authenticated, or the id the added account will get
 * @param baseTokenVersion the account's token_version when the session started (0 for an add);
 *                         the commit compares-and-sets against it
 * @param initiator the IAM principal that started it, when the request had one
 * @param allowAccountChange the operator allowed another provider account than the one the account is bound to
 * @param accountRequiredReauth the account was marked dead when the session started: completing it is a recovery
 */
public record OAuthSession(
        String stateHash,
        SessionIntent intent,
        String accountId,
        String accountName,
        AccountMode mode,
        CodeVerifier verifier,
        String redirectUri,
        Optional<String> initiator,
        Instant createdAt,
        Instant expiresAt,
        long baseTokenVersion,
        boolean allowAccountChange,
        boolean accountRequiredReauth) {

    public boolean isExpiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "OAuthSession[intent=" + intent + ", accountId=" + accountId + ", mode=" + mode + ", expiresAt="
                + expiresAt + ", verifier=***]";
    }
}
