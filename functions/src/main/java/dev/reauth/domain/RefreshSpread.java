package dev.reauth.domain;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * When the refresher first takes a due account: its access token enters the lead window at
 * {@code expiresAt - lead}, and the account starts a fixed fraction of the spread later. The fraction
 * comes from the account id alone, so every run (and the health verdict) computes the same start,
 * and accounts due together are spread evenly without any shared state.
 */
public final class RefreshSpread {

    private RefreshSpread() {}

    /** The account's place in the spread, in [0, 1): stable for its id, uniform over ids. */
    public static double fraction(String accountId) {
        long bits = UUID.nameUUIDFromBytes(accountId.getBytes(StandardCharsets.UTF_8))
                .getMostSignificantBits();
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** When the refresher first takes the account: in the lead window, never later than {@code spread} into it. */
    public static Instant startAt(String accountId, Instant expiresAt, Duration lead, Duration spread) {
        Instant due = expiresAt.minus(lead);
        if (spread.isZero()) {
            return due;
        }
        long offsetMillis = (long) Math.floor(fraction(accountId) * spread.toMillis());
        return due.plusMillis(offsetMillis);
    }
}
