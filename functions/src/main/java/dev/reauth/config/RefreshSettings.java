package dev.reauth.config;

import dev.reauth.domain.HealthRules;
import java.time.Duration;
import java.util.Optional;

/**
 * How the refresher keeps accounts alive: what counts as due, how many provider calls run at once,
 * and how single flight and the on-demand route behave.
 *
 * @param refreshIndex   the sparse GSI (partition {@code refresh_bucket}, sort {@code expires_at})
 * @param buckets        how many partitions the index is spread over; each run queries every one
 * @param lead           an access token expiring within this is refreshed
 * @param concurrency    provider calls at once in a scheduled run
 * @param lease          how long a claimed refresh holds the account; far longer than one refresh takes
 * @param minInterval    at most one provider call per account per this, whatever the callers do
 * @param onDemandWait   how long an on-demand caller waits for a refresh already in flight
 * @param alertsTopicArn where alerts for people go; none means alerts are only logged
 * @param schedulePeriod how often the scheduled refresh runs (RefreshSchedule), for the health verdict
 * @param pacing         the stack-wide provider call budget and the spread of due refreshes over the lead window
 */
public record RefreshSettings(
        String refreshIndex,
        int buckets,
        Duration lead,
        int concurrency,
        Duration lease,
        Duration minInterval,
        Duration onDemandWait,
        Optional<String> alertsTopicArn,
        Duration schedulePeriod,
        ProviderPacing pacing) {

    /** The template's default schedule, rate(5 minutes). */
    public static final Duration DEFAULT_SCHEDULE_PERIOD = Duration.ofMinutes(5);

    /** Settings on the default schedule. */
    public RefreshSettings(
            String refreshIndex,
            int buckets,
            Duration lead,
            int concurrency,
            Duration lease,
            Duration minInterval,
            Duration onDemandWait,
            Optional<String> alertsTopicArn) {
        this(
                refreshIndex,
                buckets,
                lead,
                concurrency,
                lease,
                minInterval,
                onDemandWait,
                alertsTopicArn,
                DEFAULT_SCHEDULE_PERIOD);
    }

    /** Settings without a provider call budget or spread. */
    public RefreshSettings(
            String refreshIndex,
            int buckets,
            Duration lead,
            int concurrency,
            Duration lease,
            Duration minInterval,
            Duration onDemandWait,
            Optional<String> alertsTopicArn,
            Duration schedulePeriod) {
        this(
                refreshIndex,
                buckets,
                lead,
                concurrency,
                lease,
                minInterval,
                onDemandWait,
                alertsTopicArn,
                schedulePeriod,
                ProviderPacing.OFF);
    }

    public RefreshSettings {
        if (buckets < 1 || buckets > 64) {
            throw new ReauthConfig.ConfigException("REFRESH_BUCKETS must be between 1 and 64");
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new ReauthConfig.ConfigException("REFRESH_CONCURRENCY must be between 1 and 64");
        }
        pacing.checkAgainst(lead, schedulePeriod);
    }

    /** The rules the health verdict judges by: this lead, schedule and interval. */
    public HealthRules healthRules() {
        return new HealthRules(
                lead,
                schedulePeriod,
                minInterval,
                HealthRules.FAILING_AFTER,
                HealthRules.EXPIRING_WITHIN,
                pacing.spread());
    }
}
