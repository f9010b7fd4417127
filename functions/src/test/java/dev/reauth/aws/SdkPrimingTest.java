package dev.reauth.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.sun.net.httpserver.HttpServer;
import dev.reauth.config.ReauthConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The SDK's SnapStart hook against real clients pointed at a local server that counts what reaches it. */
class SdkPrimingTest {

    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger credentialsResolved = new AtomicInteger();
    private final AtomicInteger marshalled = new AtomicInteger();
    private final HttpServer server = startServer();
    private final AwsClients clients = AwsClients.create(
            ReauthConfig.from(Map.of(
                    "AWS_REGION",
                    "us-east-1",
                    "AWS_ENDPOINT_URL",
                    "http://127.0.0.1:" + server.getAddress().getPort(),
                    "ACCOUNTS_TABLE",
                    "accounts",
                    "SESSIONS_TABLE",
                    "sessions",
                    "TOKEN_KEY_ID",
                    "alias/k",
                    "TOKEN_EVENTS_TOPIC_ARN",
                    "arn:aws:sns:us-east-1:000000000000:t")),
            countingCredentials(),
            List.of(new ExecutionInterceptor() {
                @Override
                public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
                    marshalled.incrementAndGet();
                }
            }));

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void prime_marshalsAndSignsEveryOperation_andSendsNothing_withNoRealCredentials() {
        int stopped = new SdkPriming(clients).prime();

        assertThat(stopped)
                .as("getItem, query, putItem, updateItem, transactWriteItems, encrypt, decrypt, publish")
                .isEqualTo(8);
        assertThat(marshalled).hasValue(8);
        assertThat(received).as("requests that reached the server").hasValue(0);
        assertThat(credentialsResolved).hasValue(0);
    }

    @Test
    void theHook_primes_andAnOrdinaryRequestStillGoesOut() {
        assertThatCode(() -> new SdkPriming(clients).beforeCheckpoint(null)).doesNotThrowAnyException();
        assertThat(received).hasValue(0);

        clients.dynamo().getItem(g -> g.tableName("accounts").key(Map.of("id", AttributeValue.fromS("a"))));

        assertThat(received).hasValue(1);
        assertThat(credentialsResolved).hasPositiveValue();
    }

    private HttpServer startServer() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", exchange -> {
                received.incrementAndGet();
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
            return http;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private AwsCredentialsProvider countingCredentials() {
        return () -> {
            credentialsResolved.incrementAndGet();
            return AwsBasicCredentials.create("AKIDEXAMPLE", "secret");
        };
    }
}
