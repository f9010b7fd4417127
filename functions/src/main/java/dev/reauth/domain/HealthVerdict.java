package dev.reauth.domain;

import dev.reauth.domain.Health.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one place an account's health is judged, with the stack's own settings. Pure: the account as
 * the table records it, the time, the rules in; the verdict out. The states, most urgent first:
 * <ul>
 *   <li>{@code dead}: only a login brings it back (it requires re-authentication, reauth holds no
 *       tokens for it, or the provider no longer honours its refresh token);</li>
 *   <li>{@code on_hold}: the provider suspended the account;</li>
 *   <li>{@code attention}: tokens are stored but a person must look: refreshes keep failing, the
 *       access token expired, a refresh is overdue by two schedule periods (the schedule is not
 *       running, or cannot reach the account), a refresh's answer was lost, rescued tokens have waited
 *       in the rescue queue for longer than two schedule periods, or the refresher flagged it;</li>
 *   <li>{@code expiring}: the refresh token stops working soon, so a login is needed before then;</li>
 *   <li>{@code refreshing}: due now, in flight, retrying after fewer failures than the alert count, or
 *       its newest tokens wait in the rescue queue for the next run to land them;</li>
 *   <li>{@code healthy}: refreshed, and the next refresh is ahead.</li>
 * </ul>
 */
public final class HealthVerdict {

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._@+=:,/-]+");

    private HealthVerdict() {}

    private record Finding(State state, String reason, String words, Optional<String> fix) {}

    /** The verdict on {@code account} at {@code now}. */
    public static Health judge(AccountStatus account, Instant now, HealthRules rules) {
        RefreshHealth facts = account.health();
        String relogin = "reauth --reauthenticate " + shellWord(account.name());
        List<Finding> findings = new ArrayList<>();

        if (account.requiresReauth()) {
            findings.add(new Finding(
                    State.DEAD,
                    facts.reauthReason().orElse("requires_reauth"),
                    "requires re-authentication"
                            + facts.reauthRequiredAt()
                                    .map(at -> " since " + ago(at, now))
                                    .orElse("")
                            + "; proxies do not use it",
                    Optional.of(relogin)));
        } else if (account.expiresAt().isEmpty()) {
            findings.add(new Finding(
                    State.DEAD,
                    "no_tokens",
                    "reauth holds no tokens for it (never logged in through reauth)",
                    Optional.of(relogin)));
        }
        facts.refreshTokenExpiresAt().ifPresent(deadline -> {
            if (!deadline.isAfter(now)) {
                findings.add(new Finding(
                        State.DEAD,
                        "refresh_token_expired",
                        "the provider stopped honouring its refresh token " + ago(deadline, now),
                        Optional.of(relogin)));
            } else if (Duration.between(now, deadline).compareTo(rules.expiringWithin()) <= 0) {
                findings.add(new Finding(
                        State.EXPIRING,
                        "refresh_token_expiring",
                        "its refresh token stops working in " + human(Duration.between(now, deadline))
                                + "; log in again before then",
                        Optional.of(relogin)));
            }
        });
        facts.onHoldAt()
                .ifPresent(at -> findings.add(new Finding(
                        State.ON_HOLD,
                        "on_hold",
                        "the provider put the account on hold " + ago(at, now) + "; proxies do not use it",
                        Optional.of("resolve the hold with the provider; reauth refreshes it again once lifted"))));
        facts.attentionReason()
                .ifPresent(reason -> findings.add(new Finding(
                        State.ATTENTION,
                        reason,
                        "flagged for a person"
                                + facts.attentionAt()
                                        .map(at -> " " + ago(at, now))
                                        .orElse("")
                                + "; its tokens still serve",
                        Optional.of("look at the account's alerts, then: " + relogin))));
        facts.rotationUncertainAt()
                .ifPresent(at -> findings.add(new Finding(
                        State.ATTENTION,
                        "rotation_uncertain",
                        "the answer to a refresh " + ago(at, now)
                                + " was lost: the provider may have rotated the refresh token",
                        Optional.of("if the next refresh fails: " + relogin))));
        facts.rescuePendingAt().ifPresent(at -> findings.add(rescuePending(at, now, rules)));

        boolean refreshable = findings.stream().noneMatch(f -> f.state() == State.DEAD || f.state() == State.ON_HOLD);
        Optional<Instant> nextDue = refreshable
                ? account.expiresAt().map(expiry -> nextDue(account.id(), expiry, facts, rules))
                : Optional.empty();
        if (refreshable) {
            timing(account, facts, nextDue.orElseThrow(), now, rules, relogin, findings);
        }

        State state = findings.stream()
                .map(Finding::state)
                .max(Comparator.naturalOrder())
                .orElse(State.HEALTHY);
        List<Finding> ordered = findings.stream()
                .sorted(Comparator.comparing(Finding::state).reversed())
                .toList();
        String summary = ordered.isEmpty()
                ? healthySummary(facts, nextDue.orElseThrow(), now)
                : String.join("; ", ordered.stream().map(Finding::words).toList());
        Optional<String> fix = state.needsPerson()
                ? ordered.stream().flatMap(f -> f.fix().stream()).findFirst()
                : Optional.empty();
        return new Health(
                state,
                ordered.stream().map(Finding::reason).toList(),
                summary,
                fix,
                nextDue,
                facts.lastRefreshAt().or(account::tokensUpdatedAt),
                facts.lastAttemptAt(),
                facts.lastResult());
    }

    /**
     * The refresher takes the account once it is in the lead window at its place in the spread, the
     * per-account interval has passed, and any backoff is over.
     */
    private static Instant nextDue(String accountId, Instant expiresAt, RefreshHealth facts, HealthRules rules) {
        Instant due = RefreshSpread.startAt(accountId, expiresAt, rules.lead(), rules.spread());
        Optional<Instant> throttledUntil = facts.lastAttemptAt().map(at -> at.plus(rules.minInterval()));
        for (Optional<Instant> later : List.of(throttledUntil, facts.nextRefreshAt())) {
            if (later.isPresent() && later.get().isAfter(due)) {
                due = later.get();
            }
        }
        return due;
    }

    private static void timing(
            AccountStatus account,
            RefreshHealth facts,
            Instant nextDue,
            Instant now,
            HealthRules rules,
            String relogin,
            List<Finding> findings) {
        Instant expiresAt = account.expiresAt().orElseThrow();
        long failures = facts.consecutiveFailures();
        String last =
                facts.lastResult().map(result -> " (last: " + result + ")").orElse("");
        if (failures >= rules.failingAfter()) {
            findings.add(new Finding(
                    State.ATTENTION,
                    "refresh_failing",
                    failures + " refreshes in a row failed" + last,
                    Optional.of("usually none: reauth keeps trying; if it persists: " + relogin)));
        }
        boolean overdue = expiresAt.isAfter(now) && now.isAfter(nextDue.plus(rules.overdueAfter()));
        if (!expiresAt.isAfter(now)) {
            findings.add(new Finding(
                    State.ATTENTION,
                    "expired",
                    "access token expired " + ago(expiresAt, now) + "; proxies cannot use the account",
                    Optional.of("check that the refresh schedule runs; if refreshes keep failing: " + relogin)));
        } else if (overdue) {
            findings.add(new Finding(
                    State.ATTENTION,
                    "refresh_overdue",
                    "access token expires in " + human(Duration.between(now, expiresAt)) + " and was due for refresh "
                            + ago(nextDue, now) + " (is the refresh schedule running?)",
                    Optional.of("check that the refresh schedule runs (RefreshSchedule, every "
                            + human(rules.schedulePeriod()) + ")")));
        }
        if (facts.leaseUntil().filter(now::isBefore).isPresent()) {
            findings.add(
                    new Finding(State.REFRESHING, "refresh_in_flight", "a refresh is in flight", Optional.empty()));
        } else if (failures > 0 && failures < rules.failingAfter()) {
            findings.add(new Finding(
                    State.REFRESHING,
                    "retrying",
                    failures + (failures == 1 ? " refresh" : " refreshes") + " in a row failed" + last
                            + "; the next try is due " + when(nextDue, now),
                    Optional.empty()));
        } else if (!now.isBefore(nextDue) && expiresAt.isAfter(now) && !overdue) {
            findings.add(new Finding(
                    State.REFRESHING,
                    "due",
                    "due for refresh: the schedule takes it within " + human(rules.schedulePeriod()),
                    Optional.empty()));
        }
    }

    /**
     * The newest tokens wait in the rescue queue, not yet in the table (proxies still serve the stored
     * access token). Every run drains the queue first, so within two schedule periods it is reauth's
     * own work; longer, the drains keep failing to land them and a person should look at KMS and DynamoDB.
     */
    private static Finding rescuePending(Instant at, Instant now, HealthRules rules) {
        String words = "its newest tokens wait in the rescue queue since " + ago(at, now) + ", not yet in the table";
        if (Duration.between(at, now).compareTo(rules.overdueAfter()) <= 0) {
            return new Finding(
                    State.REFRESHING, "rescue_pending", words + "; the next refresh run lands them", Optional.empty());
        }
        return new Finding(
                State.ATTENTION,
                "rescue_pending",
                words + "; refresh runs have not landed them",
                Optional.of("check that KMS and DynamoDB answer the refresh function (metric RescuePending, log"
                        + " rescue.not_landed_yet)"));
    }

    private static String healthySummary(RefreshHealth facts, Instant nextDue, Instant now) {
        return facts.lastRefreshAt()
                        .map(at -> "refreshed " + ago(at, now) + "; ")
                        .orElse("") + "next refresh due " + when(nextDue, now);
    }

    private static String when(Instant at, Instant now) {
        return at.isAfter(now) ? "in " + human(Duration.between(now, at)) : "now";
    }

    private static String ago(Instant at, Instant now) {
        return human(Duration.between(at, now)) + " ago";
    }

    /** "3d 4h", "7h 12m", "45m", "30s": as the CLI prints durations. */
    public static String human(Duration d) {
        long s = Math.abs(d.toSeconds());
        long days = s / 86400;
        long hours = (s % 86400) / 3600;
        long minutes = (s % 3600) / 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        return minutes > 0 ? minutes + "m" : s + "s";
    }

    /** A name as a shell command takes it: quoted when it holds anything but plain characters. */
    static String shellWord(String name) {
        return PLAIN_WORD.matcher(name).matches() ? name : "'" + name.replace("'", "'\\''") + "'";
    }
}
