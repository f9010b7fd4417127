package dev.reauth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code reauth import better-ccflare --db PATH [--dry-run]}: better-ccflare's Claude accounts become
 * reauth accounts, with their name, mode, priority and current tokens, through
 * {@code POST /accounts/import} (which seals the tokens with KMS; an existing name changes nothing,
 * so a second run imports nothing). The tokens go only into that request's body: never printed,
 * never in a debug line.
 */
final class BetterCcflareImport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiClient api;
    private final PrintStream out;

    BetterCcflareImport(ApiClient api, PrintStream out) {
        this.api = api;
        this.out = out;
    }

    /** Imports (or, on a dry run, only says what an import would do); prints a table and a summary. */
    ExitCode run(Path database, boolean dryRun) {
        List<BetterCcflareDatabase.Row> rows = BetterCcflareDatabase.read(database);
        out.println((dryRun ? "Dry run (nothing is sent): " : "Importing from ") + "the better-ccflare database "
                + TerminalText.clean(database.toString()) + " (opened read-only), "
                + AccountReport.accounts(rows.size()));
        if (rows.isEmpty()) {
            out.println("Nothing to import.");
            return ExitCode.OK;
        }
        // a dry run reads the account list to tell new names from taken ones; it sends no token
        Set<String> taken = dryRun ? accountNames() : Set.of();
        Table table = new Table("NAME", "MODE", "PRIORITY", "RESULT");
        Tally tally = new Tally();
        CliFailure stoppedBy = null;
        for (ImportPlan.Entry entry : ImportPlan.of(rows)) {
            String result;
            if (entry instanceof ImportPlan.CannotTake cannot) {
                tally.cannotTake++;
                result = "cannot take: " + cannot.why();
            } else if (stoppedBy != null) {
                tally.notSent++;
                result = "not sent";
            } else if (dryRun) {
                boolean exists = taken.contains(TerminalText.clean(entry.row().name()));
                tally.count(exists ? "exists" : "created");
                result = exists ? "already there" : "would import";
            } else {
                try {
                    result = send((ImportPlan.Take) entry, tally);
                } catch (CliFailure failure) {
                    if (failure.exitCode() != ExitCode.API_UNREACHABLE
                            && failure.exitCode() != ExitCode.NOT_AUTHORIZED) {
                        throw failure;
                    }
                    // every other row would meet the same: stop, and say which were not sent
                    stoppedBy = failure;
                    tally.notSent++;
                    result = "not sent";
                }
            }
            BetterCcflareDatabase.Row row = entry.row();
            table.row(
                    TerminalText.clean(row.name()),
                    entry.mode().orElse("-"),
                    row.priority() == null ? "-" : row.priority().toString(),
                    TerminalText.clean(result));
        }
        table.print(out);
        out.println(tally.summary(dryRun));
        if (stoppedBy != null) {
            throw stoppedBy;
        }
        if (!dryRun && tally.imported > 0) {
            out.println(
                    "Next: run reauth-agent beside better-ccflare, so the tokens reauth refreshes reach its database"
                            + " (README: \"better-ccflare and other proxies\"); without it both refresh, and the loser's refresh token dies.");
        }
        return tally.failed > 0 ? ExitCode.FAILED : ExitCode.OK;
    }

    private String send(ImportPlan.Take take, Tally tally) {
        BetterCcflareDatabase.Row row = take.row();
        ObjectNode body = JSON.createObjectNode()
                .put("name", row.name())
                .put("mode", take.modeName())
                .put("accessToken", row.accessToken())
                .put("refreshToken", row.refreshToken())
                .put("expiresAt", row.expiresAt());
        if (row.priority() != null) {
            body.put("priority", row.priority());
        }
        if (row.apiKey() != null && !row.apiKey().isBlank()) {
            body.put("apiKey", row.apiKey());
        }
        ApiClient.Answer answer = api.importAccount(body.toString());
        String status = answer.body().path("status").asText("");
        if ((answer.status() == 201 || answer.status() == 200)
                && (status.equals("created") || status.equals("exists"))) {
            tally.count(status);
            if (status.equals("exists")) {
                return "already there";
            }
            // the provider did not confirm whose the tokens are: no automatic link until a login binds it
            return answer.body().path("bound").asBoolean(true) ? "imported" : "imported (unbound)";
        }
        CliFailure failure = ApiFailures.of(answer, null);
        if (failure.exitCode() == ExitCode.NOT_AUTHORIZED) {
            throw failure;
        }
        tally.failed++;
        return "failed: " + failure.getMessage();
    }

    private Set<String> accountNames() {
        ApiClient.Answer answer = api.listAccounts();
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, null);
        }
        Set<String> names = new HashSet<>();
        // the API's strings arrive cleaned for the terminal: the rows' names are compared cleaned too
        answer.body()
                .path("accounts")
                .forEach(account -> names.add(account.path("name").asText()));
        return names;
    }

    /** What became of the rows. */
    private static final class Tally {
        int imported;
        int exists;
        int cannotTake;
        int failed;
        int notSent;

        void count(String status) {
            if (status.equals("created")) {
                imported++;
            } else {
                exists++;
            }
        }

        String summary(boolean dryRun) {
            return (dryRun
                            ? "Summary (dry run, nothing sent): " + imported + " would be imported"
                            : "Summary: " + imported + " imported")
                    + ", " + exists + " already there, " + cannotTake + " cannot take"
                    + (failed > 0 ? ", " + failed + " failed" : "") + (notSent > 0 ? ", " + notSent + " not sent" : "");
        }
    }
}
