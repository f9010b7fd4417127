package dev.reauth.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The accounts' token status and the stack's health verdicts, three ways: a table for people
 * ({@code --list}), a stable JSON document for scripts ({@code --list --json}), and one line per
 * account that needs a person for cron and monitors ({@code --check}). Nothing here judges health:
 * the stack did, with its own lead window and schedule.
 */
final class AccountReport {

    /** The JSON document's format; raised only when a field changes meaning or goes away (2: the stack's verdict). */
    static final int JSON_VERSION = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<AccountStatus> accounts;
    private final JsonNode rules;
    private final Instant now;

    /** {@code rules}: the settings the stack judged by, as it served them (missing from an older stack). */
    AccountReport(List<AccountStatus> accounts, JsonNode rules, Instant now) {
        this.accounts = accounts;
        this.rules = rules;
        this.now = now;
    }

    /** Whether every account came with the stack's verdict (a stack deployed before verdicts sends none). */
    boolean verdictsServed() {
        return accounts.stream().allMatch(account -> account.verdict().isPresent());
    }

    /** One row per account. */
    void printTable(PrintStream out) {
        if (accounts.isEmpty()) {
            out.println("No accounts.");
            return;
        }
        Table table = new Table(
                "NAME", "IDENTITY", "MODE", "HEALTH", "EXPIRES IN", "LAST SUCCESS", "LAST ATTEMPT", "FAILS", "VERSION");
        for (AccountStatus account : accounts) {
            table.row(
                    account.name(),
                    account.email().orElse("-"),
                    account.mode(),
                    account.verdict().map(AccountReport::state).orElse("-"),
                    expiresIn(account),
                    lastSuccess(account),
                    lastAttempt(account),
                    Long.toString(account.refreshFailures()),
                    Long.toString(account.tokenVersion()));
        }
        table.print(out);
    }

    /** The document {@code --list --json} prints: every field always present, null when unknown. */
    String json() {
        ObjectNode document = JSON.createObjectNode();
        document.put("version", JSON_VERSION);
        document.put("generatedAt", now.toString());
        document.set("rules", rules == null ? null : rules.deepCopy());
        ArrayNode list = document.putArray("accounts");
        for (AccountStatus account : accounts) {
            StackVerdict verdict = account.verdict().orElseThrow();
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
            item.put("refreshFailures", account.refreshFailures());
            item.put("refreshCount", account.refreshCount());
            item.put("requiresReauth", account.requiresReauth());
            item.put("reauthReason", account.reauthReason().orElse(null));
            item.put("reauthRequiredAt", text(account.reauthRequiredAt()));
            item.put("healthy", !verdict.needsPerson());
            ObjectNode health = item.putObject("health");
            health.put("state", verdict.state());
            ArrayNode reasons = health.putArray("reasons");
            verdict.reasons().forEach(reasons::add);
            health.put("summary", verdict.summary());
            health.put("fix", verdict.fix().orElse(null));
            health.put("nextDueAt", text(verdict.nextDueAt()));
            health.put("lastSuccessAt", text(verdict.lastSuccessAt()));
            health.put("lastAttemptAt", text(verdict.lastAttemptAt()));
            health.put("lastAttemptResult", verdict.lastAttemptResult().orElse(null));
            ArrayNode alerts = health.putArray("recentAlerts");
            verdict.recentAlerts()
                    .forEach(alert ->
                            alerts.addObject().put("kind", alert.kind()).put("at", text(alert.at())));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    /** What the dashboard shows: per account, the table's columns as text, and the stack's verdict in words. */
    ObjectNode dashboard() {
        ObjectNode document = JSON.createObjectNode();
        document.put("generatedAt", now.toString());
        ArrayNode list = document.putArray("accounts");
        for (AccountStatus account : accounts) {
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
            item.put("lastSuccess", lastSuccess(account));
            item.put("lastAttempt", lastAttempt(account));
            item.put("failures", account.refreshFailures());
            item.put("reauth", reauth(account));
            Optional<StackVerdict> verdict = account.verdict();
            item.put("state", verdict.map(StackVerdict::state).orElse("unknown"));
            item.put("healthy", verdict.map(v -> !v.needsPerson()).orElse(false));
            item.put(
                    "health",
                    verdict.map(v -> capitalized(state(v)) + ": " + v.summary()).orElse(StackVerdict.NOT_SERVED));
            item.put("fix", verdict.flatMap(StackVerdict::fix).orElse(null));
            item.put(
                    "alerts",
                    verdict.map(v -> v.recentAlerts().stream()
                                    .map(alert -> alert.kind()
                                            + alert.at()
                                                    .map(at -> " " + ago(at))
                                                    .orElse(""))
                                    .toList())
                            .filter(alerts -> !alerts.isEmpty())
                            .map(alerts -> String.join(", ", alerts))
                            .orElse("none"));
        }
        return document;
    }

    /** {@code --check}: one line per account that needs a person, or one line saying none does. */
    ExitCode printCheck(PrintStream out) {
        int attention = 0;
        long refreshing = 0;
        for (AccountStatus account : accounts) {
            StackVerdict verdict = account.verdict().orElseThrow();
            if (verdict.needsPerson()) {
                attention++;
                out.println(account.name() + ": " + state(verdict) + ": " + verdict.summary()
                        + verdict.fix().map(fix -> "; fix: " + fix).orElse(""));
            } else if (verdict.state().equals("refreshing")) {
                refreshing++;
            }
        }
        if (attention > 0) {
            return ExitCode.ATTENTION;
        }
        String healthy = switch (accounts.size()) {
            case 0 -> "no accounts";
            case 1 -> "the 1 account is healthy";
            default -> "all " + accounts.size() + " accounts healthy";
        };
        out.println(healthy + (refreshing > 0 ? " (" + refreshing + " refreshing now)" : ""));
        return ExitCode.OK;
    }

    /** "1 account", "5 accounts". */
    static String accounts(int count) {
        return count + (count == 1 ? " account" : " accounts");
    }

    /** The state with its reasons: "attention (refresh_overdue)", "dead (invalid_grant)", "healthy". */
    private static String state(StackVerdict verdict) {
        String state = verdict.state().replace('_', ' ');
        return verdict.reasons().isEmpty() ? state : state + " (" + String.join(", ", verdict.reasons()) + ")";
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    private String lastSuccess(AccountStatus account) {
        return account.verdict()
                .flatMap(StackVerdict::lastSuccessAt)
                .or(account::lastRefreshAt)
                .map(this::ago)
                .orElse("never");
    }

    private String lastAttempt(AccountStatus account) {
        Optional<StackVerdict> verdict = account.verdict();
        Optional<String> result =
                verdict.flatMap(StackVerdict::lastAttemptResult).or(account::lastRefreshResult);
        Optional<String> when = verdict.flatMap(StackVerdict::lastAttemptAt).map(this::ago);
        if (when.isEmpty() && result.isEmpty()) {
            return "never";
        }
        return when.orElse("-") + result.map(r -> " (" + r + ")").orElse("");
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
