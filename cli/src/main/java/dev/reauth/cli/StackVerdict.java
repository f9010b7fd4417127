package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stack's health verdict on one account, as {@code GET /accounts} serves it. The CLI and the
 * dashboard only render it: the stack judged it with its own lead window and schedule.
 *
 * @param state   healthy, refreshing, attention, expiring, on_hold or dead
 * @param reasons stable names of why ({@code refresh_overdue}, {@code invalid_grant}, ...)
 * @param summary the same in one sentence
 * @param fix     what a person does, when one must
 */
public record StackVerdict(
        String state,
        List<String> reasons,
        String summary,
        Optional<String> fix,
        Optional<Instant> nextDueAt,
        Optional<Instant> lastSuccessAt,
        Optional<Instant> lastAttemptAt,
        Optional<String> lastAttemptResult,
        List<RecentAlert> recentAlerts) {

    /** The one line a CLI shows against a stack deployed before it served verdicts. */
    static final String NOT_SERVED = "this stack serves no health verdict (it was deployed before reauth judged health"
            + " in the stack); upgrade it: docs/deploying.md";

    /** An alert sent for the account; {@code at} is empty for alerts noted before times were kept. */
    public record RecentAlert(String kind, Optional<Instant> at) {}

    /** Healthy and refreshing need nobody; every other state asks a person to look. */
    public boolean needsPerson() {
        return !state.equals("healthy") && !state.equals("refreshing");
    }

    /** The verdict in an account of {@code GET /accounts}; empty when the stack serves none. */
    static Optional<StackVerdict> from(JsonNode account) {
        JsonNode health = account.get("health");
        if (health == null
                || !health.isObject()
                || health.path("state").asText("").isBlank()) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>();
        health.path("reasons").forEach(reason -> reasons.add(reason.asText()));
        List<RecentAlert> alerts = new ArrayList<>();
        health.path("recentAlerts")
                .forEach(alert ->
                        alerts.add(new RecentAlert(alert.path("kind").asText(), AccountStatus.instant(alert, "at"))));
        return Optional.of(new StackVerdict(
                health.path("state").asText(),
                List.copyOf(reasons),
                health.path("summary").asText(""),
                AccountStatus.text(health, "fix"),
                AccountStatus.instant(health, "nextDueAt"),
                AccountStatus.instant(health, "lastSuccessAt"),
                AccountStatus.instant(health, "lastAttemptAt"),
                AccountStatus.text(health, "lastAttemptResult"),
                List.copyOf(alerts)));
    }
}
