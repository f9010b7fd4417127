package dev.reauth.cli;

import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reauth link NAME} and {@code reauth link --revoke NAME}: a one-time re-auth link to send to whoever can log in. */
@Command(
        name = "link",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        sortOptions = false,
        usageHelpWidth = ReauthCli.HELP_WIDTH,
        customSynopsis = {
            "reauth link NAME [--bind-first-login] [API]",
            "       reauth link --revoke NAME [API]",
            "  API: [--api-url URL | --stack NAME] [--region REGION]"
        },
        descriptionHeading = "%n",
        parameterListHeading = "%n",
        description = "Prints a one-time link to a page where anyone holding it can re-authenticate the account"
                + " from any browser, or revokes the account's link.")
final class LinkCommand extends ApiSubcommand {

    /** The help's closing paragraphs. */
    static final List<String> FOOTER = List.of(
            "A link works once, for its account only, until it expires (the stack's LinkTtl, 24h by default), and is"
                    + " rate-limited. A new link replaces the account's earlier one. The link is a secret: it is printed on"
                    + " standard output only, never logged.",
            "An account bound to no provider account yet (imported, or created by a proxy) gets a link only with"
                    + " --bind-first-login: whoever logs in first through it owns the account. Prefer reauth"
                    + " --reauthenticate NAME yourself; the refresher never sends such an account a link.",
            "Exit codes: 0 done, 3 unknown account, 6 API unreachable, 7 not authorized, 8 API error.");

    @Parameters(index = "0", paramLabel = "NAME", description = "The account.")
    String name;

    @Option(names = "--revoke", description = "Revoke the account's link instead (it stops working at once).")
    boolean revoke;

    @Option(
            names = "--bind-first-login",
            description = "Allow a link for an account bound to no provider account yet: the first login binds it.")
    boolean bindFirstLogin;

    @Override
    int run(ApiClient client) {
        LinkCommands links = new LinkCommands(client, parent.out(), Clock.systemDefaultZone());
        if (revoke) {
            links.revoke(name);
        } else {
            links.create(name, bindFirstLogin);
        }
        return ExitCode.OK.code();
    }
}
