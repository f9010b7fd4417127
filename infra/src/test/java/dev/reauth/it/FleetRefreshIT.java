package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reauth.fleet.AccountRequiresReauthException;
import dev.reauth.fleet.ApiRefreshClient;
import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.SqsSubscriber;
import dev.reauth.fleet.TokenSource;
import dev.reauth.local.AwsEmulator;
import dev.reauth.local.LocalDeployment;
import dev.reauth.local.LocalStack;
import dev.reauth.wire.Schema;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import dev.reauth.wire.TokenBundleJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The fleet library against the local stack over HTTP: a proxy whose upstream call answered 401 asks
 * reauth to refresh (SigV4-signed POST /accounts/{id}/refresh) and serves the new token; when the
 * refresh token is dead every proxy stops serving the account and tells its listeners.
 */
class FleetRefreshIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void refreshNow_rotatesOnce_thenADeadRefreshToken_stopsEveryProxyServingTheAccount() throws Exception {
        // one provider call per account per REFRESH_MIN_INTERVAL: short here, so the test need not wait 30 s
        try (LocalDeployment local = LocalDeployment.withLocalProvider(0, Map.of("REFRESH_MIN_INTERVAL", "PT1S"))) {
            String id = local.aws().seedAccount("fleet-refresh", Map.of());
            logIn(local, "fleet-refresh");
            TokenSource proxy = proxy(local);
            TokenSource subscribed = proxy(local);
            String queue = SqsSubscriber.subscribeQueue(
                    local.aws().sqs(),
                    local.aws().sns(),
                    local.aws().topicArn(),
                    "refresh-proxy-" + UUID.randomUUID().toString().substring(0, 8));
            List<String> heard = new CopyOnWriteArrayList<>();
            subscribed.onReauthRequired((account, version, reason) -> heard.add(account + ":" + reason));
            try (SqsSubscriber ignored = SqsSubscriber.start(local.aws().sqs(), queue, subscribed)) {
                String before = proxy.accessToken(id);
                subscribed.accessToken(id);
                int refreshCalls = local.provider().refreshGrants().refreshRequests();

                String after = proxy.refreshNow(id);

                assertThat(after)
                        .isNotEqualTo(before)
                        .isEqualTo(tokens(local, id).accessToken());
                assertThat(local.provider().refreshGrants().refreshRequests() - refreshCalls)
                        .isEqualTo(1);
                assertThat(version(local, id)).isEqualTo(2);

                // the provider revokes the refresh token: the next refresh finds the account dead
                local.provider().refreshGrants().revoke(tokens(local, id).refreshToken());
                Thread.sleep(1100);
                assertThatThrownBy(() -> proxy.refreshNow(id)).isInstanceOf(AccountRequiresReauthException.class);
                assertThatThrownBy(() -> proxy.accessToken(id)).isInstanceOf(AccountRequiresReauthException.class);

                // and a proxy that only listens hears it over SQS, and stops serving the account too
                Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> !heard.isEmpty());
                assertThat(heard).containsExactly(id + ":invalid_grant");
                assertThatThrownBy(() -> subscribed.accessToken(id)).isInstanceOf(AccountRequiresReauthException.class);
            }
        }
    }

    private TokenSource proxy(LocalDeployment local) {
        PrincipalClients fleet = PrincipalClients.of(local.aws(), PrincipalClients.FLEET);
        return new TokenSource(
                new DynamoAccountTokensReader(fleet.dynamo(), local.aws().accountsTable()),
                new KmsTokenDecryptor(fleet.kms()),
                Clock.systemUTC(),
                Duration.ofMinutes(5),
                new ApiRefreshClient(
                        local.api().baseUrl(), LocalStack.CREDENTIALS, AwsEmulator.REGION, Clock.systemUTC()));
    }

    /** A whole re-authentication over the local HTTP API, as the CLI does it. */
    private void logIn(LocalDeployment local, String name) throws Exception {
        JsonNode started = post(local.api().baseUrl().resolve("/accounts/" + name + "/reauth"), "{}");
        String pasted = local.provider()
                .authorize(started.path("authorizationUrl").asText())
                .pasted();
        JsonNode done = post(
                local.api().baseUrl().resolve("/oauth/callback"),
                JSON.createObjectNode().put("code", pasted).toString());
        assertThat(done.path("success").asBoolean()).as(done.toString()).isTrue();
    }

    private JsonNode post(URI uri, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    private static long version(LocalDeployment local, String id) {
        return Long.parseLong(
                local.aws().account(id).get(Accounts.TOKEN_VERSION).n());
    }

    private static TokenBundle tokens(LocalDeployment local, String id) {
        byte[] plaintext = local.aws()
                .kms()
                .decrypt(d -> d.ciphertextBlob(local.aws()
                                .account(id)
                                .get(Accounts.TOKEN_CIPHERTEXT)
                                .b())
                        .encryptionContext(Schema.encryptionContext(id)))
                .plaintext()
                .asByteArray();
        return TokenBundleJson.read(plaintext);
    }
}
