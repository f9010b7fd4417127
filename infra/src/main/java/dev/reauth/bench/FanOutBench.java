package dev.reauth.bench;

import dev.reauth.fleet.DynamoAccountTokensReader;
import dev.reauth.fleet.KmsTokenDecryptor;
import dev.reauth.fleet.SnsEndpoint;
import dev.reauth.fleet.SnsHttpSubscriber;
import dev.reauth.fleet.SnsSignatureVerifier;
import dev.reauth.fleet.TokenSource;
import dev.reauth.local.LocalDeployment;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out: from the callback's response to the last of N subscribers (SNS over HTTP, each its own
 * token cache) flushed, over repeated rotations, on the local emulator. Prints median and p99.
 */
public final class FanOutBench {

    public static void main(String[] args) throws Exception {
        int subscribers = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rotations = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        PrintStream out = System.out;
        System.setOut(new PrintStream(PrintStream.nullOutputStream()));
        HttpClient http = HttpClient.newHttpClient();
        try (LocalDeployment local = LocalDeployment.withLocalProvider(0, Map.of())) {
            String id = local.aws().seedAccount("fanout", Map.of());
            rotate(local, http);

            Map<Long, CountDownLatch> latches = new ConcurrentHashMap<>();
            List<AutoCloseable> running = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                TokenSource server = new TokenSource(
                        new DynamoAccountTokensReader(
                                local.aws().dynamo(), local.aws().accountsTable()),
                        new KmsTokenDecryptor(local.aws().kms()),
                        Clock.systemUTC(),
                        Duration.ofMinutes(5));
                server.onFlush(
                        (account, version) -> latches.computeIfAbsent(version, v -> new CountDownLatch(subscribers))
                                .countDown());
                SnsEndpoint endpoint = new SnsEndpoint(
                        Set.of(local.aws().topicArn()),
                        SnsSignatureVerifier.withJdkTrust(),
                        SnsEndpoint.SignaturePolicy.LOCAL_EMULATOR_UNSIGNED,
                        (topic, token) -> local.aws()
                                .sns()
                                .confirmSubscription(c -> c.topicArn(topic).token(token)),
                        server);
                running.add(SnsHttpSubscriber.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        null,
                        endpoint,
                        local.aws().sns(),
                        local.aws().topicArn()));
                server.accessToken(id);
            }
            Thread.sleep(1000);

            List<Long> millis = new ArrayList<>();
            for (int r = 0; r < rotations; r++) {
                long version = rotate(local, http);
                long responded = System.nanoTime();
                CountDownLatch all = latches.computeIfAbsent(version, v -> new CountDownLatch(subscribers));
                if (!all.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not every subscriber flushed version " + version);
                }
                millis.add((System.nanoTime() - responded) / 1_000_000);
            }
            List<Long> sorted = millis.stream().sorted().toList();
            long p99 = sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
            out.printf(
                    "Fan-out: callback response -> last of %d SNS/HTTP subscribers flushed, %d rotations, local emulator:%n",
                    subscribers, rotations);
            out.printf(
                    "  median %d ms, p99 %d ms, min %d ms, max %d ms   target p99 < 1000 ms: %s%n",
                    sorted.get(sorted.size() / 2),
                    p99,
                    sorted.getFirst(),
                    sorted.getLast(),
                    p99 < 1000 ? "met" : "NOT met");
            for (AutoCloseable c : running) {
                c.close();
            }
        }
        System.exit(0);
    }

    /** One whole re-authentication through the local API; the new token_version. */
    private static long rotate(LocalDeployment local, HttpClient http) throws Exception {
        URI api = local.api().baseUrl();
        String started = http.send(
                        HttpRequest.newBuilder(api.resolve("/accounts/fanout/reauth"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        String url = started.replaceAll(".*\"authorizationUrl\":\"([^\"]+)\".*", "$1");
        String pasted = local.provider().authorize(url).pasted();
        String done = http.send(
                        HttpRequest.newBuilder(api.resolve("/oauth/callback"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"code\":\"" + pasted + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return Long.parseLong(done.replaceAll(".*\"tokenVersion\":(\\d+).*", "$1"));
    }
}
