package dev.reauth.domain;

/**
 * An account's id (the accounts table's key) as a caller gave it, checked once where the request
 * enters: non-blank, at most {@value #MAX_LENGTH} characters, no control characters.
 */
public record AccountId(String value) {

    /** The longest id a caller may give; the fleet's ids are UUIDs, far shorter. */
    public static final int MAX_LENGTH = 128;

    /** @throws ReauthException.InvalidRequest with a fixed description that never repeats the value */
    public AccountId {
        if (value == null
                || value.isBlank()
                || value.length() > MAX_LENGTH
                || value.chars().anyMatch(Character::isISOControl)) {
            throw new ReauthException.InvalidRequest("invalid_request", "account id is missing or malformed");
        }
    }

    /** The id itself, so messages that name the account read as they always have. */
    @Override
    public String toString() {
        return value;
    }
}
