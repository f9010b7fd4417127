package dev.reauth.refresh;

import java.util.List;

/**
 * Where new tokens go when they cannot be sealed or written in time: a store that needs neither KMS
 * nor DynamoDB (in AWS, an SQS queue with SQS-managed encryption and 14 days' retention). Every
 * refresh run drains it before it claims anything.
 */
public interface TokenRescue {

    /**
     * Keeps the tokens until they land.
     *
     * @throws dev.reauth.domain.ReauthException.DependencyFailed when the store is unavailable
     */
    void deposit(RescuedTokens tokens);

    /** Up to {@code max} rescues not yet landed; each stays hidden from other readers while this one lands it. */
    List<Pending> receive(int max);

    /** Forgets a rescue: it landed, or newer tokens made it moot. */
    void settle(Pending pending);

    /** Gives back a rescue that could not land yet, so the next run sees it at once. */
    void release(Pending pending);

    /** A received rescue and the handle to settle it. {@link #toString()} shows no secret. */
    record Pending(RescuedTokens tokens, String receipt) {
        @Override
        public String toString() {
            return "Pending[" + tokens + "]";
        }
    }
}
