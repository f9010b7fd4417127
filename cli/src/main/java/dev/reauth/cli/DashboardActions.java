package dev.reauth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The dashboard's operations, each one call to the reauth API through the CLI's own client (signed with
 * the operator's credentials as every command is), answered as JSON for the page. The same rules as the
 * command line apply: only provider hosts are handed to the browser, and a code from another login is
 * caught before it is sent.
 */
final class DashboardActions {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ApiClient api;
    private final ProviderHosts providerHosts;
    private final Clock clock;
    /** The state of the login this dashboard last started per account, to tell its code from another login's. */
    private final Map<String, String> startedStates = new ConcurrentHashMap<>();

    DashboardActions(ApiClient api, ProviderHosts providerHosts, Clock clock) {
        this.api = api;
        this.providerHosts = providerHosts;
        this.clock = clock;
    }

    /** Serves one operation; every failure becomes a JSON error with a plain description. */
    DashboardResponse serve(DashboardRoute.Match match, byte[] body) {
        try {
            return switch (match.route()) {
                case LIST -> list();
                case ADD -> add(parse(body));
                case START_REAUTH -> started(match.name(), api.startReauth(match.name(), false));
                case COMPLETE -> complete(match.name(), parse(body).path("code").asText(""));
                case RELOAD -> reload(match.name());
                case LINK -> link(match.name());
                case PAGE, STYLESHEET, DASHBOARD_STYLESHEET, LOGIN_SCRIPT, SCRIPT ->
                    throw new IllegalArgumentException("not an operation");
            };
        } catch (CliFailure failure) {
            return failed(failure);
        } catch (SdkException aws) {
            return failed(AwsFailures.explain(aws, "signing the request"));
        } catch (BadRequest bad) {
            return DashboardResponse.error(400, "invalid_request", bad.getMessage());
        }
    }

    private DashboardResponse list() {
        ApiClient.Answer answer = api.listAccounts();
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, null);
        }
        List<AccountStatus> accounts = new ArrayList<>();
        answer.body().path("accounts").forEach(account -> accounts.add(AccountStatus.from(account)));
        accounts.sort(Comparator.comparing(AccountStatus::name));
        return DashboardResponse.json(
                200, new AccountReport(accounts, answer.body().get("health"), clock.instant()).dashboard());
    }

    private DashboardResponse add(JsonNode body) {
        String name = body.path("name").asText("").strip();
        String mode = body.path("mode").asText("max");
        if (name.isEmpty()) {
            throw new BadRequest("Give the new account a name.");
        }
        if (!mode.equals("max") && !mode.equals("console")) {
            throw new BadRequest("The mode is max or console.");
        }
        return started(name, api.addAccount(name, mode));
    }

    private DashboardResponse started(String name, ApiClient.Answer answer) {
        if (answer.status() != 200) {
            throw ApiFailures.of(answer, name);
        }
        URI url = providerHosts.check(answer.body().path("authorizationUrl").asText());
        Login.queryParameter(url, "state")
                .ifPresentOrElse(state -> startedStates.put(name, state), () -> startedStates.remove(name));
        return DashboardResponse.json(
                200,
                DashboardResponse.object()
                        .put("account", name)
                        .put("authorizationUrl", url.toString())
                        .put("expiresAt", answer.body().path("expiresAt").asText()));
    }

    private DashboardResponse complete(String name, String pasted) {
        if (pasted.isBlank()) {
            throw new BadRequest("Paste the whole value the provider shows: it looks like code#state.");
        }
        String expected = startedStates.get(name);
        if (expected == null) {
            // only a login this dashboard started completes here: a code from any other login is never passed on
            throw new BadRequest("Press Log in first: this dashboard has started no login for this account.");
        }
        Optional<String> code = Login.forThisLogin(pasted.strip(), Optional.of(expected));
        if (code.isEmpty()) {
            throw new BadRequest("That code belongs to another login; paste the code for this one.");
        }
        ApiClient.Answer done = api.callback(code.get());
        if (done.status() == 200) {
            startedStates.remove(name);
            boolean flushed = "published".equals(done.body().path("cacheFlush").asText());
            return DashboardResponse.json(
                    200,
                    DashboardResponse.object()
                            .put("success", true)
                            .put("message", done.body().path("message").asText())
                            .put(
                                    "detail",
                                    flushed
                                            ? "Token cache has been cleared for running servers"
                                            : "Warning: the new tokens are saved, but running servers could not be notified;"
                                                    + " they pick them up at their next token_version check (or press Reload)")
                            .put(
                                    "tokenVersion",
                                    done.body().path("tokenVersion").asLong()));
        }
        String text = switch (done.status() + " " + done.error()) {
            case "400 invalid_grant" ->
                "The provider did not accept that code. Paste it again (this login stays open for a while).";
            case "400 invalid_request" -> "That is not a code#state value: " + done.description() + ". Paste it again.";
            case "409 account_mismatch" ->
                "You logged in as a different provider account than the one '" + name
                        + "' belongs to; log in as that account (Log in again) and paste the new code.";
            case "409 session_used" ->
                "This login was already completed; the list shows the account's new token version.";
            case "400 invalid_state" -> "The API no longer knows this login; press Log in to start again.";
            default -> null;
        };
        if (text == null) {
            throw ApiFailures.of(done, name);
        }
        return DashboardResponse.error(done.status(), done.error(), text);
    }

    private DashboardResponse reload(String name) {
        // the command's own reload: what it says, and how it finds the account, stay one implementation
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        new Operator(api, null, new PrintStream(said, true, StandardCharsets.UTF_8), clock).reload(name);
        return DashboardResponse.json(
                200,
                DashboardResponse.object()
                        .put("message", said.toString(StandardCharsets.UTF_8).strip()));
    }

    private DashboardResponse link(String name) {
        LinkCommands.IssuedLink link = LinkCommands.issue(api, name);
        return DashboardResponse.json(
                200,
                DashboardResponse.object()
                        .put("account", link.account())
                        .put("url", link.url().toString())
                        .put("expiresAt", link.expiresAt().toString()));
    }

    private static DashboardResponse failed(CliFailure failure) {
        int status = switch (failure.exitCode()) {
            case UNKNOWN_ACCOUNT -> 404;
            case SESSION_EXPIRED -> 410;
            case CODE_NOT_ACCEPTED, USAGE -> 400;
            case FAILED -> 409;
            default -> 502;
        };
        return DashboardResponse.error(
                status, failure.exitCode().name().toLowerCase(Locale.ROOT), capitalized(failure.getMessage()));
    }

    private static String capitalized(String text) {
        return text.isEmpty()
                ? text
                : Character.toUpperCase(text.charAt(0)) + text.substring(1) + (text.endsWith(".") ? "" : ".");
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new BadRequest("Send a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw new BadRequest("Send a JSON object.");
        }
    }

    /** Input the page should not have sent; said in one sentence. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
