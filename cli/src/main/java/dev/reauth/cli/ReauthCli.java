package dev.reauth.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/** {@code reauth}: re-authenticate proxy accounts through the reauth API. */
@Command(name = "reauth", mixinStandardHelpOptions = true, version = "reauth 0.1.0",
        description = "Re-authenticates the OAuth accounts of a proxy fleet through the reauth API.",
        footer = {"", "The API is --api-url, else $REAUTH_API_URL, else the ApiUrl output of --stack / $REAUTH_STACK,",
                "else the local run (http://127.0.0.1:8787). Deployed APIs are called with SigV4 and the default",
                "AWS credentials chain. DEBUG=oauth:* prints request lines (never codes or tokens) on stderr.",
                "", "Exit codes: 0 ok, 1 failed, 2 usage, 3 unknown account, 4 session expired, 5 code not accepted,",
                "6 API unreachable, 7 not authorized, 8 API or provider error."})
public final class ReauthCli implements Callable<Integer> {

    static final class Action {
        @Option(names = "--reauthenticate", paramLabel = "NAME", description = "Re-authenticate an account.")
        String reauthenticate;
        @Option(names = "--add-account", paramLabel = "NAME", description = "Add a new account (see --mode).")
        String addAccount;
        @Option(names = "--reload", paramLabel = "NAME", description = "Tell running servers to reload an account's tokens.")
        String reload;
        @Option(names = "--list", description = "List accounts with their token status.")
        boolean list;
        @Option(names = "--reauthenticate-all", description = "Re-authenticate every account expiring within --expiring-within.")
        boolean reauthenticateAll;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Option(names = "--mode", defaultValue = "max", paramLabel = "max|console", description = "Mode of the added account (default: max).")
    String mode;

    @Option(names = "--expiring-within", defaultValue = "2h", paramLabel = "DURATION",
            description = "With --reauthenticate-all: 30m, 2h, 1d, ... (default: 2h).")
    String expiringWithin;

    @Option(names = "--api-url", paramLabel = "URL", description = "The reauth API's base URL.")
    String apiUrl;

    @Option(names = "--stack", paramLabel = "NAME", description = "Read the API URL from this CloudFormation stack's outputs.")
    String stack;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: from the API URL or the AWS config).")
    String region;

    private final Map<String, String> env;
    private final BufferedReader in;
    private final PrintStream out;
    private final PrintStream err;

    ReauthCli(Map<String, String> env, BufferedReader in, PrintStream out, PrintStream err) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // no reader given: the terminal (input hidden) when there is one, else standard input
        System.exit(run(args, System.getenv(), null, out, System.err));
    }

    private static BufferedReader consoleReader() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    /** Runs the command; returns the exit code. {@code in} null: read the terminal, or standard input. */
    static int run(String[] args, Map<String, String> env, BufferedReader in, PrintStream out, PrintStream err) {
        CommandLine command = new CommandLine(new ReauthCli(env, in, out, err));
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof CliFailure failure) {
                err.println("Error: " + failure.getMessage());
                return failure.exitCode().code();
            }
            throw e;
        });
        return command.execute(args);
    }

    @Override
    public Integer call() {
        if (!mode.equals("max") && !mode.equals("console")) {
            throw new CliFailure(ExitCode.USAGE, "--mode must be max or console");
        }
        Debug debug = new Debug(env.get("DEBUG"), err);
        Optional<String> explicitRegion = Optional.ofNullable(region).or(() -> Optional.ofNullable(env.get("AWS_REGION")));
        var api = ApiEndpoint.resolve(apiUrl, stack, explicitRegion, env);
        Optional<RequestSigner> signer = Optional.empty();
        if (!ApiEndpoint.isLocal(api)) {
            String signingRegion = RequestSigner.regionOf(api).or(() -> explicitRegion)
                    .orElseGet(() -> new DefaultAwsRegionProviderChain().getRegion().id());
            signer = Optional.of(new RequestSigner(DefaultCredentialsProvider.builder().build(), signingRegion,
                    RequestSigner.SERVICE, Clock.systemUTC()));
        }
        debug.log("oauth:http", "API " + api + (signer.isPresent() ? " (SigV4)" : " (local, unsigned)"));
        Operator operator = new Operator(new ApiClient(api, signer, debug),
                new Browser(env, System.getProperty("os.name", ""), debug),
                new Prompt(in == null ? Prompt.interactiveConsole() : null, in == null ? consoleReader() : in, out),
                out, Clock.systemDefaultZone());
        if (action.reauthenticate != null) {
            operator.reauthenticate(action.reauthenticate);
        } else if (action.addAccount != null) {
            operator.addAccount(action.addAccount, mode);
        } else if (action.reload != null) {
            operator.reload(action.reload);
        } else if (action.list) {
            operator.list();
        } else {
            Duration within;
            try {
                within = Durations.parse(expiringWithin);
            } catch (IllegalArgumentException e) {
                throw new CliFailure(ExitCode.USAGE, e.getMessage());
            }
            return operator.reauthenticateAll(within).code();
        }
        return ExitCode.OK.code();
    }
}
