package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.SnsEndpoint;
import dev.reauth.fleet.SnsHttpSubscriber;
import dev.reauth.fleet.SnsSignatureVerifier;
import dev.reauth.fleet.SqsSubscriber;
import dev.reauth.fleet.TokenSource;
import dev.reauth.fleet.VersionWatcher;
import dev.reauth.wire.Schema.Accounts;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The fleet side end to end on the emulator: proxy servers holding cached tokens, each subscribed
 * (HTTP or SQS), flush on a re-authentication and serve the new token. The emulator signs SNS
 * messages with "FAKE", so HTTP subscribers here run with LOCAL_EMULATOR_UNSIGNED; signatures are
 * proven with the test CA in SnsEndpointTest.
 */
class FleetIT extends SystemIT {

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterAll
    void stopSubscribers() throws Exception {
        for (AutoCloseable c : running) {
            c.close();
        }
    }

    /** A proxy server's token source on the stack's table and key. */
    private TokenSource proxyServer() {
        PrincipalClients fleet = PrincipalClients.of(system.aws, PrincipalClients.FLEET);
        return new TokenSource(
                new DynamoAccountTokensReader(fleet.dynamo(), system.aws.accountsTable()),
                new KmsTokenDecryptor(fleet.kms()),
                Clock.systemUTC(),
                Duration.ofMinutes(5));
    }

    @Test
    void twentySubscribers_allFlushOnAReauthentication_andServeTheNewToken() throws Exception {
        // GIVEN an account with tokens, and 20 proxy servers (14 over HTTP, 6 over SQS) that cached them
        String id = system.seedAccount("fleet-e2e", Map.of());
        system.pasteCode(system.startAndLogIn("fleet-e2e").pasted());
        String firstToken = system.decryptTokens(id, system.account(id)).accessToken();
        List<TokenSource> servers = new ArrayList<>();
        CountDownLatch flushedToVersion2 = new CountDownLatch(20);
        Set<Integer> flushedServers = ConcurrentHashMap.newKeySet();
        PrincipalClients subscriber = PrincipalClients.of(system.aws, PrincipalClients.FLEET_SUBSCRIBER);
        for (int i = 0; i < 20; i++) {
            TokenSource server = proxyServer();
            int serverNumber = i;
            // each server counts once, so a duplicate delivery cannot stand in for a missing one
            server.onFlush((account, version) -> {
                if (account.equals(id) && version >= 2 && flushedServers.add(serverNumber)) {
                    flushedToVersion2.countDown();
                }
            });
            if (i < 14) {
                SnsEndpoint endpoint = new SnsEndpoint(
                        Set.of(system.aws.topicArn()),
                        SnsSignatureVerifier.withJdkTrust(),
                        SnsEndpoint.SignaturePolicy.LOCAL_EMULATOR_UNSIGNED,
                        (topic, token) -> subscriber
                                .sns()
                                .confirmSubscription(c -> c.topicArn(topic).token(token)),
                        server);
                running.add(SnsHttpSubscriber.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        null,
                        endpoint,
                        subscriber.sns(),
                        system.aws.topicArn()));
            } else {
                String queue = SqsSubscriber.subscribeQueue(
                        subscriber.sqs(),
                        subscriber.sns(),
                        system.aws.topicArn(),
                        "reauth-fleet-" + UUID.randomUUID().toString().substring(0, 8));
                running.add(SqsSubscriber.start(subscriber.sqs(), queue, server));
            }
            assertThat(server.accessToken(id)).isEqualTo(firstToken);
            servers.add(server);
        }
        Thread.sleep(500);

        // WHEN the account is re-authenticated
        LambdaResponse done = system.pasteCode(system.startAndLogIn("fleet-e2e").pasted());
        assertThat(ReauthSystem.json(done).path("tokenVersion").asLong()).isEqualTo(2);
        String secondToken = system.decryptTokens(id, system.account(id)).accessToken();

        // THEN every server flushes, and its next accessToken is the new one
        assertThat(flushedToVersion2.await(20, TimeUnit.SECONDS))
                .as("all 20 servers flushed")
                .isTrue();
        assertThat(secondToken).isNotEqualTo(firstToken);
        for (TokenSource server : servers) {
            assertThat(server.accessToken(id)).isEqualTo(secondToken);
        }
    }

    @Test
    void httpSubscriber_subscribesWithTheFilterPolicyOnStart_andUnsubscribesOnClose() {
        TokenSource server = proxyServer();
        SnsEndpoint endpoint = new SnsEndpoint(
                Set.of(system.aws.topicArn()),
                SnsSignatureVerifier.withJdkTrust(),
                SnsEndpoint.SignaturePolicy.LOCAL_EMULATOR_UNSIGNED,
                (topic, token) -> system.aws
                        .sns()
                        .confirmSubscription(c -> c.topicArn(topic).token(token)),
                server);
        SnsHttpSubscriber subscriber = SnsHttpSubscriber.start(
                new InetSocketAddress("127.0.0.1", 0), null, endpoint, system.aws.sns(), system.aws.topicArn());
        String url = subscriber.publicUrl().toString();

        var subscription =
                system
                        .aws
                        .sns()
                        .listSubscriptionsByTopic(l -> l.topicArn(system.aws.topicArn()))
                        .subscriptions()
                        .stream()
                        .filter(s -> s.endpoint().equals(url))
                        .findFirst()
                        .orElseThrow();
        assertThat(system.aws
                        .sns()
                        .getSubscriptionAttributes(g -> g.subscriptionArn(subscription.subscriptionArn()))
                        .attributes()
                        .get("FilterPolicy"))
                .contains("account.tokens.rotated", "account.reload.requested");

        subscriber.close();

        assertThat(system.aws
                        .sns()
                        .listSubscriptionsByTopic(l -> l.topicArn(system.aws.topicArn()))
                        .subscriptions())
                .noneMatch(s -> url.equals(s.endpoint()));
    }

    @Test
    void aServerThatMissedTheMessage_convergesWithinTheVersionCheckInterval() throws Exception {
        // GIVEN a server with cached tokens that no message will reach, checking versions every second
        String id = system.seedAccount("fleet-missed", Map.of());
        system.pasteCode(system.startAndLogIn("fleet-missed").pasted());
        TokenSource server = proxyServer();
        String before = server.accessToken(id);
        running.add(new VersionWatcher(server, Duration.ofSeconds(1)));

        // WHEN the account is re-authenticated
        system.pasteCode(system.startAndLogIn("fleet-missed").pasted());
        String after = system.decryptTokens(id, system.account(id)).accessToken();

        // THEN within the bound (interval + one read) it serves the new token
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < deadline && !server.accessToken(id).equals(after)) {
            Thread.sleep(50);
        }
        assertThat(before).isNotEqualTo(after);
        assertThat(server.accessToken(id)).isEqualTo(after);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION)).isEqualTo(AttributeValue.fromN("2"));
    }
}
