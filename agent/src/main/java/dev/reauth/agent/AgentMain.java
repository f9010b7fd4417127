package dev.reauth.agent;

import java.lang.System.Logger.Level;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code reauth-agent}: runs beside one proxy until stopped. AWS region, credentials and endpoint come
 * from the SDK's default chains ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, ...); the rest from
 * {@link AgentConfig}.
 */
public final class AgentMain {

    private AgentMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        }
        System.Logger log = System.getLogger(AgentMain.class.getName());
        AgentConfig config;
        try {
            config = AgentConfig.from(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("reauth-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        var http = UrlConnectionHttpClient.builder().build();
        AgentRuntime runtime = AgentRuntime.start(
                config,
                DynamoDbClient.builder().httpClient(http).build(),
                KmsClient.builder().httpClient(http).build(),
                SqsClient.builder().httpClient(http).build(),
                SnsClient.builder().httpClient(http).build(),
                new ReauthAgent.Listener() {});
        log.log(Level.INFO, "reauth-agent running: {0} store, queue {1}", config.proxy(), runtime.queueUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
