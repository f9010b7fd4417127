package dev.reauth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The accounts' token status and refresh health, three ways: a table for people ({@code --list}), a
 * stable JSON document for scripts ({@code --list --json}), and one line per account that needs
 * attention for cron and monitors ({@code --check}).
 */
final class AccountReport {

    /** The JSON document's format; raised only when a field changes meaning or goes away. */
    static final int JSON_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AccountStatus> accounts;
    private final Instant now;
    private final Duration lead;

    AccountReport(List<AccountStatus> accounts, Instant now, Duration lead) {
        this.accounts = accounts;
        this.now = now;
        this.lead = lead;
    }

    /** One row per account. */
    void printTable(PrintStream out) {
        if (accounts.isEmpty()) {
            out.println("No accounts.");
            return;
        }
        Table table = new Table(
                "NAME",
                "IDENTITY",
                "MODE",
                "EXPIRES IN",
                "LOGIN UNTIL",
                "REFRESHED",
                "RESULT",
                "FAILS",
                "REFRESHES",
                "VERSION",
                "REAUTH");
        for (AccountStatus account : accounts) {
            table.row(
                    account.name(),
                    account.email().orElse("-"),
                    account.mode(),
                    expiresIn(account),
                    account.refreshTokenExpiresAt()
                            .map(at -> at.isAfter(now) ? Durations.human(Duration.between(now, at)) : "expired")
                            .orElse("-"),
                    account.lastRefreshAt().map(this::ago).orElse("never"),
                    account.lastRefreshResult().orElse("-"),
                    Long.toString(account.refreshFailures()),
                    Long.toString(account.refreshCount()),
                    Long.toString(account.tokenVersion()),
                    reauth(account));
        }
        table.print(out);
    }

    /** The document {@code --list --json} prints: every field always present, null when unknown. */
    String json() {
        ObjectNode document = JSON.createObjectNode();
        document.put("version", JSON_VERSION);
        document.put("generatedAt", now.toString());
        document.put("leadWindowSeconds", lead.toSeconds());
        ArrayNode list = document.putArray("accounts");
        for (AccountStatus account : accounts) {
            ObjectNode item = list.addObject();
            item.put("name", account.name());
            item.put("id", account.id());
            item.put("mode", account.mode());
            if (account.accountUuid().isPresent() || account.email().isPresent()) {
                ObjectNode identity = item.putObject("identity");
                identity.put("email", account.email().orElse(null));
                identity.put("accountUuid", account.accountUuid().orElse(null));
                identity.put("organizationUuid", account.organizationUuid().orElse(null));
                identity.put("organizationName", account.organizationName().orElse(null));
            } else {
                item.putNull("identity");
            }
            item.put("tokenVersion", account.tokenVersion());
            item.put("tokensUpdatedAt", text(account.tokensUpdatedAt()));
            item.put("expiresAt", text(account.expiresAt()));
            item.put(
                    "expiresInSeconds",
                    account.expiresAt()
                            .map(at -> Duration.between(now, at).toSeconds())
                            .orElse(null));
            item.put("lastRefreshAt", text(account.lastRefreshAt()));
            item.put("lastRefreshResult", account.lastRefreshResult().orElse(null));
            item.put("refreshFailures", account.refreshFailures());
            item.put("refreshCount", account.refreshCount());
            item.put("requiresReauth", account.requiresReauth());
            item.put("reauthReason", account.reauthReason().orElse(null));
            item.put("reauthRequiredAt", text(account.reauthRequiredAt()));
            item.put("refreshTokenExpiresAt", text(account.refreshTokenExpiresAt()));
            List<AccountHealth.Problem> problems = AccountHealth.problems(account, now, lead);
            item.put("healthy", problems.isEmpty());
            ArrayNode attention = item.putArray("attention");
            problems.forEach(problem -> attention.add(problem.wire()));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    /** What the dashboard shows: per account, the table's columns as text, and the health verdict in words. */
    ObjectNode dashboard() {
        ObjectNode document = JSON.createObjectNode();
        document.put("generatedAt", now.toString());
        ArrayNode list = document.putArray("accounts");
        for (AccountStatus account : accounts) {
            List<AccountHealth.Problem> problems = AccountHealth.problems(account, now, lead);
            ObjectNode item = list.addObject();
            item.put("name", account.name());
            item.put("mode", account.mode());
            item.put(
                    "identity",
                    account.email()
                            .map(email -> email
                                    + account.organizationName()
                                            .map(org -> " (" + org + ")")
                                            .orElse(""))
                            .orElse("not recorded yet"));
            item.put("tokenVersion", account.tokenVersion());
            item.put("expiresIn", expiresIn(account).equals("-") ? "no tokens" : expiresIn(account));
            item.put(
                    "lastRefresh",
                    account.lastRefreshAt().map(this::ago).orElse("never")
                            + account.lastRefreshResult()
                                    .map(result -> " (" + result + ")")
                                    .orElse(""));
            item.put("failures", account.refreshFailures());
            item.put(
                    "refreshTokenExpiresIn",
                    account.refreshTokenExpiresAt()
                            .map(at -> at.isAfter(now) ? Durations.human(Duration.between(now, at)) : "expired")
                            .orElse("not given"));
            item.put("reauth", reauth(account));
            item.put("healthy", problems.isEmpty());
            item.put(
                    "health",
                    problems.isEmpty()
                            ? "Healthy"
                            : "Needs attention: "
                                    + String.join(
                                            ", ",
                                            problems.stream()
                                                    .map(AccountReport::words)
                                                    .toList()));
        }
        return document;
    }

    private static String words(AccountHealth.Problem problem) {
        return switch (problem) {
            case REQUIRES_REAUTH -> "requires re-authentication";
            case REFRESH_FAILING -> "refreshes failing";
            case EXPIRED -> "access token expired";
            case REFRESH_OVERDUE -> "refresh overdue";
            case NO_TOKENS -> "no tokens";
            case EXPIRING -> "refresh token expires soon";
        };
    }

    /** {@code --check}: one line per account that needs attention, or one line saying all are healthy. */
    ExitCode printCheck(PrintStream out) {
        int attention = 0;
        for (AccountStatus account : accounts) {
            List<AccountHealth.Problem> problems = AccountHealth.problems(account, now, lead);
            if (!problems.isEmpty()) {
                attention++;
                out.println(AccountHealth.describe(account, problems, now));
            }
        }
        if (attention == 0) {
            out.println("all " + accounts.size() + " accounts healthy");
            return ExitCode.OK;
        }
        return ExitCode.ATTENTION;
    }

    private String expiresIn(AccountStatus account) {
        return account.expiresAt()
                .map(at -> {
                    Duration left = Duration.between(now, at);
                    return left.isNegative() ? "expired " + Durations.human(left) + " ago" : Durations.human(left);
                })
                .orElse("-");
    }

    private String reauth(AccountStatus account) {
        if (!account.requiresReauth()) {
            return "no";
        }
        String reason = account.reauthReason().orElse("");
        String since = account.reauthRequiredAt().map(this::ago).orElse("");
        String detail = reason.isEmpty() || since.isEmpty() ? reason + since : reason + ", " + since;
        return detail.isEmpty() ? "yes" : "yes (" + detail + ")";
    }

    private String ago(Instant at) {
        return Durations.human(Duration.between(at, now)) + " ago";
    }

    private static String text(Optional<Instant> at) {
        return at.map(Instant::toString).orElse(null);
    }
}
