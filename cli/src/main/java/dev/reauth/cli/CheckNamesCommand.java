package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code reauth check-names}: lists the accounts whose stored name a new account could not take today
 * (outside {@code [A-Za-z0-9._@-]}, 1 to 64 characters, or {@code .} / {@code ..}). It renames nothing.
 */
@Command(
        name = "check-names",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        usageHelpWidth = ReauthCli.HELP_WIDTH,
        customSynopsis = {"reauth check-names [API]", "  API: [--api-url URL | --stack NAME] [--region REGION]"},
        descriptionHeading = "%n",
        description = "Lists accounts whose names are outside the rule for new names (1 to 64 of A-Z a-z 0-9 . _ @ -,"
                + " not . or ..). Nothing is renamed; such accounts keep working.")
final class CheckNamesCommand extends ApiSubcommand {

    /** The help's closing paragraph. */
    static final List<String> FOOTER =
            List.of("Exit codes: 0 every name is within the rule, 9 some are not (listed), 6 API unreachable,"
                    + " 7 not authorized, 8 API error.");

    @Override
    int run(ApiClient client) {
        ApiClient.Answer answer = client.listAccounts();
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, null);
        }
        List<String> outside = new ArrayList<>();
        int total = 0;
        for (JsonNode account : answer.body().path("accounts")) {
            total++;
            if (account.path("nameOutsideRule").asBoolean(false)) {
                // the name as the terminal may show it (control and bidi characters removed), and the id that is exact
                outside.add("'" + account.path("name").asText() + "' (id "
                        + account.path("id").asText() + ")");
            }
        }
        if (outside.isEmpty()) {
            parent.out().println("All " + total + " account names are within the rule for new names.");
            return ExitCode.OK.code();
        }
        parent.out()
                .println(outside.size() + " of " + total + " account names are outside the rule for new names"
                        + " (1 to 64 of A-Z a-z 0-9 . _ @ -, not . or ..); nothing was renamed:");
        outside.forEach(line -> parent.out().println("  " + line));
        return ExitCode.ATTENTION.code();
    }
}
