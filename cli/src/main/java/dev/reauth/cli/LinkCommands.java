package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * {@code reauth link NAME} and {@code reauth link --revoke NAME}: one-time re-auth links over the API.
 * A link's URL is a capability: it goes to standard output and nowhere else (no log, no debug line).
 */
final class LinkCommands {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

    private final ApiClient api;
    private final PrintStream out;
    private final Clock clock;

    LinkCommands(ApiClient api, PrintStream out, Clock clock) {
        this.api = api;
        this.out = out;
        this.clock = clock;
    }

    /** A link issued for an account: its address and when it stops working. */
    record IssuedLink(String account, URI url, Instant expiresAt) {
        @Override
        public String toString() {
            return "IssuedLink[account=" + account + ", url=(hidden), expiresAt=" + expiresAt + "]";
        }
    }

    /** Issues a link (replacing the account's earlier one) and prints it with its expiry. */
    void create(String name, boolean bindFirstLogin) {
        IssuedLink link = issue(api, name, bindFirstLogin);
        if (bindFirstLogin) {
            out.println("Bind on first login: if account '" + name + "' is bound to no provider account yet, whoever"
                    + " logs in first through this link binds it to their provider account.");
        }
        out.println("One-time re-auth link for account '" + link.account() + "' (works once; valid until "
                + shown(link.expiresAt()) + ", " + Durations.human(Duration.between(clock.instant(), link.expiresAt()))
                + " from now):");
        out.println(link.url());
        out.println("It replaces any earlier link for this account. To end it: reauth link --revoke "
                + AccountHealth.shellWord(name));
    }

    /** Revokes the account's link and says whether there was one. */
    void revoke(String name) {
        ApiClient.Answer answer = api.revokeLink(name);
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, name);
        }
        out.println(
                answer.body().path("revoked").asBoolean(false)
                        ? "Revoked the re-auth link of account '" + name + "'; it no longer works."
                        : "Account '" + name + "' had no live re-auth link; nothing to revoke.");
    }

    /** {@code POST /accounts/{name}/link}, checked: the API's failures as the CLI says them, a malformed answer refused. */
    static IssuedLink issue(ApiClient api, String name) {
        return issue(api, name, false);
    }

    /** The same, with the operator's choice to let the first login bind an unbound account. */
    static IssuedLink issue(ApiClient api, String name, boolean bindFirstLogin) {
        ApiClient.Answer answer = api.createLink(name, bindFirstLogin);
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, name);
        }
        JsonNode body = answer.body();
        try {
            URI url = URI.create(body.path("url").asText(""));
            String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
            if (url.getHost() == null
                    || !(scheme.equals("https") || scheme.equals("http") && ApiEndpoint.isLoopback(url))) {
                throw new IllegalArgumentException("not a web address");
            }
            return new IssuedLink(
                    body.path("account").asText(name),
                    url,
                    Instant.parse(body.path("expiresAt").asText()));
        } catch (RuntimeException malformed) {
            throw new CliFailure(
                    ExitCode.SERVER_ERROR, "the API answered without a usable link for account '" + name + "'");
        }
    }

    private String shown(Instant at) {
        return SHOWN.format(at.atZone(clock.getZone()));
    }
}
