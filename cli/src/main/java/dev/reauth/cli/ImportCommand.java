package dev.reauth.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code reauth import better-ccflare --db PATH [--dry-run]}: a proxy's existing accounts become reauth accounts. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        sortOptions = false,
        usageHelpWidth = ReauthCli.HELP_WIDTH,
        customSynopsis = {
            "reauth import better-ccflare --db PATH [--dry-run] [API]",
            "  API: [--api-url URL | --stack NAME] [--region REGION]"
        },
        descriptionHeading = "%n",
        parameterListHeading = "%n",
        description = "Creates reauth accounts from a proxy's accounts, with their current tokens.")
final class ImportCommand extends ApiSubcommand {

    /** The help's closing paragraphs. */
    static final List<String> FOOTER = List.of(
            "better-ccflare keeps its database in $BETTER_CCFLARE_DB_PATH, else"
                    + " ~/.config/better-ccflare/better-ccflare.db. It is opened read-only. Its Claude accounts (claude-oauth: reauth's max; console)"
                    + " with an access token, a refresh token and an expiry are sent to POST /accounts/import, which seals"
                    + " the tokens with KMS; a name reauth already has is left as it is, so a second run changes nothing."
                    + " The table says what became of each account, and why an account cannot be taken (another provider,"
                    + " an API key without OAuth tokens, no refresh token, a name held twice). Tokens are never printed.",
            "--dry-run sends nothing: it reads the database and reauth's account list, and says what an import would do.",
            "Exit codes: 0 done (accounts that cannot be taken are listed, not failures), 1 an account the API refused,"
                    + " 2 usage or no database at PATH, 6 API unreachable, 7 not authorized.");

    @Parameters(
            index = "0",
            paramLabel = "SOURCE",
            converter = SourceConverter.class,
            description = "The proxy to import from: better-ccflare.")
    String source;

    @Option(
            names = "--db",
            required = true,
            paramLabel = "PATH",
            description = "better-ccflare's database file (below).")
    Path database;

    @Option(names = "--dry-run", description = "Say what would be imported; send nothing.")
    boolean dryRun;

    @Override
    int run(ApiClient client) {
        return new BetterCcflareImport(client, parent.out())
                .run(database, dryRun)
                .code();
    }

    /** SOURCE: the proxies an import can read (better-ccflare's database, which ccflare's also is). */
    static final class SourceConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.equals("better-ccflare")) {
                throw new TypeConversionException(
                        "'" + value + "' is not a proxy reauth imports from (better-ccflare)");
            }
            return value;
        }
    }
}
