package dev.reauth.config;

import java.time.Duration;

/**
 * How the refresher keeps its provider calls polite: a stack-wide budget of token calls per second,
 * shared by scheduled and on-demand refreshes across every concurrent invocation, and a spread of
 * due refreshes over the first part of the lead window, so a thousand accounts due together do not
 * burst.
 *
 * @param callsPerSecond PROVIDER_CALL_BUDGET: refresh calls per second for the whole stack; 0: no budget
 * @param spread         REFRESH_SPREAD: due refreshes start spread over this much of the lead window's
 *                       beginning; zero: each account is refreshed as soon as it is due
 */
public record ProviderPacing(int callsPerSecond, Duration spread) {

    /** No budget and no spread: every due account at once, as fast as the concurrency allows. */
    public static final ProviderPacing OFF = new ProviderPacing(0, Duration.ZERO);

    public ProviderPacing {
        if (callsPerSecond < 0 || callsPerSecond > 10_000) {
            throw new ReauthConfig.ConfigException("PROVIDER_CALL_BUDGET must be between 0 (no budget) and 10000");
        }
        if (spread.isNegative()) {
            throw new ReauthConfig.ConfigException("REFRESH_SPREAD must not be negative");
        }
    }

    /** Whether calls take a permit from the stack-wide budget. */
    public boolean budgeted() {
        return callsPerSecond > 0;
    }

    /**
     * The part of the lead window no spread may reach: half of it, and at least two schedule periods,
     * so an account spread to the last start still gets two more runs (and their retries) before its
     * access token expires.
     */
    public static Duration keptFree(Duration lead, Duration schedulePeriod) {
        Duration half = lead.dividedBy(2);
        Duration twoRuns = schedulePeriod.multipliedBy(2);
        return half.compareTo(twoRuns) >= 0 ? half : twoRuns;
    }

    /** Refuses a spread that would reach into the part of the lead window kept free. */
    void checkAgainst(Duration lead, Duration schedulePeriod) {
        Duration free = keptFree(lead, schedulePeriod);
        if (!spread.isZero() && spread.plus(free).compareTo(lead) > 0) {
            Duration most = lead.minus(free).isNegative() ? Duration.ZERO : lead.minus(free);
            throw new ReauthConfig.ConfigException("REFRESH_SPREAD (" + spread
                    + ") reaches into the end of REFRESH_LEAD ("
                    + lead + ") kept free for retries (half of it, at least two REFRESH_SCHEDULE periods): at most "
                    + most + " here");
        }
    }
}
