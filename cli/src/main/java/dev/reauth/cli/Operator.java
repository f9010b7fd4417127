package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The operator's commands over the API: what is printed, what is asked, which exit code results. */
public final class Operator {

    private final ApiClient api;
    private final Login login;
    private final PrintStream out;
    private final Clock clock;

    Operator(ApiClient api, Login login, PrintStream out, Clock clock) {
        this.api = api;
        this.login = login;
        this.out = out;
        this.clock = clock;
    }

    /** {@code --reauthenticate NAME [--allow-account-change]}. */
    public void reauthenticate(String name, boolean allowAccountChange) {
        out.println("Re-authenticating account: " + name
                + (allowAccountChange ? " (another provider account may take it over)" : ""));
        login.complete(name, api.startReauth(name, allowAccountChange));
    }

    /** {@code --add-account NAME --mode max|console}. */
    public void addAccount(String name, String mode) {
        out.println("Adding account: " + name + " (" + mode + ")");
        login.complete(name, api.addAccount(name, mode));
    }

    /** {@code --reload NAME}. */
    public void reload(String name) {
        JsonNode account = findAccount(name);
        ApiClient.Answer answer = api.reload(account.path("id").asText());
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, name);
        }
        out.println(answer.body().path("message").asText());
    }

    /** {@code --list}: one row per account, columns as wide as their widest value. */
    public void list() {
        List<JsonNode> accounts = accounts();
        if (accounts.isEmpty()) {
            out.println("No accounts.");
            return;
        }
        Instant now = clock.instant();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("NAME", "IDENTITY", "MODE", "EXPIRES IN", "REAUTH", "VERSION", "UPDATED"));
        for (JsonNode account : accounts) {
            String email = account.path("identity").path("email").asText("");
            rows.add(List.of(account.path("name").asText(), email.isBlank() ? "-" : email, account.path("mode").asText(),
                    expiresIn(account, now), account.path("requiresReauth").asBoolean() ? "yes" : "no",
                    Long.toString(account.path("tokenVersion").asLong()),
                    instant(account, "tokensUpdatedAt").map(t -> Durations.human(Duration.between(t, now)) + " ago").orElse("never")));
        }
        int[] widths = new int[rows.getFirst().size()];
        rows.forEach(row -> {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        });
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** {@code --reauthenticate-all --expiring-within D}: one account after another, then a summary. */
    public ExitCode reauthenticateAll(Duration within) {
        Instant horizon = clock.instant().plus(within);
        List<String> due = new ArrayList<>();
        for (JsonNode account : accounts()) {
            Optional<Instant> expiresAt = instant(account, "expiresAt");
            if (account.path("requiresReauth").asBoolean() || expiresAt.isEmpty() || expiresAt.get().isBefore(horizon)) {
                due.add(account.path("name").asText());
            }
        }
        if (due.isEmpty()) {
            out.println("No account needs re-authentication within " + Durations.human(within) + ".");
            return ExitCode.OK;
        }
        out.println(due.size() + " account(s) to re-authenticate: " + String.join(", ", due));
        List<String> done = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (String name : due) {
            out.println();
            try {
                reauthenticate(name, false);
                done.add(name);
            } catch (CliFailure e) {
                out.println("Skipped '" + name + "': " + e.getMessage());
                failed.add(name + " (" + e.getMessage() + ")");
                if (e.exitCode() == ExitCode.API_UNREACHABLE || e.exitCode() == ExitCode.NOT_AUTHORIZED) {
                    break;
                }
            }
        }
        out.println();
        out.println("Summary: " + done.size() + " of " + due.size() + " re-authenticated"
                + (done.isEmpty() ? "" : ": " + String.join(", ", done)));
        if (!failed.isEmpty()) {
            out.println("Not re-authenticated: " + String.join("; ", failed));
        }
        return failed.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    private JsonNode findAccount(String name) {
        return accounts().stream().filter(a -> a.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new CliFailure(ExitCode.UNKNOWN_ACCOUNT, "account '" + name + "' not found"));
    }

    private List<JsonNode> accounts() {
        ApiClient.Answer answer = api.listAccounts();
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, null);
        }
        List<JsonNode> accounts = new ArrayList<>();
        answer.body().path("accounts").forEach(accounts::add);
        return accounts;
    }

    private static String expiresIn(JsonNode account, Instant now) {
        return instant(account, "expiresAt").map(at -> {
            Duration left = Duration.between(now, at);
            return left.isNegative() ? "expired " + Durations.human(left) + " ago" : Durations.human(left);
        }).orElse("-");
    }

    /** An ISO-8601 instant the API sent, if it sent one that parses. */
    private static Optional<Instant> instant(JsonNode account, String field) {
        JsonNode value = account.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value.asText()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
