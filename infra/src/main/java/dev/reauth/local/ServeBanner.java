package dev.reauth.local;

import dev.reauth.cli.Durations;
import dev.reauth.config.ReauthConfig;
import java.io.PrintStream;
import java.net.URI;

/** What infra/local-run --serve prints before it watches: the exact commands that use the API now running, and the refresh schedule. */
final class ServeBanner {

    private final PrintStream out;

    ServeBanner(PrintStream out) {
        this.out = out;
    }

    /** The commands that use the API, with its port. */
    void printNextSteps(URI api, boolean localProvider) {
        out.println();
        out.println("Serving the API on " + api + " (Ctrl-C stops). Next, in another terminal in " + ProjectFiles.root()
                + ":");
        out.println();
        out.println("  REAUTH_API_URL=" + api + " reauth --reauthenticate demo");
        out.println();
        out.println(
                "  (reauth is cli/reauth here; cli/install puts it on PATH.) It prints, or opens, a login URL"
                        + (localProvider
                                ? " on the local\n  provider, which logs in without a password: open the URL in a browser, or run\n"
                                        + "  curl -sL 'URL', and its page shows the code#state to paste at reauth's prompt."
                                : " at Anthropic:\n  log in there, and paste the code#state its page shows at reauth's prompt."));
        out.println();
        out.printf(
                "  %-62s (one function, as Lambda runs it)%n",
                "infra/invoke StartReauthFunction events/start-reauth.json");
        out.printf("  %-62s (the API itself)%n", "curl -s -X POST " + api + "/accounts/demo/reauth");
        out.printf(
                "  %-62s (every account on one page, on 127.0.0.1)%n", "REAUTH_API_URL=" + api + " reauth dashboard");
        out.printf(
                "  %-62s (a one-time re-auth link to send a person)%n", "REAUTH_API_URL=" + api + " reauth link demo");
    }

    /** The refresh schedule, and how to watch it find a dead token or raise an alert; {@code controls} is null with Anthropic. */
    void printRefresher(URI api, ReauthConfig config, LocalRunOptions options, ProviderControls controls) {
        String lead = Durations.human(config.refresh().lead());
        out.println();
        out.println("Refresh schedule: every " + RefreshWatch.EVERY.toSeconds()
                + " s against the emulator (RefreshFunction; EventBridge" + " runs it in AWS), lead window " + lead
                + ".");
        if (options.tokenLifetime().isPresent()) {
            out.println("The local provider's access tokens live "
                    + Durations.human(options.tokenLifetime().get()) + " (--token-lifetime): each is refreshed " + lead
                    + " before it expires.");
        } else {
            out.println((controls != null ? "The local provider's" : "Anthropic's")
                    + " access tokens live 8h: demo's first refresh" + " is hours away"
                    + (controls != null ? " (infra/local-run --serve --token-lifetime 2m makes it minutes)." : "."));
        }
        out.println(
                "Below, as they happen: refreshes, dead accounts and alerts (a queue on the alerts topic stands in for email).");
        if (controls != null) {
            out.println();
            out.printf(
                    "  %-62s (the provider forgets demo's refresh token:%n  %-62s  its next refresh finds demo dead)%n",
                    "curl -s -X POST '" + controls.url() + "/revoke?account=demo'", "");
            out.printf(
                    "  %-62s (the next 3 refreshes meet a provider 500: retried after%n  %-62s  1, then 2 minutes; after the third, an alert)%n",
                    "curl -s -X POST '" + controls.url() + "/fail?count=3'", "");
            out.printf(
                    "  %-62s (stops the refresh schedule: reauth --check flags demo%n  %-62s  within two schedule periods of its due time)%n",
                    "curl -s -X POST '" + controls.url() + "/schedule?running=false'", "");
        }
        String check = "REAUTH_API_URL=" + api + " reauth --check";
        out.printf("  %-62s (what needs attention; exit 9 when anything does)%n", check);
        out.println();
    }
}
