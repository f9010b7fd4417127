package dev.reauth.cli;

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

    /**
     * The operator's commands for a program that drives them itself (the local run): over {@code api},
     * logins sent only to {@code providerHosts} and completed with the code#state {@code codes} gives.
     */
    public static Operator of(ApiClient api, CodeSource codes, ProviderHosts providerHosts, PrintStream out) {
        Clock clock = Clock.systemDefaultZone();
        return new Operator(api, new Login(api, codes, providerHosts, out, clock), out, clock);
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

    /** {@code --reload NAME}: one call by name; the API finds the account through its name index. */
    public void reload(String name) {
        ApiClient.Answer answer = api.reload(name);
        if (answer.status() == 404
                && !"account_not_found".equals(answer.body().path("error").asText())) {
            // a stack deployed before reload by name has no such route (API Gateway's own 404): find the id, as it did
            answer = api.reloadById(accounts().stream()
                    .filter(account -> account.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new CliFailure(ExitCode.UNKNOWN_ACCOUNT, "account '" + name + "' not found"))
                    .id());
        }
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, name);
        }
        out.println(answer.body().path("message").asText());
    }

    /** {@code --list}: a table for people, or with {@code json} the document for scripts. */
    public void list(boolean json) {
        AccountReport report = report();
        if (json) {
            out.println(verdicts(report).json());
        } else {
            report.printTable(out);
            if (!report.verdictsServed()) {
                out.println(StackVerdict.NOT_SERVED);
            }
        }
    }

    /** {@code --check}: what needs attention, one line per account; {@link ExitCode#ATTENTION} when anything does. */
    public ExitCode check() {
        return verdicts(report()).printCheck(out);
    }

    private AccountReport report() {
        ApiClient.Answer answer = listed();
        return new AccountReport(parse(answer), answer.body().get("health"), clock.instant());
    }

    /** The report, when the stack judged every account; a stack that predates verdicts is named, not guessed at. */
    private static AccountReport verdicts(AccountReport report) {
        if (!report.verdictsServed()) {
            throw new CliFailure(ExitCode.FAILED, StackVerdict.NOT_SERVED);
        }
        return report;
    }

    /** {@code --reauthenticate-all --expiring-within D}: one account after another, then a summary. */
    public ExitCode reauthenticateAll(Duration within) {
        Instant horizon = clock.instant().plus(within);
        List<String> due = new ArrayList<>();
        for (AccountStatus account : accounts()) {
            Optional<Instant> expiresAt = account.expiresAt();
            // the refresh token's deadline counts too: past it no refresh helps
            if (account.requiresReauth()
                    || expiresAt.isEmpty()
                    || expiresAt.get().isBefore(horizon)
                    || account.refreshTokenExpiresAt()
                            .filter(deadline -> deadline.isBefore(horizon))
                            .isPresent()) {
                due.add(account.name());
            }
        }
        if (due.isEmpty()) {
            out.println("No account needs re-authentication within " + Durations.human(within) + ".");
            return ExitCode.OK;
        }
        out.println(AccountReport.accounts(due.size()) + " to re-authenticate: " + String.join(", ", due));
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

    private List<AccountStatus> accounts() {
        return parse(listed());
    }

    private ApiClient.Answer listed() {
        ApiClient.Answer answer = api.listAccounts();
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, null);
        }
        return answer;
    }

    private static List<AccountStatus> parse(ApiClient.Answer answer) {
        List<AccountStatus> accounts = new ArrayList<>();
        answer.body().path("accounts").forEach(account -> accounts.add(AccountStatus.from(account)));
        return accounts;
    }
}
