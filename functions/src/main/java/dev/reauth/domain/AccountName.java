package dev.reauth.domain;

import java.util.regex.Pattern;

/**
 * An account's name as a caller gave it, checked once where the request enters: non-blank, at most
 * {@value #MAX_LENGTH} characters, no control characters, no surrounding spaces. A name for a new
 * account must also be in {@link #NEW_NAME_RULE} ({@link #forNewAccount}); names stored before that rule
 * still look up their account, so nothing is renamed silently.
 */
public record AccountName(String value) {

    /** The longest name a caller may give (UTF-16 code units, as the check has always counted). */
    public static final int MAX_LENGTH = 128;

    /** The longest name a new account may take. */
    public static final int MAX_NEW_LENGTH = 64;

    /** What a new account's name is made of, for error messages and the documentation. */
    public static final String NEW_NAME_RULE = "1 to 64 of A-Z a-z 0-9 . _ @ -, and not . or ..";

    private static final Pattern NEW_NAME = Pattern.compile("[A-Za-z0-9._@-]{1," + MAX_NEW_LENGTH + "}");

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

    /**
     * The name of an account about to be created (added or imported): only {@link #NEW_NAME_RULE}, so no
     * name carries a path separator, a dot segment, or bidirectional and zero-width characters that make
     * two names look alike.
     *
     * @throws ReauthException.InvalidRequest with a fixed description that never repeats the value
     */
    public static AccountName forNewAccount(String value) {
        AccountName name = new AccountName(value);
        if (!name.isWithinNewNameRule()) {
            throw new ReauthException.InvalidRequest(
                    "invalid_request", "account name must be " + NEW_NAME_RULE + " (nothing was created)");
        }
        return name;
    }

    /** Whether a new account could take this name today (a stored name outside it is listed by the name check). */
    public boolean isWithinNewNameRule() {
        return isWithinNewNameRule(value);
    }

    /** The same for any stored name, however malformed (the name check lists those outside the rule). */
    public static boolean isWithinNewNameRule(String value) {
        return value != null && NEW_NAME.matcher(value).matches() && !value.equals(".") && !value.equals("..");
    }

    /** The name itself, so messages that name the account read as they always have. */
    @Override
    public String toString() {
        return value;
    }
}
