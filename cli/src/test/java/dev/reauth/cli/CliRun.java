package dev.reauth.cli;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The CLI's tests' fixture: {@code reauth} run in this process against a fresh {@link FakeApi} per test,
 * its standard output and error captured. Register it with {@code @RegisterExtension}.
 */
final class CliRun implements BeforeEachCallback, AfterEachCallback {

    /** The environment the runs see (empty unless a test puts something in it). */
    final Map<String, String> env = new HashMap<>();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private FakeApi api;

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        api = new FakeApi();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        api.close();
    }

    FakeApi api() {
        return api;
    }

    /** {@code --api-url} naming the fake API, to put where a test wants it on the command line. */
    List<String> apiUrl() {
        return List.of("--api-url", api.url().toString());
    }

    /** {@code reauth --api-url FAKE ARGS}, nothing on standard input; the exit code. */
    int run(String... args) {
        return runWithInput("", args);
    }

    /** {@code reauth --api-url FAKE ARGS} reading {@code input} as what the operator types. */
    int runWithInput(String input, String... args) {
        List<String> all = new ArrayList<>(apiUrl());
        all.addAll(List.of(args));
        return runRaw(input, all.toArray(String[]::new));
    }

    /** {@code reauth ARGS} as given (no API added), reading {@code input}. */
    int runRaw(String input, String... args) {
        return ReauthCli.run(
                args,
                env,
                new BufferedReader(new StringReader(input)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** {@code reauth ARGS} with no standard input at all, as from a terminal ({@code ReauthCli.run}'s null reader). */
    int runFromTerminal(String... args) {
        return ReauthCli.run(
                args,
                env,
                null,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Everything written to standard output so far. */
    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Everything written to standard error so far. */
    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Forgets what was written to standard output so far, for the next run's alone. */
    void clearOut() {
        out.reset();
    }

    /** Forgets what was written to standard error so far, for the next run's alone. */
    void clearErr() {
        err.reset();
    }
}
