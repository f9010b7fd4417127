package dev.reauth.config;

import java.time.Duration;

/**
 * How the refresher treats a proxy that refreshes on its own while its reauth-agent serves the account.
 *
 * @param deadGrace      how long an {@code invalid_grant} is held before the account is called dead, so
 *                       the agent can hand over the proxy's tokens (zero: no grace); a few times the agent's
 *                       detection (about a second) plus one adoption call
 * @param agentFreshness an agent that has not said it serves the account within this no longer counts
 * @param alertQuiet     a second refresher is alerted about again only after it was not seen for this long
 */
public record SecondRefresherSettings(Duration deadGrace, Duration agentFreshness, Duration alertQuiet) {

    /** A held verdict occupies a refresher's worker: it must stay far below the function's timeout. */
    public static final Duration MAX_DEAD_GRACE = Duration.ofSeconds(60);

    public SecondRefresherSettings {
        if (deadGrace.isNegative() || deadGrace.compareTo(MAX_DEAD_GRACE) > 0) {
            throw new ReauthConfig.ConfigException("REFRESH_DEAD_GRACE must be between PT0S and " + MAX_DEAD_GRACE);
        }
        if (agentFreshness.isNegative() || agentFreshness.isZero()) {
            throw new ReauthConfig.ConfigException("AGENT_SEEN_WINDOW must be a positive duration");
        }
    }

    /** The defaults: a 5 s grace, an agent counts for a day after it was last seen, a second refresher alerted about again after a day without it. */
    public static SecondRefresherSettings defaults() {
        return new SecondRefresherSettings(Duration.ofSeconds(5), Duration.ofHours(24), Duration.ofHours(24));
    }
}
