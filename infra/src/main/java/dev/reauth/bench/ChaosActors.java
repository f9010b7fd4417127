package dev.reauth.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.agent.ProxyCredentials;
import dev.reauth.agent.RetryingTokenAdopter;
import dev.reauth.agent.TokenAdopter;
import dev.reauth.handler.RefreshHandler;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.LocalStack;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.RefreshGrants;
import dev.reauth.wire.Schema;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenBundleJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What goes on around the refresher in the chaos run: proxies reading tokens all the time (and
 * noticing an expired one), and a second refresher, as better-ccflare is, that spends a refresh
 * token on its own just before reauth's lead and hands the tokens over through the agent's route,
 * retried as the agent retries them ({@link RetryingTokenAdopter}).
 * Both read the table and KMS straight from the emulator: their own AWS trouble is not reauth's.
 */
final class ChaosActors {

    private static final ObjectMapper JSON = new ObjectMapper();

    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger expiredReads = new AtomicInteger();
    final AtomicInteger deadReads = new AtomicInteger();
    final AtomicInteger secondRefreshes = new AtomicInteger();
    final AtomicInteger secondRefresherRefused = new AtomicInteger();
    final AtomicInteger adoptions = new AtomicInteger();
    final AtomicInteger adoptionsRefused = new AtomicInteger();
    /** Every hand-over request, retries included. */
    final AtomicInteger handOverAttempts = new AtomicInteger();

    private final LocalStack aws;
    private final LocalOAuthProvider provider;
    private final RefreshHandler handler;
    private final Duration lead;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Long> spentByVersion = new ConcurrentHashMap<>();
    /** Refresh tokens the second refresher redeemed itself (their successors reauth must adopt). */
    final Set<String> spentBySecondRefresher = ConcurrentHashMap.newKeySet();
    /**
     * Refresh tokens the second refresher presented and the provider refused as already redeemed
     * ({@code invalid_grant}), one entry per presentation: its share of the provider's reuse count,
     * told apart exactly (a refusal by a 500 or a dropped answer is no reuse).
     */
    final Queue<String> reusedBySecondRefresher = new ConcurrentLinkedQueue<>();
    /**
     * Refresh tokens the second refresher redeemed whose answer the provider then dropped: reauth never
     * sent that request, so it cannot know the rotation happened, and its next refresh of the old token
     * ends {@code invalid_grant}, not {@code rotation_lost}.
     */
    final Set<String> answerLostToSecondRefresher = ConcurrentHashMap.newKeySet();

    private final ExecutorService handOvers = Executors.newVirtualThreadPerTaskExecutor();
    private final TokenAdopter agent = RetryingTokenAdopter.around(this::handOver);
    /** Why reauth finally refused an adoption (after the agent's retries), by status and error code. */
    final Map<String, Integer> adoptionRefusals = new ConcurrentHashMap<>();

    private volatile boolean running = true;

    ChaosActors(LocalStack aws, LocalOAuthProvider provider, RefreshHandler handler, Duration lead) {
        this.aws = aws;
        this.provider = provider;
        this.handler = handler;
        this.lead = lead;
    }

    void stop() {
        running = false;
    }

    /** Waits for the hand-overs still retrying (each ends within the agent's retry budget). */
    void awaitHandOvers() {
        handOvers.close();
    }

    /** One proxy: reads a random account's tokens as the fleet library does, about 20 times a second. */
    void readForever(List<String> ids) {
        RefreshGrants grants = provider.refreshGrants();
        while (running) {
            String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
            try {
                Map<String, AttributeValue> item = item(id);
                if (item.get(Accounts.REQUIRES_REAUTH).bool()) {
                    deadReads.incrementAndGet();
                } else {
                    reads.incrementAndGet();
                    if (!grants.isLive(tokens(id, item).accessToken(), Instant.now())) {
                        expiredReads.incrementAndGet();
                    }
                }
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException emulatorHiccup) {
                // a read the emulator could not serve is nobody's figure
            }
        }
    }

    /**
     * The second refresher on {@code ids}: once per token version, when the access token is within
     * the lead plus 3 s of expiry (just before reauth's scheduled refresh), it refreshes on its own at
     * the provider and offers the tokens to reauth as the agent does.
     */
    void refreshAhead(List<String> ids) {
        // as the agent does at start for every account it maps: reauth then holds a refused refresh for it
        for (String id : ids) {
            ObjectNode handshake = ProjectFiles.eventJson("agent-handshake.json");
            handshake.putObject("pathParameters").put("id", id);
            handshake.put("rawPath", "/accounts/" + id + "/agent");
            invoke(handshake);
        }
        while (running) {
            for (String id : ids) {
                try {
                    secondRefresh(id);
                } catch (RuntimeException emulatorHiccup) {
                    // tried again on the next pass
                }
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void secondRefresh(String id) {
        Map<String, AttributeValue> item = item(id);
        long version = Long.parseLong(item.get(Accounts.TOKEN_VERSION).n());
        long expiresAt = Long.parseLong(item.get(Accounts.EXPIRES_AT).n());
        boolean justBeforeTheLead =
                expiresAt - System.currentTimeMillis() < lead.plusSeconds(3).toMillis();
        if (item.get(Accounts.REQUIRES_REAUTH).bool()
                || !justBeforeTheLead
                || Long.valueOf(version).equals(spentByVersion.get(id))) {
            return;
        }
        spentByVersion.put(id, version);
        secondRefreshes.incrementAndGet();
        String spending = tokens(id, item).refreshToken();
        // an answer reauth lost before this request is not the second refresher's, whatever it then meets
        boolean lostBefore = provider.refreshGrants().answerLostFor(spending);
        Optional<JsonNode> own = providerRefresh(spending);
        if (own.isEmpty()) {
            secondRefresherRefused.incrementAndGet();
            if (!lostBefore && provider.refreshGrants().answerLostFor(spending)) {
                // no answer, yet the provider rotated since: this request was the one it redeemed
                answerLostToSecondRefresher.add(spending);
            }
            return;
        }
        if (own.get().has("error")) {
            secondRefresherRefused.incrementAndGet();
            if (own.get().path("error").asText().equals("invalid_grant")) {
                reusedBySecondRefresher.add(spending);
            }
            return;
        }
        spentBySecondRefresher.add(spending);
        ProxyCredentials credentials = new ProxyCredentials(
                own.get().path("access_token").asText(),
                own.get().path("refresh_token").asText(),
                Instant.now().plusSeconds(own.get().path("expires_in").asLong()).toEpochMilli(),
                Optional.empty());
        // as the agent does: its hand-over retried while reauth fails transiently, off the watch's thread
        handOvers.submit(() -> {
            TokenAdopter.Outcome outcome = agent.adopt(id, version, credentials);
            if (outcome instanceof TokenAdopter.Outcome.Adopted) {
                adoptions.incrementAndGet();
            } else {
                adoptionsRefused.incrementAndGet();
                String why = outcome instanceof TokenAdopter.Outcome.Failed failed ? failed.reason() : "409 conflict";
                adoptionRefusals.merge(why, 1, Integer::sum);
            }
        });
    }

    /** One hand-over through reauth's route, answered as the agent's HTTP client maps answers. */
    private TokenAdopter.Outcome handOver(String id, long version, ProxyCredentials tokens) {
        handOverAttempts.incrementAndGet();
        ObjectNode body = JSON.createObjectNode()
                .put("baseTokenVersion", version)
                .put("accessToken", tokens.accessToken())
                .put("refreshToken", tokens.refreshToken())
                .put("expiresAt", tokens.expiresAtMillis());
        ObjectNode event = ProjectFiles.eventJson("adopt-tokens.json");
        event.putObject("pathParameters").put("id", id);
        event.put("rawPath", "/accounts/" + id + "/tokens");
        event.put("body", body.toString());
        JsonNode answer = invoke(event);
        int status = answer.path("statusCode").asInt();
        if (status == 200) {
            try {
                return new TokenAdopter.Outcome.Adopted(
                        JSON.readTree(answer.path("body").asText())
                                .path("tokenVersion")
                                .asLong());
            } catch (java.io.IOException notJson) {
                return new TokenAdopter.Outcome.Failed("200 without a body", false);
            }
        }
        if (status == 409) {
            return new TokenAdopter.Outcome.Conflict();
        }
        String error = "?";
        try {
            error = JSON.readTree(answer.path("body").asText()).path("error").asText();
        } catch (java.io.IOException notJson) {
            // the status alone says enough
        }
        return new TokenAdopter.Outcome.Failed(status + " " + error, status / 100 == 5 || status == 429);
    }

    /** The provider's answer: its 200 body, a 400 error object, or empty (5xx, dropped, unreadable). */
    private Optional<JsonNode> providerRefresh(String refreshToken) {
        String request = JSON.createObjectNode()
                .put("grant_type", "refresh_token")
                .put("refresh_token", refreshToken)
                .put("client_id", LocalOAuthProvider.CLIENT_ID)
                .toString();
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(provider.providerConfig().tokenUrl())
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                return Optional.of(JSON.readTree(answer.body()));
            }
            // a refusal as the provider's error object (invalid_grant: the token was already redeemed)
            JsonNode refusal = answer.statusCode() == 400 ? JSON.readTree(answer.body()) : null;
            return refusal != null && refusal.has("error") ? Optional.of(refusal) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.io.IOException lost) {
            return Optional.empty();
        }
    }

    private JsonNode invoke(ObjectNode event) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(
                    new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)),
                    out,
                    new ScheduledContext(Duration.ofSeconds(30)));
            return JSON.readTree(out.toString(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Map<String, AttributeValue> item(String id) {
        return aws.dynamo()
                .getItem(g -> g.tableName(aws.accountsTable())
                        .consistentRead(true)
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(id))))
                .item();
    }

    TokenBundle tokens(String id, Map<String, AttributeValue> item) {
        byte[] plaintext = aws.kms()
                .decrypt(d -> d.ciphertextBlob(
                                item.get(Accounts.TOKEN_CIPHERTEXT).b())
                        .encryptionContext(Schema.encryptionContext(id)))
                .plaintext()
                .asByteArray();
        return TokenBundleJson.read(plaintext);
    }
}
