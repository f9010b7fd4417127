package dev.reauth.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The account's state when an alert is sent, as the alert states it: what proxies do now. Each alert
 * text is built from one of these, so it cannot say an account "still serves" after its token expired.
 */
public sealed interface AlertState {

    /** What proxies do with the account now, as one sentence. */
    String proxies();

    /** The access token is still valid: proxies keep using it until it expires. */
    record Serving(Instant expiresAt, Instant now) implements AlertState {
        @Override
        public String proxies() {
            return "Proxies keep using the account until its access token expires at " + expiresAt + " (in "
                    + HealthVerdict.human(Duration.between(now, expiresAt)) + ").";
        }
    }

    /** The access token expired: proxies cannot use the account until a refresh succeeds. */
    record Expired(Instant expiredAt, Instant now) implements AlertState {
        @Override
        public String proxies() {
            return "Its access token expired at " + expiredAt + " ("
                    + HealthVerdict.human(Duration.between(expiredAt, now))
                    + " ago): proxies cannot use the account until a refresh succeeds.";
        }
    }

    /** The expiry is not known (an account written before reauth recorded it). */
    record ExpiryUnknown() implements AlertState {
        @Override
        public String proxies() {
            return "Proxies keep using the account until its access token expires (reauth has no expiry recorded).";
        }
    }

    /** The refresh token is dead: proxies were told to stop using the account. */
    record Dead(String reason) implements AlertState {
        @Override
        public String proxies() {
            return "Proxies have stopped using the account (" + reason + "); only a login brings it back.";
        }
    }

    /** The provider suspended the account. */
    record OnHold(Instant since) implements AlertState {
        @Override
        public String proxies() {
            return "The provider put the account on hold at " + since
                    + ": proxies do not use it until the hold is lifted and the account is logged in again.";
        }
    }

    /** New tokens were written: proxies use them now. */
    record Recovered(long tokenVersion) implements AlertState {
        @Override
        public String proxies() {
            return "Proxies use the new tokens now (token_version " + tokenVersion + ").";
        }
    }

    /** Serving or expired, by the access token's expiry at {@code now}. */
    public static AlertState ofExpiry(Optional<Instant> expiresAt, Instant now) {
        return expiresAt
                .<AlertState>map(at -> at.isAfter(now) ? new Serving(at, now) : new Expired(at, now))
                .orElseGet(ExpiryUnknown::new);
    }
}
