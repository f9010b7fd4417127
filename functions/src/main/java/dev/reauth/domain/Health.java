package dev.reauth.domain;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The stack's verdict on one account, as {@code GET /accounts} serves it and every client renders it.
 *
 * @param state             the one word a monitor keys on
 * @param reasons           why, by stable names ({@code refresh_overdue}, {@code invalid_grant}, ...); empty when healthy
 * @param summary           the same in one sentence for a person
 * @param fix               the command (or step) that fixes it, when a person must act
 * @param nextDueAt         when the refresher next takes the account; empty when it does not
 * @param lastSuccessAt     the last successful refresh (or token write)
 * @param lastAttemptAt     the last refresh attempt, whatever its result
 * @param lastAttemptResult that attempt's result
 */
public record Health(
        State state,
        List<String> reasons,
        String summary,
        Optional<String> fix,
        Optional<Instant> nextDueAt,
        Optional<Instant> lastSuccessAt,
        Optional<Instant> lastAttemptAt,
        Optional<String> lastAttemptResult) {

    public Health {
        reasons = List.copyOf(reasons);
    }

    /** The states, most urgent last; an account is in the most urgent one any of its reasons puts it in. */
    public enum State {
        HEALTHY,
        REFRESHING,
        EXPIRING,
        ATTENTION,
        ON_HOLD,
        DEAD;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Healthy and refreshing need nobody; every other state asks a person to look. */
        public boolean needsPerson() {
            return this != HEALTHY && this != REFRESHING;
        }
    }
}
