package dev.reauth.domain;

import dev.reauth.oauth.AccountMode;

/**
 * The part of a proxy account re-authentication needs to know. Everything else on the item
 * (priority, usage, rate limits, ...) belongs to the fleet and is never read here.
 *
 * @param tokenVersion the item's {@code token_version}, 0 when it has none yet
 * @param requiresReauth whether it is marked as needing re-authentication (its refresh token died)
 */
public record Account(String id, String name, AccountMode mode, long tokenVersion, boolean requiresReauth) {

    private static final int MAX_NAME_LENGTH = 128;

    /** Checks a name given by a caller: non-blank, at most 128 characters, no control characters. */
    public static String requireValidName(String name) {
        if (name == null || name.isBlank()) {
            throw new ReauthException.InvalidRequest("invalid_request", "account name is required");
        }
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl) || !name.equals(name.strip())) {
            throw new ReauthException.InvalidRequest("invalid_request",
                    "account name must be at most " + MAX_NAME_LENGTH + " characters, without control characters or surrounding spaces");
        }
        return name;
    }

    /** Checks an account id given by a caller. */
    public static String requireValidId(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_NAME_LENGTH || id.chars().anyMatch(Character::isISOControl)) {
            throw new ReauthException.InvalidRequest("invalid_request", "account id is missing or malformed");
        }
        return id;
    }
}
