package dev.reauth.refresh;

/**
 * The stack-wide allowance of provider token calls per second, shared by every invocation of the
 * refresher (scheduled and on demand), so it needs shared state: one conditional counter per second.
 */
public interface ProviderCallBudget {

    /** No budget: every call may go. */
    ProviderCallBudget UNLIMITED = second -> true;

    /**
     * Takes one call from the allowance of the second starting at {@code epochSecond}.
     *
     * @return false when that second's calls are all taken
     * @throws dev.reauth.domain.ReauthException.DependencyFailed when the shared counter is unavailable
     */
    boolean tryTake(long epochSecond);
}
