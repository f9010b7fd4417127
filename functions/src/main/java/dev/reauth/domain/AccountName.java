package dev.reauth.domain;

/**
 * An account's name as a caller gave it, checked once where the request enters: non-blank, at most
 * {@value #MAX_LENGTH} characters, no control characters, no surrounding spaces.
 */
public record AccountName(String value) {

    /** The longest name a caller may give (UTF-16 code units, as the check has always counted). */
    public static final int MAX_LENGTH = 128;

    /** @throws ReauthException.InvalidRequest with a fixed description that never repeats the value */
    public AccountName {
        if (value == null || value.isBlank()) {
            throw new ReauthException.InvalidRequest("invalid_request", "account name is required");
        }
        if (value.length() > MAX_LENGTH
                || value.chars().anyMatch(Character::isISOControl)
                || !value.equals(value.strip())) {
            throw new ReauthException.InvalidRequest(
                    "invalid_request",
                    "account name must be at most " + MAX_LENGTH
                            + " characters, without control characters or surrounding spaces");
        }
    }

    /** The name itself, so messages that name the account read as they always have. */
    @Override
    public String toString() {
        return value;
    }
}
