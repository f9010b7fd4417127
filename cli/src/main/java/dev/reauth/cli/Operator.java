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
    private final Browser browser;
    private final Prompt prompt;
    private final PrintStream out;
    private final Clock clock;

    public Operator(ApiClient api, Browser browser, Prompt prompt, PrintStream out, Clock clock) {
        this.api = api;
        this.browser = browser;
        this.prompt = prompt;
        this.out = out;
        this.clock = clock;
    }

    /** {@code --reauthenticate NAME}. */
    public void reauthenticate(String name) {
        out.println("Re-authenticating account: " + name);
        complete(name, api.startReauth(name));
    }

    /** {@code --add-account NAME --mode max|console}. */
    public void addAccount(String name, String mode) {
        out.println("Adding account: " + name + " (" + mode + ")");
        complete(name, api.addAccount(name, mode));
    }

    private void complete(String name, ApiClient.Answer started) {
        if (started.status() != 200) {
            throw failure(started, name);
        }
        String url = started.body().path("authorizationUrl").asText();
        String expiresAt = started.body().path("expiresAt").asText();
        out.println("Opening browser for OAuth authorization...");
        if (!browser.open(url)) {
            out.println("Could not open a browser here. Open this URL to log in:");
            out.println();
            out.println("  " + url);
            out.println();
        }
        while (true) {
            String pasted = prompt.secretLine("Paste the authorization code (code#state): ");
            if (pasted == null) {
                out.println();
                throw new CliFailure(ExitCode.CODE_NOT_ACCEPTED, "No code was entered; account '" + name + "' is unchanged");
            }
            if (pasted.isBlank()) {
                continue;
            }
            ApiClient.Answer done = api.callback(pasted.strip());
            if (done.status() == 200) {
                out.println(done.body().path("message").asText());
                if ("published".equals(done.body().path("cacheFlush").asText())) {
                    out.println("Token cache has been cleared for running servers");
                } else {
                    out.println("Warning: the new tokens are saved, but running servers could not be notified;"
                            + " they pick them up at their next token_version check (or run: reauth --reload " + name + ")");
                }
                return;
            }
            if (done.status() == 400 && "invalid_grant".equals(done.error())) {
                out.println("The provider did not accept that code. Paste it again (this login stays open until "
                        + local(expiresAt) + ").");
                continue;
            }
            if (done.status() == 400 && done.error().equals("invalid_request")) {
                out.println("That is not a code#state value: " + done.description() + ". Paste it again.");
                continue;
            }
            throw failure(done, name);
        }
    }

    /** {@code --reload NAME}. */
    public void reload(String name) {
        JsonNode account = findAccount(name);
        ApiClient.Answer answer = api.reload(account.path("id").asText());
        if (answer.status() != 200) {
            throw failure(answer, name);
        }
        out.println(answer.body().path("message").asText());
    }

    /** {@code --list}. */
    public void list() {
        List<JsonNode> accounts = accounts();
        if (accounts.isEmpty()) {
            out.println("No accounts.");
            return;
        }
        String format = "%-24s %-8s %-18s %-7s %-8s %s%n";
        out.printf(format, "NAME", "MODE", "EXPIRES IN", "REAUTH", "VERSION", "UPDATED");
        Instant now = clock.instant();
        for (JsonNode account : accounts) {
            out.printf(format, account.path("name").asText(), account.path("mode").asText(),
                    expiresIn(account, now), account.path("requiresReauth").asBoolean() ? "yes" : "no",
                    account.path("tokenVersion").asLong(),
                    Optional.ofNullable(account.get("tokensUpdatedAt")).map(t -> ago(Instant.parse(t.asText()), now)).orElse("never"));
        }
    }

    /** {@code --reauthenticate-all --expiring-within D}: one account after another, then a summary. */
    public ExitCode reauthenticateAll(Duration within) {
        Instant horizon = clock.instant().plus(within);
        List<String> due = new ArrayList<>();
        for (JsonNode account : accounts()) {
            Optional<Instant> expiresAt = Optional.ofNullable(account.get("expiresAt")).map(t -> Instant.parse(t.asText()));
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
                reauthenticate(name);
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
                .orElseThrow(() -> new CliFailure(ExitCode.UNKNOWN_ACCOUNT, "Account '" + name + "' not found"));
    }

    private List<JsonNode> accounts() {
        ApiClient.Answer answer = api.listAccounts();
        if (answer.status() != 200) {
            throw failure(answer, null);
        }
        List<JsonNode> accounts = new ArrayList<>();
        answer.body().path("accounts").forEach(accounts::add);
        return accounts;
    }

    private static String expiresIn(JsonNode account, Instant now) {
        JsonNode at = account.get("expiresAt");
        if (at == null) {
            return "-";
        }
        Duration left = Duration.between(now, Instant.parse(at.asText()));
        return left.isNegative() ? "expired " + Durations.human(left) + " ago" : Durations.human(left);
    }

    private static String ago(Instant at, Instant now) {
        return Durations.human(Duration.between(at, now)) + " ago";
    }

    private String local(String instant) {
        try {
            return Instant.parse(instant).atZone(clock.getZone()).toLocalTime().withNano(0).toString();
        } catch (RuntimeException e) {
            return "it expires";
        }
    }

    /** The API's answer as a failure with the right exit code and a plain sentence. */
    static CliFailure failure(ApiClient.Answer answer, String name) {
        String detail = answer.description().isBlank() ? "HTTP " + answer.status() : answer.description();
        return switch (answer.status()) {
            case 404 -> new CliFailure(ExitCode.UNKNOWN_ACCOUNT, name == null ? detail : "Account '" + name + "' not found");
            case 410 -> new CliFailure(ExitCode.SESSION_EXPIRED,
                    "The login took too long and its session expired; run the command again");
            case 401, 403 -> new CliFailure(ExitCode.NOT_AUTHORIZED,
                    "Not authorized by the API (HTTP " + answer.status() + "): check your AWS credentials and their permission to invoke it");
            case 409 -> new CliFailure(ExitCode.FAILED, detail);
            case 400 -> new CliFailure(ExitCode.CODE_NOT_ACCEPTED, detail);
            default -> answer.status() >= 500
                    ? new CliFailure(ExitCode.SERVER_ERROR, "The API failed (HTTP " + answer.status() + "): " + detail)
                    : new CliFailure(ExitCode.FAILED, detail);
        };
    }
}
