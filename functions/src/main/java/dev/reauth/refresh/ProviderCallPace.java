package dev.reauth.refresh;

import dev.reauth.domain.ReauthException;
import dev.reauth.log.StructuredLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits for a call from the stack-wide provider budget: takes one of the current second's calls, or
 * sleeps to the next second and tries again, until a deadline. A counter that cannot be read counts
 * as no call: nothing is sent to the provider that the budget did not allow, and nothing was rotated.
 */
public final class ProviderCallPace {

    private static final StructuredLog LOG = StructuredLog.of(ProviderCallPace.class);

    /** How the pace waits (a test's clock moves instead). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final ProviderCallBudget budget;
    private final Clock clock;
    private final Sleeper sleeper;

    public ProviderCallPace(ProviderCallBudget budget, Clock clock, Sleeper sleeper) {
        this.budget = budget;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** No budget: every call goes at once. */
    public static ProviderCallPace unlimited() {
        return new ProviderCallPace(ProviderCallBudget.UNLIMITED, Clock.systemUTC(), Thread::sleep);
    }

    /**
     * Takes one provider call from the budget, waiting for a later second while the current one's are
     * taken.
     *
     * @return false when no call was free before {@code until} (then none may be made)
     */
    public boolean await(Instant until) {
        while (true) {
            Instant now = clock.instant();
            long second = now.getEpochSecond();
            try {
                if (budget.tryTake(second)) {
                    return true;
                }
            } catch (ReauthException.DependencyFailed unavailable) {
                LOG.warn("refresh.provider_budget_unavailable");
                return false;
            }
            Instant next = Instant.ofEpochSecond(second + 1);
            if (!next.isBefore(until)) {
                return false;
            }
            try {
                sleeper.sleep(Duration.between(now, next));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
