package dev.reauth.config;

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
 */
public record RefreshSettings(
        String refreshIndex,
        int buckets,
        Duration lead,
        int concurrency,
        Duration lease,
        Duration minInterval,
        Duration onDemandWait,
        Optional<String> alertsTopicArn) {

    public RefreshSettings {
        if (buckets < 1 || buckets > 64) {
            throw new ReauthConfig.ConfigException("REFRESH_BUCKETS must be between 1 and 64");
        }
        if (concurrency < 1 || concurrency > 64) {
            throw new ReauthConfig.ConfigException("REFRESH_CONCURRENCY must be between 1 and 64");
        }
    }
}
