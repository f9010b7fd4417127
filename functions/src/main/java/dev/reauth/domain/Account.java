package dev.reauth.domain;

import dev.reauth.oauth.AccountMode;

/**
 * The part of a proxy account re-authentication needs to know. Everything else on the item
 * (priority, usage, rate limits, ...) belongs to the fleet and is never read here.
 *
 * @param tokenVersion the item's {@code token_version}, 0 when it has none yet
 * @param requiresReauth whether it is marked as needing re-authentication (its refresh token died)
 */
public record Account(String id, String name, AccountMode mode, long tokenVersion, boolean requiresReauth) {}
