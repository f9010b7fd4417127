package dev.reauth.domain;

import java.time.Instant;
import java.util.Optional;

/**
 * A message to the proxy fleet: an account's tokens were rotated, a reload was asked for, or the
 * account needs re-authentication ({@code reason} says why).
 * Proxies flush that account's cached tokens; {@code tokenVersion} lets them converge if a message is lost.
 */
public record AccountEvent(Type type, String accountId, String accountName, long tokenVersion, Instant occurredAt,
                           Optional<String> reason) {

    public AccountEvent(Type type, String accountId, String accountName, long tokenVersion, Instant occurredAt) {
        this(type, accountId, accountName, tokenVersion, occurredAt, Optional.empty());
    }

    /** The event types, as they appear in the {@code event_type} message attribute. */
    public enum Type {
        TOKENS_ROTATED(dev.reauth.wire.TokenEvent.TOKENS_ROTATED),
        RELOAD_REQUESTED(dev.reauth.wire.TokenEvent.RELOAD_REQUESTED),
        REAUTH_REQUIRED(dev.reauth.wire.TokenEvent.REAUTH_REQUIRED);

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }
}
