package dev.reauth.cli;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reauth dashboard}: every account's health in the browser, with its actions, served from this machine. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        sortOptions = false,
        usageHelpWidth = ReauthCli.HELP_WIDTH,
        customSynopsis = {
            "reauth dashboard [--no-browser] [--port N] [API]",
            "  API: [--api-url URL | --stack NAME] [--region REGION]"
        },
        descriptionHeading = "%n",
        parameterListHeading = "%n",
        description = "Serves the operator dashboard on 127.0.0.1 and opens it in the browser: every account's health,"
                + " refreshed every 5 seconds; re-authenticate, add an account, reload, copy a re-auth link.")
final class DashboardCommand extends ApiSubcommand {

    /** The help's closing paragraphs. */
    static final List<String> FOOTER = List.of(
            "The dashboard listens on 127.0.0.1 only, on a random port, at an address holding a secret drawn for"
                    + " this run; it answers nothing else (requests naming another host, or state changes from another"
                    + " page, are refused). It calls the reauth API with your own AWS credentials, as every reauth command"
                    + " does: no credential is added in AWS. It serves until Ctrl-C.",
            "The address is printed on standard output only: anyone holding it can act as you on the dashboard while it runs.");

    @Option(names = "--no-browser", description = "Print the address; do not open a browser.")
    boolean noBrowser;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "0",
            description = "Listen on this port (default: a free one, chosen at random).")
    int port;

    /** Gone: the dashboard shows the stack's verdicts. */
    @Option(names = "--lead", hidden = true, paramLabel = "DURATION")
    String lead;

    @Override
    void checkOptions() {
        if (lead != null) {
            throw usage(ReauthCli.LEAD_GONE);
        }
        if (port < 0 || port > 65535) {
            throw usage("--port is 1 to 65535 (or 0, the default: a free one)");
        }
    }

    @Override
    int run(ApiClient client) throws InterruptedException {
        Dashboard dashboard = Dashboard.start(
                new DashboardActions(
                        client, ProviderHosts.forApi(client.base(), parent.env()), Clock.systemDefaultZone()),
                port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dashboard.close();
            stopped.countDown();
        }));
        parent.out().println("Dashboard: " + dashboard.url());
        if (noBrowser) {
            parent.out().println("Open that address in a browser on this machine.");
        } else if (new Browser(
                        parent.env(),
                        System.getProperty("os.name", ""),
                        new Debug(parent.env().get("DEBUG"), parent.err()))
                .open(LaunchFile.write(dashboard.url()).toString())) {
            parent.out().println("Opened it in your browser.");
        } else {
            parent.out().println("No browser could be opened here: open that address in a browser on this machine.");
        }
        parent.out().println("Serving until Ctrl-C.");
        stopped.await();
        return ExitCode.OK.code();
    }
}
