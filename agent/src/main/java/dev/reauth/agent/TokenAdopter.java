package dev.reauth.agent;

import java.time.Duration;
import java.util.Optional;

/**
 * Hands tokens that a second refresher (the proxy itself) wrote back to reauth, which adopts them
 * with compare-and-set on token_version, so the fleet's one refresher builds on them instead of on a
 * refresh token that may already be spent.
 */
@FunctionalInterface
public interface TokenAdopter {

    /** What reauth did with the tokens. */
    sealed interface Outcome {
        /** Stored as the account's new tokens, at this token_version. */
        record Adopted(long tokenVersion) implements Outcome {}

        /** reauth's token_version moved past the base: its own tokens are newer and stay. */
        record Conflict() implements Outcome {}

        /**
         * Not adopted; {@code reason} holds no token material. {@code transientFailure}: reauth could not be
         * reached or answered 5xx/429 (its AWS dependencies failing), so the same hand-over may succeed later.
         */
        record Failed(String reason, boolean transientFailure) implements Outcome {
            /** A failure that trying again will not change. */
            public Failed(String reason) {
                this(reason, false);
            }
        }
    }

    Outcome adopt(String accountId, long baseTokenVersion, ProxyCredentials tokens);

    /**
     * Tells reauth that this agent serves the account, so a refresh reauth finds refused is held for the
     * agent to hand over the proxy's tokens first.
     *
     * @return the stack's refresh lead when reauth answered with it; empty when not told (or not reachable)
     */
    default Optional<Duration> serve(String accountId) {
        return Optional.empty();
    }

    /** When no reauth API is configured: foreign tokens are only reported. */
    TokenAdopter NONE = (accountId, base, tokens) -> new Outcome.Failed("no reauth API configured (REAUTH_API_URL)");
}
