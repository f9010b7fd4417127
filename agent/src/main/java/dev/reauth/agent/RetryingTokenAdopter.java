package dev.reauth.agent;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Hands a proxy's own tokens over again while reauth fails transiently (unreachable, 5xx, 429: its
 * AWS dependencies failing). The proxy spent the refresh token reauth holds, so a hand-over that is
 * given up leaves reauth to meet {@code invalid_grant} and call a living account dead. Pauses double
 * from {@code first} up to {@code max}; it stops after {@code budget}, and at once on an answer that
 * trying again cannot change (adopted, conflict, another refusal). The final outcome is logged with
 * the number of attempts.
 */
public final class RetryingTokenAdopter implements TokenAdopter {

    private static final System.Logger LOG = System.getLogger(RetryingTokenAdopter.class.getName());

    /** Sleeps (a hand-driven clock in tests). */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private final TokenAdopter delegate;
    private final Duration first;
    private final Duration max;
    private final Duration budget;
    private final Clock clock;
    private final Pause pause;

    public RetryingTokenAdopter(
            TokenAdopter delegate, Duration first, Duration max, Duration budget, Clock clock, Pause pause) {
        if (first.isZero() || first.isNegative() || max.compareTo(first) < 0 || budget.isNegative()) {
            throw new IllegalArgumentException(
                    "adoption retry waits must be positive, the first at most the longest, the budget not negative");
        }
        this.delegate = delegate;
        this.first = first;
        this.max = max;
        this.budget = budget;
        this.clock = clock;
        this.pause = pause;
    }

    /** The agent's setting: first retry after 250 ms, pauses up to 2 s, for up to 2 minutes (longer than a KMS or DynamoDB blip). */
    public static RetryingTokenAdopter around(TokenAdopter delegate) {
        return new RetryingTokenAdopter(
                delegate,
                Duration.ofMillis(250),
                Duration.ofSeconds(2),
                Duration.ofMinutes(2),
                Clock.systemUTC(),
                Thread::sleep);
    }

    @Override
    public Outcome adopt(String accountId, long baseTokenVersion, ProxyCredentials tokens) {
        Instant giveUpAt = clock.instant().plus(budget);
        Duration wait = first;
        for (int attempt = 1; ; attempt++) {
            Outcome outcome = delegate.adopt(accountId, baseTokenVersion, tokens);
            if (!(outcome instanceof Outcome.Failed failed) || !failed.transientFailure()) {
                if (attempt > 1) {
                    LOG.log(
                            Level.INFO,
                            "account {0}: hand-over of token_version {1}''s successor ended after {2} attempts: {3}",
                            accountId,
                            baseTokenVersion,
                            attempt,
                            describe(outcome));
                }
                return outcome;
            }
            if (clock.instant().plus(wait).isAfter(giveUpAt)) {
                LOG.log(
                        Level.WARNING,
                        "account {0}: gave up handing the proxy''s tokens over after {1} attempts in {2} ({3});"
                                + " reauth may call the account dead",
                        accountId,
                        attempt,
                        budget,
                        failed.reason());
                return outcome;
            }
            LOG.log(
                    Level.WARNING,
                    "account {0}: hand-over failed ({1}), attempt {2}; trying again in {3} ms",
                    accountId,
                    failed.reason(),
                    attempt,
                    wait.toMillis());
            try {
                pause.pause(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return outcome;
            }
            wait = wait.multipliedBy(2).compareTo(max) > 0 ? max : wait.multipliedBy(2);
        }
    }

    @Override
    public Optional<Duration> serve(String accountId) {
        return delegate.serve(accountId);
    }

    private static String describe(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Adopted adopted -> "adopted as token_version " + adopted.tokenVersion();
            case Outcome.Conflict conflict -> "reauth has newer tokens";
            case Outcome.Failed failed -> "refused (" + failed.reason() + ")";
        };
    }
}
