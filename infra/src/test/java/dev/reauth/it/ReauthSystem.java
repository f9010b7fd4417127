package dev.reauth.it;

import static dev.reauth.aws.Schema.Accounts;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.aws.AwsClients;
import dev.reauth.aws.KmsTokenVault;
import dev.reauth.aws.Schema;
import dev.reauth.aws.TokenBundleJson;
import dev.reauth.config.ReauthConfig;
import dev.reauth.handler.CallbackHandler;
import dev.reauth.handler.ReloadHandler;
import dev.reauth.handler.StartReauthHandler;
import dev.reauth.handler.Wiring;
import dev.reauth.http.ReauthApi;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.ProviderConfig;
import dev.reauth.oauth.TokenRequestFormat;
import dev.reauth.oauth.TokenBundle;
import dev.reauth.provider.HttpAuthorizationServer;
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
 * Requests are the events/ files, adjusted per call.
 */
final class ReauthSystem implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final LocalStack aws = LocalStack.create();
    final LocalOAuthProvider provider = LocalOAuthProvider.start();
    final CallCounter calls = new CallCounter();
    final ShiftableClock clock = new ShiftableClock();
    final String queueUrl = aws.subscribeQueue("fleet-" + UUID.randomUUID().toString().substring(0, 8));
    final Map<String, String> environment = aws.functionEnvironment(provider.environment());
    final ReauthConfig config = ReauthConfig.from(environment);
    final AwsClients clients = AwsClients.create(config, LocalStack.CREDENTIALS, List.of(calls));
    private final Set<String> verifiers = ConcurrentHashMap.newKeySet();

    final StartReauthHandler start;
    final CallbackHandler callback;
    final ReloadHandler reload;

    ReauthSystem() {
        this(null);
    }

    /** A system whose provider calls go to {@code tokenUrl} instead of the local provider (for fault injection). */
    ReauthSystem(URI tokenUrl) {
        ReauthApi api = apiWithTokenUrl(tokenUrl, null, Duration.ofSeconds(2));
        start = new StartReauthHandler(api);
        callback = new CallbackHandler(api);
        reload = new ReloadHandler(api);
    }

    /**
     * An API over the same tables whose token endpoint is {@code tokenUrl} (null: the local provider),
     * in the given request format (null: the configured one).
     */
    ReauthApi apiWithTokenUrl(URI tokenUrl, TokenRequestFormat format, Duration timeout) {
        var c = config.provider();
        var providerConfig = new ProviderConfig(c.clientId(), c.authorizeUrlMax(), c.authorizeUrlConsole(),
                tokenUrl == null ? c.tokenUrl() : tokenUrl, c.redirectUri(), c.scopes(),
                format == null ? c.tokenRequestFormat() : format, c.apiKeyUrl(), c.leadingAuthorizeParams());
        var server = new HttpAuthorizationServer(HttpAuthorizationServer.defaultClient(timeout), providerConfig, timeout);
        return new ReauthApi(Wiring.service(config, clients, server, clock));
    }

    // ---- requests, built from the events/ files

    static APIGatewayV2HTTPEvent event(String file) {
        APIGatewayV2HTTPEvent event = EventLoader.loadApiGatewayHttpEvent(ProjectFiles.event(file).toString());
        event.getRequestContext().setRequestId(UUID.randomUUID().toString());
        return event;
    }

    APIGatewayV2HTTPResponse startReauth(String accountName) {
        APIGatewayV2HTTPEvent event = event("start-reauth.json");
        event.setPathParameters(Map.of("name", accountName));
        event.setRawPath("/accounts/" + accountName + "/reauth");
        APIGatewayV2HTTPResponse response = start.handleRequest(event, null);
        rememberVerifier(response);
        return response;
    }

    APIGatewayV2HTTPResponse addAccount(String body) {
        APIGatewayV2HTTPEvent event = event("add-account.json");
        event.setBody(body);
        APIGatewayV2HTTPResponse response = start.handleRequest(event, null);
        rememberVerifier(response);
        return response;
    }

    APIGatewayV2HTTPResponse pasteCode(String pasted) {
        return pasteBody(JSON.createObjectNode().put("code", pasted).toString());
    }

    APIGatewayV2HTTPResponse pasteBody(String body) {
        APIGatewayV2HTTPEvent event = event("callback-pasted-code.json");
        event.setBody(body);
        return callback.handleRequest(event, null);
    }

    APIGatewayV2HTTPResponse browserCallback(Map<String, String> query) {
        APIGatewayV2HTTPEvent event = event("callback-browser.json");
        event.setQueryStringParameters(query);
        return callback.handleRequest(event, null);
    }

    APIGatewayV2HTTPResponse reload(String accountId) {
        APIGatewayV2HTTPEvent event = event("reload.json");
        event.setPathParameters(Map.of("id", accountId));
        return reload.handleRequest(event, null);
    }

    /** Starts a re-authentication and logs in at the provider: what the operator would paste. */
    LocalOAuthProvider.Authorization startAndLogIn(String accountName) {
        APIGatewayV2HTTPResponse started = startReauth(accountName);
        if (started.getStatusCode() != 200) {
            throw new IllegalStateException("start failed: " + started.getBody());
        }
        return provider.authorize(json(started).path("authorizationUrl").asText());
    }

    // ---- state

    /** Seeds an account the way a proxy fleet's table holds one; returns its id. */
    String seedAccount(String name, Map<String, AttributeValue> extra) {
        String id = UUID.randomUUID().toString();
        Map<String, AttributeValue> item = new HashMap<>(extra);
        item.put(Accounts.ID, AttributeValue.fromS(id));
        item.put(Accounts.NAME, AttributeValue.fromS(name));
        aws.dynamo().putItem(p -> p.tableName(aws.accountsTable()).item(item));
        return id;
    }

    Map<String, AttributeValue> account(String id) {
        return aws.dynamo().getItem(g -> g.tableName(aws.accountsTable()).consistentRead(true)
                .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))).item();
    }

    Map<String, AttributeValue> session(String state) {
        return aws.dynamo().getItem(g -> g.tableName(aws.sessionsTable()).consistentRead(true)
                .key(Map.of(Schema.Sessions.STATE_HASH, AttributeValue.fromS(new OAuthState(state).hash())))).item();
    }

    /** Decrypts an account's token_ciphertext through KMS with the documented encryption context. */
    TokenBundle decryptTokens(String accountId, Map<String, AttributeValue> item) {
        SdkBytes ciphertext = item.get(Accounts.TOKEN_CIPHERTEXT).b();
        byte[] plaintext = aws.kms().decrypt(d -> d.ciphertextBlob(ciphertext)
                .encryptionContext(KmsTokenVault.encryptionContext(accountId))).plaintext().asByteArray();
        return TokenBundleJson.read(plaintext);
    }

    /** Messages on the subscribed queue, waiting up to {@code wait} for the first. */
    List<Message> receive(Duration wait) {
        List<Message> received = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            List<Message> batch = aws.sqs().receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")).messages();
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

    /** Every secret the run handed out: codes, states, tokens, API keys, verifiers. */
    Set<String> secrets() {
        Set<String> all = new HashSet<>(provider.secretsSeen());
        all.addAll(verifiers);
        all.removeIf(s -> s == null || s.length() < 8);
        return all;
    }

    private void rememberVerifier(APIGatewayV2HTTPResponse response) {
        if (response.getStatusCode() != 200) {
            return;
        }
        String url = json(response).path("authorizationUrl").asText();
        String state = query(url).get("state");
        Map<String, AttributeValue> session = session(state);
        verifiers.add(session.get(Schema.Sessions.CODE_VERIFIER).s());
        verifiers.add(state);
    }

    static JsonNode json(APIGatewayV2HTTPResponse response) {
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
}
