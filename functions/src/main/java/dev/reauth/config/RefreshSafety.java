package dev.reauth.config;

import java.time.Duration;
import java.util.Optional;

/**
 * What keeps a provider's answer from being lost: how long the provider and AWS calls may take, how
 * long a refresh may keep retrying to land new tokens, and where they go when it cannot. Checked at
 * start-up: a refresh must fit in its lease and in the function's timeout, and the lease must
 * outlast the function, so a living refresher never loses its lease to another.
 *
 * @param providerTimeout   OAUTH_HTTP_TIMEOUT: one provider call's connect and read timeout
 * @param awsCallTimeout    AWS_CALL_TIMEOUT: one AWS API call, its SDK retries included
 * @param awsAttemptTimeout AWS_ATTEMPT_TIMEOUT: one HTTP attempt of an AWS call
 * @param retryBackoff      REFRESH_RETRY_BACKOFF: the first pause between seal/commit attempts (doubling)
 * @param leaseMargin       REFRESH_LEASE_MARGIN: seal/commit retries stop this long before the lease ends
 * @param functionTimeout   REFRESH_FUNCTION_TIMEOUT: the refresh function's timeout (template Timeout)
 * @param lease             REFRESH_LEASE: how long a claim holds the account
 * @param rescueQueueUrl    RESCUE_QUEUE_URL: where tokens go that could not be landed (none: logged as lost)
 * @param deadGrace         REFRESH_DEAD_GRACE: how long a refused refresh of an agent-served account holds its
 *                          worker before the verdict, each of up to {@link #HELD_VERDICT_WINDOWS} windows
 */
public record RefreshSafety(
        Duration providerTimeout,
        Duration awsCallTimeout,
        Duration awsAttemptTimeout,
        Duration retryBackoff,
        Duration leaseMargin,
        Duration functionTimeout,
        Duration lease,
        Optional<String> rescueQueueUrl,
        Duration deadGrace) {

    /** Provider calls one refresh may make: the grant, its retry without a scope, a redeem for a missing access token. */
    public static final int PROVIDER_CALLS_PER_REFRESH = 3;
    /** AWS calls before the provider call (claim, decrypt) and the fewest that land its answer (encrypt, commit, rescue). */
    public static final int AWS_CALLS_BEFORE_PROVIDER = 2;

    public static final int AWS_CALLS_TO_LAND = 3;
    /**
     * Grace windows a held death verdict may last: the first, and two more while an agent's hand-over is
     * under way. Each holds the refresh's worker, so the function's timeout must cover them all.
     */
    public static final int HELD_VERDICT_WINDOWS = 3;

    /** Left unused at the end of a run, so the function returns before Lambda's timeout. */
    public static final Duration RUN_MARGIN = Duration.ofSeconds(2);

    public RefreshSafety {
        if (awsAttemptTimeout.compareTo(awsCallTimeout) > 0) {
            throw new ReauthConfig.ConfigException("AWS_ATTEMPT_TIMEOUT (" + awsAttemptTimeout
                    + ") must not exceed AWS_CALL_TIMEOUT (" + awsCallTimeout + ")");
        }
        if (lease.compareTo(functionTimeout.plus(leaseMargin)) < 0) {
            throw new ReauthConfig.ConfigException("REFRESH_LEASE (" + lease
                    + ") must outlast REFRESH_FUNCTION_TIMEOUT (" + functionTimeout + ") plus REFRESH_LEASE_MARGIN ("
                    + leaseMargin + "): a refresher still running must still hold its lease");
        }
        Duration refresh = perRefreshBudget(providerTimeout, awsCallTimeout, deadGrace);
        if (functionTimeout.minus(RUN_MARGIN).compareTo(refresh) < 0) {
            throw new ReauthConfig.ConfigException("REFRESH_FUNCTION_TIMEOUT (" + functionTimeout
                    + ") leaves no room for one refresh: " + PROVIDER_CALLS_PER_REFRESH + " x OAUTH_HTTP_TIMEOUT ("
                    + providerTimeout + ") + " + (AWS_CALLS_BEFORE_PROVIDER + AWS_CALLS_TO_LAND)
                    + " x AWS_CALL_TIMEOUT (" + awsCallTimeout + ") + " + HELD_VERDICT_WINDOWS
                    + " x REFRESH_DEAD_GRACE (" + deadGrace + ", a refused refresh held for an agent) + "
                    + RUN_MARGIN.toSeconds() + " s = " + refresh.plus(RUN_MARGIN)
                    + "; raise it or lower the timeouts or the grace");
        }
        // a held verdict has given the lease up: only the landing's calls count against the lease
        Duration landing = perRefreshBudget(providerTimeout, awsCallTimeout, Duration.ZERO);
        if (retryBackoff.compareTo(lease.minus(leaseMargin).minus(landing)) > 0) {
            throw new ReauthConfig.ConfigException("REFRESH_RETRY_BACKOFF (" + retryBackoff
                    + ") leaves no time to retry within REFRESH_LEASE less REFRESH_LEASE_MARGIN");
        }
    }

    /** Without a death verdict held for agents (no REFRESH_DEAD_GRACE to count). */
    public RefreshSafety(
            Duration providerTimeout,
            Duration awsCallTimeout,
            Duration awsAttemptTimeout,
            Duration retryBackoff,
            Duration leaseMargin,
            Duration functionTimeout,
            Duration lease,
            Optional<String> rescueQueueUrl) {
        this(
                providerTimeout,
                awsCallTimeout,
                awsAttemptTimeout,
                retryBackoff,
                leaseMargin,
                functionTimeout,
                lease,
                rescueQueueUrl,
                Duration.ZERO);
    }

    /** The defaults ReauthConfig applies when no variable is set. */
    public static RefreshSafety defaults() {
        return new RefreshSafety(
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofMinutes(3),
                Duration.ofMinutes(4),
                Optional.empty(),
                Duration.ofSeconds(5));
    }

    /** The longest a refresh takes up to its answer: claim, decrypt, and every provider call. */
    public Duration providerPhase() {
        return providerPhase(providerTimeout, awsCallTimeout);
    }

    /**
     * The time one refresh needs at least: its provider phase, then one attempt at each call that lands
     * the answer, or, on a refusal of an agent-served account, the longest held verdict (its lease release,
     * last poll and mark are those three calls).
     */
    public Duration perRefreshBudget() {
        return perRefreshBudget(providerTimeout, awsCallTimeout, deadGrace);
    }

    /** The longest a refused refresh holds its worker for an agent's hand-over. */
    public Duration longestHeldVerdict() {
        return deadGrace.multipliedBy(HELD_VERDICT_WINDOWS);
    }

    private static Duration providerPhase(Duration providerTimeout, Duration awsCallTimeout) {
        return awsCallTimeout
                .multipliedBy(AWS_CALLS_BEFORE_PROVIDER)
                .plus(providerTimeout.multipliedBy(PROVIDER_CALLS_PER_REFRESH));
    }

    private static Duration perRefreshBudget(Duration providerTimeout, Duration awsCallTimeout, Duration deadGrace) {
        return providerPhase(providerTimeout, awsCallTimeout)
                .plus(awsCallTimeout.multipliedBy(AWS_CALLS_TO_LAND))
                .plus(deadGrace.multipliedBy(HELD_VERDICT_WINDOWS));
    }

    /** Kept back from the landing deadline for the rescue deposit itself. */
    public Duration rescueReserve() {
        return awsCallTimeout.multipliedBy(2);
    }
}
