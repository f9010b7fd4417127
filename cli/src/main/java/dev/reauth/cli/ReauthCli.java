package dev.reauth.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import software.amazon.awssdk.core.exception.SdkException;

/** {@code reauth}: re-authenticate proxy accounts through the reauth API, and watch their health. */
@Command(
        name = "reauth",
        mixinStandardHelpOptions = true,
        version = "reauth 0.1.0",
        usageHelpAutoWidth = true,
        customSynopsis = {
            "reauth --reauthenticate NAME [--allow-account-change] [API]",
            "       reauth --add-account NAME [--mode max|console] [API]",
            "       reauth --reauthenticate-all [--expiring-within DURATION] [API]",
            "       reauth --reload NAME [API]",
            "       reauth --list [--json] [API]",
            "       reauth --check [API]",
            "       reauth import better-ccflare --db PATH [--dry-run] [API]",
            "       reauth link [--revoke] NAME [API]",
            "       reauth dashboard [--no-browser] [--port N] [API]",
            "  API: [--api-url URL | --stack NAME] [--region REGION]"
        },
        description = {"", "Re-authenticates the OAuth accounts of a proxy fleet through the reauth API.", ""},
        sortOptions = false,
        usageHelpWidth = ReauthCli.HELP_WIDTH)
public final class ReauthCli implements Callable<Integer> {

    static final int HELP_WIDTH = 80;

    /** What --lead (gone) answers. */
    static final String LEAD_GONE =
            "--lead is gone: the stack judges health with its own RefreshLead and schedule; drop the option";

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
            "--check prints the stack's verdict for each account that needs a person (attention, expiring, on hold"
                    + " or dead: refreshes failing or overdue, access token expired, refresh token ending, re-authentication"
                    + " required), one line each with the fix, and exits 9; or prints that all are healthy and exits 0."
                    + " The stack judges with its own RefreshLead and RefreshSchedule; a stack too old to judge is named"
                    + " in one line (exit 1).",
            "Exit codes: 0 ok, 1 failed, 2 usage, 3 unknown account, 4 session expired, 5 code not accepted,"
                    + " 6 API unreachable, 7 not authorized, 8 API or provider error, 9 an account needs attention (--check).");

    static final class Action {
        @Option(names = "--reauthenticate", paramLabel = "NAME", description = "Re-authenticate an account.")
        String reauthenticate;

        @Option(names = "--add-account", paramLabel = "NAME", description = "Add a new account (see --mode).")
        String addAccount;

        @Option(
                names = "--reload",
                paramLabel = "NAME",
                description = "Tell running servers to reload an account's tokens.")
        String reload;

        @Option(names = "--list", description = "List accounts: token status, refresh health, provider identity.")
        boolean list;

        @Option(
                names = "--check",
                description = "Exit 9 and say why when any account needs attention (for cron and monitors).")
        boolean check;

        @Option(
                names = "--reauthenticate-all",
                description = "Re-authenticate every account expiring within --expiring-within.")
        boolean reauthenticateAll;
    }

    /** Shown as "nothing to do" when no action (and no subcommand) is given. */
    static final String ACTIONS = "--reauthenticate NAME, --add-account NAME, --reload NAME, --list, --check,"
            + " --reauthenticate-all, import better-ccflare --db PATH, link NAME, dashboard";

    // optional for picocli, so that `reauth import ...` needs none; call() says when one is missing
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Action action;

    @Option(
            names = "--allow-account-change",
            description =
                    "With --reauthenticate: accept a login by another provider account than the one the account belongs to.")
    boolean allowAccountChange;

    @Option(
            names = "--mode",
            defaultValue = "max",
            paramLabel = "max|console",
            converter = ModeConverter.class,
            description = "Mode of the added account (default: max).")
    String mode;

    @Option(
            names = "--expiring-within",
            defaultValue = "2h",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "With --reauthenticate-all: 30m, 2h, 1d, ... (default: 2h).")
    Duration expiringWithin;

    @Option(
            names = "--json",
            description = "With --list: one JSON document for scripts (fields: README, Operator command line).")
    boolean json;

    /** Gone: the stack judges health with its own settings. Kept hidden to say so rather than "unknown option". */
    @Option(names = "--lead", hidden = true, paramLabel = "DURATION")
    String lead;

    @Mixin
    ApiOptions apiOptions = new ApiOptions();

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
        command.getCommandSpec().usageMessage().footer(footer(FOOTER));
        // building a command's model costs start-up time: the import command's only when it may be used or shown
        List<String> given = List.of(args);
        boolean help = given.contains("--help") || given.contains("-h");
        if (given.contains("import") || help) {
            command.addSubcommand("import", subcommand(new ImportCommand(), ImportCommand.FOOTER));
        }
        if (given.contains("link") || help) {
            command.addSubcommand("link", subcommand(new LinkCommand(), LinkCommand.FOOTER));
        }
        if (given.contains("dashboard") || help) {
            command.addSubcommand("dashboard", subcommand(new DashboardCommand(), DashboardCommand.FOOTER));
        }
        if (given.contains("check-names") || help) {
            command.addSubcommand("check-names", subcommand(new CheckNamesCommand(), CheckNamesCommand.FOOTER));
        }
        // an account may be called "import": --reauthenticate import takes it as the name
        command.setAllowSubcommandsAsOptionParameters(true);
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        command.setParameterExceptionHandler((e, arguments) -> {
            String message = e.getMessage().replaceFirst("^Error: ", "");
            err.println("Error: " + message);
            err.print("Usage: " + e.getCommandLine().getHelp().synopsis(0));
            err.println("see " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
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

    private static CommandLine subcommand(Object command, List<String> footer) {
        CommandLine line = new CommandLine(command);
        line.getCommandSpec().usageMessage().footer(footer(footer));
        return line;
    }

    @Override
    public Integer call() {
        if (action == null) {
            throw new ParameterException(spec.commandLine(), "nothing to do: give one of " + ACTIONS);
        }
        if (allowAccountChange && action.reauthenticate == null) {
            throw new ParameterException(spec.commandLine(), "--allow-account-change goes with --reauthenticate NAME");
        }
        if (json && !action.list) {
            throw new ParameterException(spec.commandLine(), "--json goes with --list");
        }
        if (lead != null) {
            throw new ParameterException(spec.commandLine(), LEAD_GONE);
        }
        if (apiOptions.conflicting()) {
            throw new ParameterException(spec.commandLine(), "give --api-url or --stack, not both");
        }
        ApiClient client = apiOptions.connect(env, err, in == null);
        Debug debug = new Debug(env.get("DEBUG"), err);
        Login login = new Login(
                client,
                new Browser(env, System.getProperty("os.name", ""), debug),
                new Prompt(in == null ? Prompt.interactiveConsole() : null, in == null ? consoleReader() : in, out),
                ProviderHosts.forApi(client.base(), env),
                out,
                Clock.systemDefaultZone());
        Operator operator = new Operator(client, login, out, Clock.systemDefaultZone());
        if (action.reauthenticate != null) {
            operator.reauthenticate(action.reauthenticate, allowAccountChange);
        } else if (action.addAccount != null) {
            operator.addAccount(action.addAccount, mode);
        } else if (action.reload != null) {
            operator.reload(action.reload);
        } else if (action.list) {
            operator.list(json);
        } else if (action.check) {
            return operator.check().code();
        } else {
            return operator.reauthenticateAll(expiringWithin).code();
        }
        return ExitCode.OK.code();
    }

    Map<String, String> env() {
        return env;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    /** Whether the command talks to a person's terminal (no reader was given). */
    boolean interactive() {
        return in == null;
    }

    /** Paragraphs as help footer lines, wrapped at {@link #HELP_WIDTH}. */
    static String[] footer(List<String> paragraphs) {
        List<String> lines = new ArrayList<>();
        for (String paragraph : paragraphs) {
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

    /** {@code --expiring-within}: 30m, 2h, 1d12h, PT2H; more than zero. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                Duration duration = Durations.parse(value);
                if (duration.isZero() || duration.isNegative()) {
                    throw new TypeConversionException("give a duration above zero, not " + value);
                }
                return duration;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
