package dev.reauth.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * When an account needs a person, as {@code reauth --check} and {@code --list --json} judge it. The
 * rules are few on purpose, so a monitor's answer can be explained in one line:
 * <ul>
 *   <li>{@code requires_reauth}: the refresh token died (or was refused); only a login brings it back;</li>
 *   <li>{@code refresh_failing}: {@value #FAILING_AFTER} or more refreshes in a row failed (reauth alerts then too);</li>
 *   <li>{@code expired}: the access token has expired, so proxies cannot use the account;</li>
 *   <li>{@code refresh_overdue}: the access token expires within half the lead window and is still not
 *       refreshed. The refresher takes an account when it enters the lead window, so after half of it
 *       the schedule has run many times without success: it is not running, or cannot reach the account;</li>
 *   <li>{@code no_tokens}: reauth holds no tokens for the account (it was never logged in through reauth);</li>
 *   <li>{@code expiring}: the refresh token reaches the deadline the provider fixed at login within
 *       {@value #EXPIRING_WITHIN_DAYS} days (the stack's default warning; reauth alerts daily then too);
 *       refreshing does not extend it, only a login does.</li>
 * </ul>
 */
public final class AccountHealth {

    /** Refresh failures in a row from which an account needs attention (the refresher alerts at the same count). */
    public static final int FAILING_AFTER = 3;
    /** Days before the refresh-token deadline from which an account needs a login (the stack's EXPIRING_WARNING default). */
    public static final int EXPIRING_WITHIN_DAYS = 3;

    private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9._@+=:,/-]+");

    /** What is wrong, by its stable name in {@code --list --json}. */
    public enum Problem {
        REQUIRES_REAUTH("requires_reauth"),
        REFRESH_FAILING("refresh_failing"),
        EXPIRED("expired"),
        REFRESH_OVERDUE("refresh_overdue"),
        NO_TOKENS("no_tokens"),
        EXPIRING("expiring");

        private final String wire;

        Problem(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    private AccountHealth() {}

    /** The problems of {@code account} at {@code now}, for a refresher whose lead window is {@code lead}; empty when healthy. */
    public static List<Problem> problems(AccountStatus account, Instant now, Duration lead) {
        List<Problem> problems = new ArrayList<>();
        if (account.requiresReauth()) {
            problems.add(Problem.REQUIRES_REAUTH);
        }
        if (account.refreshFailures() >= FAILING_AFTER) {
            problems.add(Problem.REFRESH_FAILING);
        }
        if (account.expiresAt().isEmpty()) {
            if (!account.requiresReauth()) {
                problems.add(Problem.NO_TOKENS);
            }
        } else if (!account.expiresAt().get().isAfter(now)) {
            problems.add(Problem.EXPIRED);
        } else if (Duration.between(now, account.expiresAt().get()).compareTo(lead.dividedBy(2)) <= 0) {
            problems.add(Problem.REFRESH_OVERDUE);
        }
        if (!account.requiresReauth()
                && account.refreshTokenExpiresAt()
                        .filter(deadline -> deadline.isBefore(now.plus(Duration.ofDays(EXPIRING_WITHIN_DAYS))))
                        .isPresent()) {
            problems.add(Problem.EXPIRING);
        }
        return problems;
    }

    /** One line for an operator: the account, what is wrong, and the command that fixes it when a person must. */
    public static String describe(AccountStatus account, List<Problem> problems, Instant now) {
        List<String> parts = new ArrayList<>();
        boolean needsLogin = false;
        for (Problem problem : problems) {
            switch (problem) {
                case REQUIRES_REAUTH -> {
                    parts.add("requires re-authentication"
                            + account.reauthRequiredAt()
                                    .map(at -> " since " + ago(at, now))
                                    .orElse("")
                            + account.reauthReason()
                                    .map(reason -> " (" + reason + ")")
                                    .orElse(""));
                    needsLogin = true;
                }
                case REFRESH_FAILING ->
                    parts.add(account.refreshFailures() + " refreshes in a row failed"
                            + account.lastRefreshResult()
                                    .map(result -> " (last: " + result + ")")
                                    .orElse(""));
                case EXPIRED -> {
                    parts.add("access token expired " + ago(account.expiresAt().orElseThrow(), now));
                    needsLogin = true;
                }
                case REFRESH_OVERDUE ->
                    parts.add("access token expires in "
                            + Durations.human(
                                    Duration.between(now, account.expiresAt().orElseThrow()))
                            + " and is not refreshed yet (is the refresh schedule running?)");
                case NO_TOKENS -> {
                    parts.add("reauth holds no tokens for it (never logged in through reauth)");
                    needsLogin = true;
                }
                case EXPIRING -> {
                    Instant deadline = account.refreshTokenExpiresAt().orElseThrow();
                    parts.add(
                            deadline.isAfter(now)
                                    ? "refresh token stops working in "
                                            + Durations.human(Duration.between(now, deadline))
                                            + " (the provider's deadline; refreshing does not extend it)"
                                    : "refresh token stopped working " + ago(deadline, now));
                    needsLogin = true;
                }
            }
        }
        return account.name() + ": " + String.join("; ", parts)
                + (needsLogin ? "; fix: reauth --reauthenticate " + shellWord(account.name()) : "");
    }

    private static String ago(Instant at, Instant now) {
        return Durations.human(Duration.between(at, now)) + " ago";
    }

    /** A name as a shell command takes it: quoted when it holds anything but plain characters. */
    static String shellWord(String name) {
        return PLAIN_WORD.matcher(name).matches() ? name : "'" + name.replace("'", "'\\''") + "'";
    }
}
