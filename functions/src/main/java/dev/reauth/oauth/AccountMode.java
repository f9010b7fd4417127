package dev.reauth.oauth;

/**
 * How an account authenticates, as ccflare tells them apart: an account holding an API key is
 * "console", any other is an OAuth ("max", Claude subscription) account. The mode picks the
 * authorization URL.
 */
public enum AccountMode {
    MAX("max"),
    CONSOLE("console");

    private final String wire;

    AccountMode(String wire) {
        this.wire = wire;
    }

    /** The lower-case name used in requests, responses and the accounts table. */
    public String wire() {
        return wire;
    }

    /** Parses "max" or "console"; anything else is refused. */
    public static AccountMode fromWire(String value) {
        for (AccountMode mode : values()) {
            if (mode.wire.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("mode must be \"max\" or \"console\"");
    }
}
