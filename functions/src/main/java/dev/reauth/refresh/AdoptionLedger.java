package dev.reauth.refresh;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The accounts table as adoption's checks use it: a per-account rate limit counted on the account's own
 * item with a conditional update, which also reads the version and the identity the account is bound to.
 */
public interface AdoptionLedger {

    /** Whether one more adoption attempt fits the account's limit. */
    sealed interface Admission {
        /** Counted; the account's token_version and the provider account it is bound to (empty: unbound). */
        record Admitted(long tokenVersion, Optional<String> boundAccountUuid) implements Admission {}

        /** Over the limit: nothing counted; the window reopens after {@code retryAfter}. */
        record Limited(Duration retryAfter) implements Admission {}
    }

    /**
     * Counts one adoption attempt: at most {@code limit} per {@code window}, a fixed window starting at the
     * first attempt after the last one closed.
     *
     * @throws dev.reauth.domain.ReauthException.AccountNotFound when there is no such account
     */
    Admission admit(String accountId, int limit, Duration window, Instant now);
}
