package dev.reauth.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/** {@code reauth}: re-authenticate proxy accounts through the reauth API. */
@Command(name = "reauth", mixinStandardHelpOptions = true, version = "reauth 0.1.0", usageHelpAutoWidth = true,
        customSynopsis = {
                "reauth --reauthenticate NAME [--allow-account-change] [API]",
                "       reauth --add-account NAME [--mode max|console] [API]",
                "       reauth --reload NAME [API]  |  reauth --list [API]",
                "       reauth --reauthenticate-all [--expiring-within DURATION] [API]",
                "  API: [--api-url URL | --stack NAME] [--region REGION]"},
        description = {"", "Re-authenticates the OAuth accounts of a proxy fleet through the reauth API.", ""},
        sortOptions = false, usageHelpWidth = ReauthCli.HELP_WIDTH)
public final class ReauthCli implements Callable<Integer> {

    static final int HELP_WIDTH = 80;

    /** The help's closing paragraphs; wrapped here at spaces only (picocli would also break inside URLs and host names). */
    private static final List<String> FOOTER = List.of(
            "The API is --api-url, else the ApiUrl output of --stack, else $REAUTH_API_URL, else the ApiUrl output"
                    + " of $REAUTH_STACK, else the local run (http://127.0.0.1:8787). Every command names the API it uses"
                    + " on standard error. An API that is not on this machine must be https://; it is called with SigV4"
                    + " and the default AWS credentials chain (AWS_PROFILE, `aws sso login`, ...).",
            "The browser opens only provider hosts: claude.ai, claude.com, console.anthropic.com and"
                    + " platform.claude.com, plus loopback for the local run; add others to $REAUTH_PROVIDER_HOSTS"
                    + " (comma-separated). $BROWSER picks the browser. DEBUG=oauth:* prints request lines (never codes or"
                    + " tokens) and, on an unexpected failure, its stack trace, on standard error.",
            "Exit codes: 0 ok, 1 failed, 2 usage, 3 unknown account, 4 session expired, 5 code not accepted,"
                    + " 6 API unreachable, 7 not authorized, 8 API or provider error.");

    static final class Action {
        @Option(names = "--reauthenticate", paramLabel = "NAME", description = "Re-authenticate an account.")
        String reauthenticate;
        @Option(names = "--add-account", paramLabel = "NAME", description = "Add a new account (see --mode).")
        String addAccount;
        @Option(names = "--reload", paramLabel = "NAME", description = "Tell running servers to reload an account's tokens.")
        String reload;
        @Option(names = "--list", description = "List accounts with their token status and provider identity.")
        boolean list;
        @Option(names = "--reauthenticate-all", description = "Re-authenticate every account expiring within --expiring-within.")
        boolean reauthenticateAll;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Option(names = "--allow-account-change",
            description = "With --reauthenticate: accept a login by another provider account than the one the account belongs to.")
    boolean allowAccountChange;

    @Option(names = "--mode", defaultValue = "max", paramLabel = "max|console", converter = ModeConverter.class,
            description = "Mode of the added account (default: max).")
    String mode;

    @Option(names = "--expiring-within", defaultValue = "2h", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --reauthenticate-all: 30m, 2h, 1d, ... (default: 2h).")
    Duration expiringWithin;

    @Option(names = "--api-url", paramLabel = "URL", description = "The reauth API's base URL.")
    String apiUrl;

    @Option(names = "--stack", paramLabel = "NAME", description = "Read the API URL from this CloudFormation stack's outputs.")
    String stack;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: from the API URL, else AWS_REGION or the AWS config).")
    String region;

    @Spec
    CommandSpec spec;

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
        PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
        // no reader given: the terminal (input hidden) when there is one, else standard input
        System.exit(run(args, System.getenv(), null, out, err));
    }

    /** Runs the command; returns the exit code. {@code in} null: read the terminal, or standard input. */
    static int run(String[] args, Map<String, String> env, BufferedReader in, PrintStream out, PrintStream err) {
        CommandLine command = new CommandLine(new ReauthCli(env, in, out, err));
        command.getCommandSpec().usageMessage().footer(footer());
        command.setOut(new java.io.PrintWriter(out, true));
        command.setErr(new java.io.PrintWriter(err, true));
        command.setParameterExceptionHandler((e, arguments) -> {
            String message = e.getMessage().replaceFirst("^Error: ", "");
            err.println("Error: " + (message.startsWith("Missing required argument (specify one of these)")
                    ? "nothing to do: give one of --reauthenticate NAME, --add-account NAME, --reload NAME, --list, --reauthenticate-all"
                    : message));
            err.print("Usage: " + e.getCommandLine().getHelp().synopsis(0));
            err.println("see reauth --help");
            return ExitCode.USAGE.code();
        });
        command.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Exception failure = e instanceof SdkException sdk ? AwsFailures.explain(sdk, "calling AWS") : e;
            if (failure instanceof CliFailure cli) {
                err.println("Error: " + cli.getMessage());
                return cli.exitCode().code();
            }
            err.println("Error: unexpected failure (" + e.getClass().getSimpleName() + "); DEBUG=oauth:* shows where");
            if (new Debug(env.get("DEBUG"), err).enabled("oauth:trace")) {
                e.printStackTrace(err);
            }
            return ExitCode.FAILED.code();
        });
        return command.execute(args);
    }

    @Override
    public Integer call() {
        if (allowAccountChange && action.reauthenticate == null) {
            throw new ParameterException(spec.commandLine(), "--allow-account-change goes with --reauthenticate NAME");
        }
        if (apiUrl != null && stack != null) {
            throw new ParameterException(spec.commandLine(), "give --api-url or --stack, not both");
        }
        Debug debug = new Debug(env.get("DEBUG"), err);
        Optional<String> explicitRegion = Optional.ofNullable(region).filter(r -> !r.isBlank())
                .or(() -> Optional.ofNullable(env.get("AWS_REGION")).filter(r -> !r.isBlank()))
                .or(() -> Optional.ofNullable(env.get("AWS_DEFAULT_REGION")).filter(r -> !r.isBlank()));
        ApiEndpoint.Api api = ApiEndpoint.resolve(apiUrl, stack, explicitRegion, env);
        Optional<RequestSigner> signer = Optional.empty();
        String how = "local, no credentials";
        if (!ApiEndpoint.isLoopback(api.uri())) {
            String signingRegion = RequestSigner.regionOf(api.uri()).or(() -> explicitRegion)
                    .orElseGet(() -> new DefaultAwsRegionProviderChain().getRegion().id());
            signer = Optional.of(new RequestSigner(DefaultCredentialsProvider.builder().build(), signingRegion,
                    RequestSigner.SERVICE, Clock.systemUTC()));
            how = "SigV4, " + signingRegion;
        }
        err.println(TerminalText.dim("API " + api.uri() + " (" + api.source() + "; " + how + ")", env, in == null));
        ApiClient client = new ApiClient(api.uri(), signer, debug);
        Login login = new Login(client, new Browser(env, System.getProperty("os.name", ""), debug),
                new Prompt(in == null ? Prompt.interactiveConsole() : null, in == null ? consoleReader() : in, out),
                ProviderHosts.forApi(api.uri(), env), out, Clock.systemDefaultZone());
        Operator operator = new Operator(client, login, out, Clock.systemDefaultZone());
        if (action.reauthenticate != null) {
            operator.reauthenticate(action.reauthenticate, allowAccountChange);
        } else if (action.addAccount != null) {
            operator.addAccount(action.addAccount, mode);
        } else if (action.reload != null) {
            operator.reload(action.reload);
        } else if (action.list) {
            operator.list();
        } else {
            return operator.reauthenticateAll(expiringWithin).code();
        }
        return ExitCode.OK.code();
    }

    private static String[] footer() {
        List<String> lines = new ArrayList<>();
        for (String paragraph : FOOTER) {
            lines.add("");
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > HELP_WIDTH) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                line.append(line.length() > 0 ? " " : "").append(word);
            }
            lines.add(line.toString());
        }
        // picocli reads these as format strings
        return lines.stream().map(l -> l.replace("%", "%%")).toArray(String[]::new);
    }

    private static BufferedReader consoleReader() {
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    /** {@code --mode}: max or console, as ccflare names them. */
    static final class ModeConverter implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            if (!value.equals("max") && !value.equals("console")) {
                throw new TypeConversionException("'" + value + "' is not max or console");
            }
            return value;
        }
    }

    /** {@code --expiring-within}: 30m, 2h, 1d12h, PT2H. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
