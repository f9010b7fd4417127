package dev.reauth.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * One login, from the API's authorization URL to the completed callback: the login page shown by the
 * code source (a browser, or the URL printed), then its code#state until the API takes it. The state
 * this login expects is the one in its authorization URL; a code from another login is caught here.
 */
final class Login {

    private final ApiClient api;
    private final CodeSource codes;
    private final ProviderHosts providerHosts;
    private final PrintStream out;
    private final Clock clock;

    Login(ApiClient api, CodeSource codes, ProviderHosts providerHosts, PrintStream out, Clock clock) {
        this.api = api;
        this.codes = codes;
        this.providerHosts = providerHosts;
        this.out = out;
        this.clock = clock;
    }

    /** The operator at a terminal: a browser, or the URL printed, and the code pasted at {@code prompt}. */
    Login(ApiClient api, Browser browser, Prompt prompt, ProviderHosts providerHosts, PrintStream out, Clock clock) {
        this(api, new TerminalCodes(browser, prompt, out), providerHosts, out, clock);
    }

    /** Completes the login the API started for account {@code name}; throws when it cannot be completed. */
    void complete(String name, ApiClient.Answer started) {
        if (started.status() != 200) {
            throw ApiFailures.of(started, name);
        }
        URI url = providerHosts.check(started.body().path("authorizationUrl").asText());
        Optional<String> state = queryParameter(url, "state");
        String expiresAt = started.body().path("expiresAt").asText();
        codes.show(url);
        while (true) {
            String pasted = codes.next();
            if (pasted == null) {
                out.println();
                throw new CliFailure(
                        ExitCode.CODE_NOT_ACCEPTED, "no code was entered; account '" + name + "' is unchanged");
            }
            if (pasted.isBlank()) {
                continue;
            }
            Optional<String> code = forThisLogin(pasted.strip(), state);
            if (code.isEmpty()) {
                out.println("That code belongs to another login; paste the code for this one.");
                continue;
            }
            if (finished(name, api.callback(code.get()), expiresAt, url)) {
                return;
            }
        }
    }

    /** True when the login is done; false to ask for the code again; throws when it cannot be done. */
    private boolean finished(String name, ApiClient.Answer done, String expiresAt, URI url) {
        if (done.status() == 200) {
            out.println(done.body().path("message").asText());
            if ("published".equals(done.body().path("cacheFlush").asText())) {
                out.println("Token cache has been cleared for running servers");
            } else {
                out.println("Warning: the new tokens are saved, but running servers could not be notified;"
                        + " they pick them up at their next token_version check (or run: reauth --reload " + name
                        + ")");
            }
            return true;
        }
        switch (done.status() + " " + done.error()) {
            case "400 invalid_grant" ->
                out.println("The provider did not accept that code. Paste it again (this login stays open until "
                        + local(expiresAt) + ").");
            case "400 invalid_request" ->
                out.println("That is not a code#state value: " + done.description() + ". Paste it again.");
            case "409 account_mismatch" -> {
                // the exchange used the code up; the same URL, logged in as the right account, gives a fresh one
                out.println(
                        "You logged in as a different provider account than the one '" + name
                                + "' belongs to; log in as that account and paste again, or re-run with --allow-account-change.");
                out.println("  Login page: " + url);
            }
            case "409 session_used" -> {
                // the state is this login's own, so the login itself was completed, by the provider's redirect to the
                // API
                out.println("This login was already completed (the provider's redirect reached the API first);"
                        + " `reauth --list` shows the account's new token version.");
                return true;
            }
            case "400 invalid_state" ->
                throw new CliFailure(
                        ExitCode.SESSION_EXPIRED,
                        "the API no longer knows this login (was it restarted?); run the command again");
            default -> throw ApiFailures.of(done, name);
        }
        return false;
    }

    /**
     * The value to send for what was pasted: code#state as pasted when the state is this login's, a code
     * alone completed with this login's state, and nothing (empty) when the state is another login's.
     */
    static Optional<String> forThisLogin(String pasted, Optional<String> expectedState) {
        int hash = pasted.indexOf('#');
        if (expectedState.isEmpty()) {
            return Optional.of(pasted);
        }
        if (hash < 0) {
            return Optional.of(pasted + "#" + expectedState.get());
        }
        return pasted.substring(hash + 1).equals(expectedState.get()) ? Optional.of(pasted) : Optional.empty();
    }

    static Optional<String> queryParameter(URI url, String name) {
        String query = url.getRawQuery();
        if (query == null) {
            return Optional.empty();
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0
                    && URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8)
                            .equals(name)) {
                return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8))
                        .filter(v -> !v.isEmpty());
            }
        }
        return Optional.empty();
    }

    private String local(String instant) {
        try {
            return Instant.parse(instant)
                    .atZone(clock.getZone())
                    .toLocalTime()
                    .withNano(0)
                    .toString();
        } catch (RuntimeException e) {
            return "it expires";
        }
    }
}
