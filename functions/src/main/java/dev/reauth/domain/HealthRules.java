package dev.reauth.domain;

import java.time.Duration;

/**
 * The stack's own settings the health verdict judges by, so every reader sees the same answer.
 *
 * @param lead           an access token expiring within this is due for refresh (RefreshLead)
 * @param schedulePeriod how often the scheduled refresh runs (RefreshSchedule)
 * @param minInterval    at most one provider call per account per this (a due account may wait for it)
 * @param failingAfter   failures in a row from which a person should look (the refresher alerts then too)
 * @param expiringWithin a refresh token the provider stops honouring within this needs a login soon
 * @param spread         due refreshes start spread over this much of the lead window (RefreshSpread)
 */
public record HealthRules(
        Duration lead,
        Duration schedulePeriod,
        Duration minInterval,
        int failingAfter,
        Duration expiringWithin,
        Duration spread) {

    /** The refresher alerts on the third failure in a row; the verdict asks for a person at the same count. */
    public static final int FAILING_AFTER = 3;

    /** A refresh-token deadline this close asks for a login (the template's ExpiringWarning default). */
    public static final Duration EXPIRING_WITHIN = Duration.ofDays(3);

    /** The template's defaults: RefreshLead 60 min, rate(5 minutes), 30 s between provider calls. */
    public static final HealthRules DEFAULTS = new HealthRules(
            Duration.ofMinutes(60), Duration.ofMinutes(5), Duration.ofSeconds(30), FAILING_AFTER, EXPIRING_WITHIN);

    /** Rules without a spread: an account is due as soon as it enters the lead window. */
    public HealthRules(
            Duration lead, Duration schedulePeriod, Duration minInterval, int failingAfter, Duration expiringWithin) {
        this(lead, schedulePeriod, minInterval, failingAfter, expiringWithin, Duration.ZERO);
    }

    public HealthRules {
        if (lead.isNegative()
                || lead.isZero()
                || schedulePeriod.isNegative()
                || schedulePeriod.isZero()
                || minInterval.isNegative()
                || failingAfter < 1
                || expiringWithin.isNegative()
                || spread.isNegative()) {
            throw new IllegalArgumentException("health rules need a positive lead and schedule period");
        }
    }

    /** How long past its due time an account may wait before it is overdue: two schedule periods. */
    public Duration overdueAfter() {
        return schedulePeriod.multipliedBy(2);
    }
}
