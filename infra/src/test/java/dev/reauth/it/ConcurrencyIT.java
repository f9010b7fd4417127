package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.AwsEmulator;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.testing.Race;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Callbacks racing each other, and proxies counting requests while tokens rotate. */
class ConcurrencyIT extends SystemIT {

    @Test
    void callback_consumesSessionOnce_whenTwentyCallbacksRace() throws Exception {
        Assumptions.assumeFalse(
                AwsEmulator.kind().equals("moto"),
                "moto_server does not apply DynamoDB conditional writes atomically under concurrent requests");
        // GIVEN one logged-in session
        String id = system.seedAccount("race", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("race");
        system.receive(Duration.ofMillis(200));
        int tokenRequestsBefore = system.provider.tokenRequests();

        // WHEN 20 callbacks with the same code#state arrive at once
        List<LambdaResponse> responses = Race.race(20, () -> system.pasteCode(login.pasted()));

        // THEN exactly one succeeds, the rest are told the session is taken, and the code was exchanged once
        assertThat(responses).filteredOn(r -> r.getStatusCode() == 200).hasSize(1);
        assertThat(responses)
                .filteredOn(r -> r.getStatusCode() == 409)
                .hasSize(19)
                .allSatisfy(r -> assertThat(ReauthSystem.json(r).path("error").asText())
                        .isIn("session_in_progress", "session_used"));
        assertThat(system.provider.tokenRequests() - tokenRequestsBefore).isEqualTo(1);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        assertThat(system.receive(Duration.ofSeconds(3))).hasSize(1);
    }

    @Test
    void proxyCounters_areExact_when200IncrementsRaceAReauthentication() throws Exception {
        // GIVEN an account a proxy is counting requests on
        String id = system.seedAccount("busy", Map.of("request_count", AttributeValue.fromN("1000")));
        LocalOAuthProvider.Authorization login = system.startAndLogIn("busy");

        // WHEN 200 "ADD request_count :1" updates run while the re-authentication completes
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> increments = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            increments.add(pool.submit(() -> {
                go.await();
                system.aws
                        .dynamo()
                        .updateItem(u -> u.tableName(system.aws.accountsTable())
                                .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))
                                .updateExpression("ADD request_count :one")
                                .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
                return null;
            }));
        }
        Future<LambdaResponse> reauth = pool.submit(() -> {
            go.await();
            return system.pasteCode(login.pasted());
        });
        go.countDown();
        for (Future<?> f : increments) {
            f.get();
        }
        LambdaResponse done = reauth.get();
        pool.shutdown();

        // THEN the count is exact and the tokens rotated
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        Map<String, AttributeValue> item = system.account(id);
        assertThat(item.get("request_count").n()).isEqualTo("1200");
        assertThat(item.get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
    }

    @Test
    void tokenWrite_buildsOnTheCurrentVersion_whenSomeoneElseRotatedMeanwhile() {
        // GIVEN a session started at version 2, then a refresher elsewhere moved the account to 7
        String id = system.seedAccount("moved", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("2")));
        LocalOAuthProvider.Authorization login = system.startAndLogIn("moved");
        system.aws
                .dynamo()
                .updateItem(u -> u.tableName(system.aws.accountsTable())
                        .key(Map.of(Accounts.ID, AttributeValue.fromS(id)))
                        .updateExpression("SET token_version = :v")
                        .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("7"))));

        // WHEN the callback completes
        LambdaResponse done = system.pasteCode(login.pasted());

        // THEN the new version is one past the current one, and the response says so
        assertThat(done.getStatusCode()).isEqualTo(200);
        assertThat(ReauthSystem.json(done).path("tokenVersion").asLong()).isEqualTo(8);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("8");
    }
}
