package dev.reauth.domain;

import dev.reauth.oauth.AccountMode;
import dev.reauth.oauth.ProviderIdentity;
import java.time.Instant;
import java.util.Optional;

/**
 * What an operator sees of an account's tokens: never token material, only when they expire, whether
 * the account needs re-authentication, and which version is current.
 */
public record AccountStatus(
        String id,
        String name,
        AccountMode mode,
        Optional<Instant> expiresAt,
        boolean requiresReauth,
        long tokenVersion,
        Optional<Instant> tokensUpdatedAt,
        Optional<ProviderIdentity> identity,
        RefreshHealth health) {}
