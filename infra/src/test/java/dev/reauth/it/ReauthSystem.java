package dev.reauth.it;

import static dev.reauth.wire.Schema.Accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.aws.AwsClients;
import dev.reauth.config.ReauthConfig;
import dev.reauth.handler.CallbackHandler;
import dev.reauth.handler.ListAccountsHandler;
import dev.reauth.handler.RefreshHandler;
import dev.reauth.handler.ReloadHandler;
import dev.reauth.handler.StartReauthHandler;
import dev.reauth.handler.WebHandler;
import dev.reauth.handler.Wiring;
import dev.reauth.http.ApiHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.SamTemplate;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenRequestFormat;
import dev.reauth.provider.HttpAuthorizationServer;
import dev.reauth.recorder.AwsCallRecorder;
import dev.reauth.wire.Schema;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenBundleJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One running copy of the system for a test class: fresh tables, key, topic and a subscribed queue
 * on the emulator, the local PKCE-enforcing provider, and the three real handlers wired to them.
 * Requests are the bytes of the events/ files (adjusted per call), as `sam local invoke -e` sends them.
 */
final class ReauthSystem implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    /** As the OAUTH_REVOKE_URL override: the local provider's revoke endpoint, whose port is known only once it runs. */
    static final String LOCAL_REVOKE_URL = "local-provider";

    final LocalStack aws = LocalStack.create();
    final LocalOAuthProvider provider = LocalOAuthProvider.start();
    final CallCounter calls = new CallCounter();
    final ShiftableClock clock = new ShiftableClock();
    final String queueUrl =
            aws.subscribeQueue("fleet-" + UUID.randomUUID().toString().substring(0, 8));
    final Map<String, String> environment;
    final ReauthConfig config;
    final AwsClients clients;
    private final Set<String> verifiers = ConcurrentHashMap.newKeySet();
    private final Set<String> linkTokens = ConcurrentHashMap.newKeySet();

    final StartReauthHandler start;
    final CallbackHandler callback;
    final ReloadHandler reload;
    final ListAccountsHandler list;
    final RefreshHandler refresh;
    /** The web function: re-auth links (issue, revoke) and their page. */
    final WebHandler web;
    /** The API every handler serves, for tests that need it over HTTP (LocalApi). */
    final ReauthApi api;

    final String alertsQueueUrl =
            aws.subscribeAlertsQueue("alerts-" + UUID.randomUUID().toString().substring(0, 8));

    ReauthSystem() {
        this(null);
    }

    /** A system whose provider calls go to {@code tokenUrl} instead of the local provider (for fault injection). */
    ReauthSystem(URI tokenUrl) {
        this(tokenUrl, Map.of());
    }

    /** A system whose functions see these environment variables on top of the template's. */
    ReauthSystem(URI tokenUrl, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(aws.functionEnvironment(provider.environment()));
        env.putAll(overrides);
        if (LOCAL_REVOKE_URL.equals(env.get("OAUTH_REVOKE_URL"))) {
            env.put("OAUTH_REVOKE_URL", provider.revokeUrl().toString());
        }
        environment = Map.copyOf(env);
        config = ReauthConfig.from(environment);
        clients = AwsClients.create(config, LocalStack.CREDENTIALS, List.of(calls));
        // against a fault-injecting token endpoint a short timeout keeps timeout faults cheap; against the
        // local provider the configured one, so a loaded machine does not fail a login
        Duration timeout = tokenUrl != null && !overrides.containsKey("OAUTH_HTTP_TIMEOUT")
                ? Duration.ofSeconds(2)
                : config.providerTimeout();
        Wiring.Graph graph = graphWithTokenUrl(config, tokenUrl, null, timeout);
        api = graph.api();
        start = new StartReauthHandler(api);
        callback = new CallbackHandler(api);
        reload = new ReloadHandler(api);
        list = new ListAccountsHandler(api);
        refresh = new RefreshHandler(api, graph.schedule(), graph.expiring(), clock);
        // as deployed, OAUTH_REVOKE_URL is the callback function's alone: the web function may not open tokens
        web = new WebHandler(
                config.revokeUrl().isEmpty()
                        ? graph.web()
                        : graphWithTokenUrl(withoutRevocation(environment), tokenUrl, null, timeout)
                                .web());
    }

    private static ReauthConfig withoutRevocation(Map<String, String> environment) {
        Map<String, String> env = new HashMap<>(environment);
        env.remove("OAUTH_REVOKE_URL");
        return ReauthConfig.from(env);
    }

    /**
     * An API over the same tables whose token endpoint is {@code tokenUrl} (null: the local provider),
     * in the given request format (null: the configured one).
     */
    ReauthApi apiWithTokenUrl(URI tokenUrl, TokenRequestFormat format, Duration timeout) {
        return graphWithTokenUrl(config, tokenUrl, format, timeout).api();
    }

    private Wiring.Graph graphWithTokenUrl(
            ReauthConfig config, URI tokenUrl, TokenRequestFormat format, Duration timeout) {
        var c = config.provider();
        var providerConfig = new ProviderConfig(
                c.clientId(),
                c.authorizeUrlMax(),
                c.authorizeUrlConsole(),
                tokenUrl == null ? c.tokenUrl() : tokenUrl,
                c.redirectUri(),
                c.scopes(),
                format == null ? c.tokenRequestFormat() : format,
                c.apiKeyUrl(),
                c.leadingAuthorizeParams());
        var server = new HttpAuthorizationServer(
                providerConfig,
                timeout,
                timeout,
                config.providerUserAgent(),
                config.revokeUrl(),
                config.accessTokenLifetime());
        return Wiring.graph(config, clients, server, clock);
    }

    // ---- requests, built from the events/ files

    /** An events/ file as JSON, with a fresh request id. */
    static ObjectNode event(String file) {
        return ProjectFiles.eventJson(file);
    }

    /** Invokes a handler with the event's bytes, as the Lambda runtime does. */
    static LambdaResponse invoke(ApiHandler handler, ObjectNode event) {
        return AwsCallRecorder.as(functionOf(handler), () -> invokeAsRuntime(handler, event));
    }

    /** The template's function whose handler is this class: the caller its AWS calls are recorded as. */
    static String functionOf(Object handler) {
        return FUNCTIONS.computeIfAbsent(handler.getClass(), type -> {
            String suffix = "." + type.getSimpleName() + "::handleRequest";
            for (var function : SamTemplate.project().resources().properties()) {
                if (function.getValue()
                        .path("Properties")
                        .path("Handler")
                        .asText()
                        .endsWith(suffix)) {
                    return function.getKey();
                }
            }
            throw new IllegalArgumentException("no function of template.yaml runs " + type);
        });
    }

    private static final Map<Class<?>, String> FUNCTIONS = new ConcurrentHashMap<>();

    private static LambdaResponse invokeAsRuntime(ApiHandler handler, ObjectNode event) {
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(
                    new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
            return LambdaResponse.parse(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    LambdaResponse startReauth(String accountName) {
        return startReauth(accountName, null);
    }

    /** Starts a re-authentication with a request body (null: none). */
    LambdaResponse startReauth(String accountName, String body) {
        ObjectNode event = event("start-reauth.json");
        event.putObject("pathParameters").put("name", accountName);
        event.put("rawPath", "/accounts/" + accountName + "/reauth");
        if (body != null) {
            event.put("body", body);
        }
        LambdaResponse response = invoke(start, event);
        rememberVerifier(response);
        return response;
    }

    LambdaResponse addAccount(String body) {
        ObjectNode event = event("add-account.json");
        event.put("body", body);
        LambdaResponse response = invoke(start, event);
        rememberVerifier(response);
        return response;
    }

    LambdaResponse pasteCode(String pasted) {
        return pasteBody(JSON.createObjectNode().put("code", pasted).toString());
    }

    LambdaResponse pasteBody(String body) {
        ObjectNode event = event("callback-pasted-code.json");
        event.put("body", body);
        return invoke(callback, event);
    }

    LambdaResponse browserCallback(Map<String, String> query) {
        ObjectNode event = event("callback-browser.json");
        event.set("queryStringParameters", JSON.valueToTree(query));
        return invoke(callback, event);
    }

    LambdaResponse reload(String accountId) {
        ObjectNode event = event("reload.json");
        event.putObject("pathParameters").put("id", accountId);
        return invoke(reload, event);
    }

    LambdaResponse reloadByName(String accountName) {
        ObjectNode event = event("reload-by-name.json");
        event.putObject("pathParameters").put("name", accountName);
        return invoke(reload, event);
    }

    LambdaResponse listAccounts() {
        return invoke(list, event("list-accounts.json"));
    }

    // ---- re-auth links: the web function, driven with the events/ files

    /** Invokes the web function with the event's bytes, as the Lambda runtime does. */
    static LambdaResponse invoke(WebHandler handler, ObjectNode event) {
        return AwsCallRecorder.as(functionOf(handler), () -> invokeAsRuntime(handler, event));
    }

    private static LambdaResponse invokeAsRuntime(WebHandler handler, ObjectNode event) {
        try {
            var out = new ByteArrayOutputStream();
            handler.handleRequest(
                    new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
            return LambdaResponse.parse(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * POST /accounts/{name}/link (IAM) with {@code bindFirstLogin}: seeded accounts are bound to no provider
     * account, so the operator's explicit choice lets the link's first login bind them.
     */
    LambdaResponse issueLink(String accountName) {
        return issueLink(accountName, true);
    }

    /** POST /accounts/{name}/link (IAM): a fresh link; its token joins the secrets no log may hold. */
    LambdaResponse issueLink(String accountName, boolean bindFirstLogin) {
        ObjectNode event = event("link-issue.json");
        if (bindFirstLogin) {
            event.put("body", "{\"bindFirstLogin\":true}");
            event.put("isBase64Encoded", false);
        }
        event.putObject("pathParameters").put("name", accountName);
        event.put("rawPath", "/accounts/" + accountName + "/link");
        LambdaResponse response = invoke(web, event);
        if (response.getStatusCode() == 200) {
            rememberLink(json(response).path("url").asText());
        }
        return response;
    }

    /** The token of a successful issue's link. */
    String issuedLinkToken(String accountName) {
        LambdaResponse issued = issueLink(accountName);
        if (issued.getStatusCode() != 200) {
            throw new IllegalStateException("issuing a link failed: " + issued.getBody());
        }
        return tokenOf(json(issued).path("url").asText());
    }

    /** DELETE /accounts/{name}/link (IAM). */
    LambdaResponse revokeLink(String accountName) {
        ObjectNode event = event("link-revoke.json");
        event.putObject("pathParameters").put("name", accountName);
        event.put("rawPath", "/accounts/" + accountName + "/link");
        return invoke(web, event);
    }

    /** GET /r/{token} (public): the link's page. */
    LambdaResponse linkPage(String token) {
        return invoke(web, linkEvent("link-page.json", token, "", null));
    }

    /** POST /r/{token}/start (public). */
    LambdaResponse linkStart(String token) {
        LambdaResponse response = invoke(web, linkEvent("link-start.json", token, "/start", "{}"));
        rememberVerifier(response);
        return response;
    }

    /** POST /r/{token}/complete (public) with the pasted code#state. */
    LambdaResponse linkComplete(String token, String pasted) {
        return invoke(
                web,
                linkEvent(
                        "link-complete.json",
                        token,
                        "/complete",
                        JSON.createObjectNode().put("code", pasted).toString()));
    }

    private static ObjectNode linkEvent(String file, String token, String suffix, String body) {
        ObjectNode event = event(file);
        event.putObject("pathParameters").put("token", token);
        event.put("rawPath", "/r/" + token + suffix);
        ((ObjectNode) event.path("requestContext").path("http")).put("path", "/r/" + token + suffix);
        if (body != null) {
            event.put("body", body);
        }
        return event;
    }

    /** Records the token of a link seen anywhere (an issue's answer, an alert) as a secret no log may hold. */
    String rememberLink(String url) {
        String token = tokenOf(url);
        linkTokens.add(token);
        return token;
    }

    static String tokenOf(String url) {
        String path = URI.create(url).getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Starts a re-authentication and logs in at the provider: what the operator would paste. */
    LocalOAuthProvider.Authorization startAndLogIn(String accountName) {
        return provider.authorize(authorizationUrl(startReauth(accountName)));
    }

    /** The authorization URL a successful start answered with. */
    static String authorizationUrl(LambdaResponse started) {
        if (started.getStatusCode() != 200) {
            throw new IllegalStateException("start failed: " + started.getBody());
        }
        return json(started).path("authorizationUrl").asText();
    }

    /** One run of the refresh schedule, from the events/ file EventBridge sends: the run's summary. */
    JsonNode runSchedule() {
        return AwsCallRecorder.as(functionOf(refresh), this::runScheduleNow);
    }

    private JsonNode runScheduleNow() {
        try {
            var out = new ByteArrayOutputStream();
            refresh.handleRequest(
                    new ByteArrayInputStream(
                            event("refresh-schedule.json").toString().getBytes(StandardCharsets.UTF_8)),
                    out,
                    null);
            return JSON.readTree(out.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** POST /accounts/{id}/refresh, as a proxy that got a 401 calls it; {@code knownVersion} null sends no body. */
    LambdaResponse refreshNow(String accountId, Long knownVersion) {
        ObjectNode event = event("refresh.json");
        event.putObject("pathParameters").put("id", accountId);
        event.put("rawPath", "/accounts/" + accountId + "/refresh");
        if (knownVersion == null) {
            event.remove("body");
        } else {
            event.put(
                    "body",
                    JSON.createObjectNode().put("tokenVersion", knownVersion).toString());
        }
        return invoke(refresh, event);
    }

    /** POST /accounts/{id}/tokens: a proxy's agent hands over tokens the proxy got itself. */
    LambdaResponse adoptTokens(String accountId, String body) {
        ObjectNode event = event("adopt-tokens.json");
        event.putObject("pathParameters").put("id", accountId);
        event.put("rawPath", "/accounts/" + accountId + "/tokens");
        event.put("body", body);
        return invoke(refresh, event);
    }

    /** POST /accounts/{id}/agent: a proxy's agent says it serves the account. */
    LambdaResponse agentHandshake(String accountId) {
        ObjectNode event = event("agent-handshake.json");
        event.putObject("pathParameters").put("id", accountId);
        event.put("rawPath", "/accounts/" + accountId + "/agent");
        return invoke(refresh, event);
    }

    /** POST /accounts/import: an account a proxy already holds. */
    LambdaResponse importAccount(String body) {
        ObjectNode event = event("import-account.json");
        event.put("body", body);
        return invoke(refresh, event);
    }

    /** An account reauth keeps alive: seeded as a fleet holds it, then re-authenticated at the local provider. */
    String liveAccount(String name) {
        String id = seedAccount(name, Map.of());
        LambdaResponse done = pasteCode(startAndLogIn(name).pasted());
        if (done.getStatusCode() != 200) {
            throw new IllegalStateException("re-authentication failed: " + done.getBody());
        }
        return id;
    }

    /** Alerts that reached the alerts topic (as an email or webhook subscriber would get them), as JSON. */
    List<JsonNode> alerts(Duration wait) {
        List<JsonNode> alerts = new ArrayList<>();
        for (Message m : receive(alertsQueueUrl, wait)) {
            JsonNode envelope = parse(m.body());
            alerts.add(parse(envelope.path("Message").asText()));
        }
        return alerts;
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    // ---- state

    /** Seeds an account the way a proxy fleet's table holds one; returns its id. */
    String seedAccount(String name, Map<String, AttributeValue> extra) {
        return aws.seedAccount(name, extra);
    }

    Map<String, AttributeValue> account(String id) {
        return aws.account(id);
    }

    Map<String, AttributeValue> session(String state) {
        return aws.dynamo()
                .getItem(g -> g.tableName(aws.sessionsTable())
                        .consistentRead(true)
                        .key(Map.of(Schema.Sessions.STATE_HASH, AttributeValue.fromS(new OAuthState(state).hash()))))
                .item();
    }

    /** Decrypts an account's token_ciphertext through KMS with the documented encryption context. */
    TokenBundle decryptTokens(String accountId, Map<String, AttributeValue> item) {
        SdkBytes ciphertext = item.get(Accounts.TOKEN_CIPHERTEXT).b();
        byte[] plaintext = aws.kms()
                .decrypt(d -> d.ciphertextBlob(ciphertext).encryptionContext(Schema.encryptionContext(accountId)))
                .plaintext()
                .asByteArray();
        return TokenBundleJson.read(plaintext);
    }

    /** Messages on the subscribed queue, waiting up to {@code wait} for the first. */
    List<Message> receive(Duration wait) {
        return receive(queueUrl, wait);
    }

    private List<Message> receive(String queueUrl, Duration wait) {
        List<Message> received = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            List<Message> batch = aws.sqs()
                    .receiveMessage(r -> r.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .messageAttributeNames("All"))
                    .messages();
            for (Message m : batch) {
                received.add(m);
                aws.sqs().deleteMessage(d -> d.queueUrl(queueUrl).receiptHandle(m.receiptHandle()));
            }
            if (!received.isEmpty() && batch.isEmpty()) {
                break;
            }
        }
        return received;
    }

    /** Every secret the run handed out: codes, states, tokens, API keys, verifiers, link tokens. */
    Set<String> secrets() {
        Set<String> all = new HashSet<>(provider.secretsSeen());
        all.addAll(verifiers);
        all.addAll(linkTokens);
        all.removeIf(s -> s == null || s.length() < 8);
        return all;
    }

    private void rememberVerifier(LambdaResponse response) {
        if (response.getStatusCode() != 200) {
            return;
        }
        String url = json(response).path("authorizationUrl").asText();
        String state = query(url).get("state");
        Map<String, AttributeValue> session = session(state);
        verifiers.add(session.get(Schema.Sessions.CODE_VERIFIER).s());
        verifiers.add(state);
    }

    static JsonNode json(LambdaResponse response) {
        try {
            return JSON.readTree(response.getBody());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + response.getBody(), e);
        }
    }

    static Map<String, String> query(String url) {
        Map<String, String> query = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    @Override
    public void close() {
        provider.close();
    }

    /**
     * What a proxy that refreshes on its own sends the provider (better-ccflare does, within 30 minutes of
     * expiry): the refresh grant with its refresh token, redeemed at the provider itself. The grant's JSON.
     */
    JsonNode proxyRefreshesItself(String refreshToken) throws IOException, InterruptedException {
        String request = JSON.createObjectNode()
                .put("grant_type", "refresh_token")
                .put("refresh_token", refreshToken)
                .put("client_id", config.provider().clientId())
                .toString();
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(config.provider().tokenUrl())
                                .header("Content-Type", "application/json")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the provider refused the proxy's refresh: HTTP " + answer.statusCode());
        }
        return JSON.readTree(answer.body());
    }
}
