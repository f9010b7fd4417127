package dev.reauth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * A subcommand of {@code reauth} that calls the API ({@code import}, {@code link}, {@code dashboard}): it stands
 * alone (no --list, --check, ... beside it), takes the API options after its name or before it, and connects once.
 */
abstract class ApiSubcommand implements Callable<Integer> {

    @Mixin
    ApiOptions apiOptions = new ApiOptions();

    @ParentCommand
    ReauthCli parent;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        if (parent.action != null) {
            throw usage(spec.name()
                    + " is a command of its own: give it without --list, --check, --reauthenticate and the like");
        }
        checkOptions();
        ApiOptions api = apiOptions.or(parent.apiOptions);
        if (api.conflicting()) {
            throw usage("give --api-url or --stack, not both");
        }
        return run(api.connect(parent.env(), parent.err(), parent.interactive()));
    }

    /** Refuses this subcommand's own option mistakes, before the API is resolved; none by default. */
    void checkOptions() {}

    /** Does the subcommand's work with the API's client; the exit code. */
    abstract int run(ApiClient client) throws Exception;

    /** A usage mistake (exit 2), said with this subcommand's usage. */
    final ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
