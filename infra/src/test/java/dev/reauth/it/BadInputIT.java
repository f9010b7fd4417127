package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/** Bad input gets a clear 4xx and changes nothing. */
class BadInputIT extends SystemIT {

    @Test
    void unknownAccount_is404_namingIt_fromTheEventsFile() {
        LambdaResponse response =
                ReauthSystem.invoke(system.start, ReauthSystem.event("start-reauth-unknown-account.json"));

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).path("error").asText()).isEqualTo("account_not_found");
        assertThat(json(response).path("error_description").asText()).contains("'no-such-account'");
        assertThat(sessionCount()).isZero();
    }

    @Test
    void addingAnExistingName_is409() {
        system.seedAccount("taken", Map.of());

        LambdaResponse response = system.addAccount("{\"name\":\"taken\",\"mode\":\"max\"}");

        assertThat(response.getStatusCode()).isEqualTo(409);
        assertThat(json(response).path("error").asText()).isEqualTo("account_exists");
        assertThat(sessionCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not json",
                "[1,2]",
                "{\"name\":42}",
                "{\"mode\":\"max\"}",
                "{\"name\":\"x\",\"mode\":\"pro\"}",
                "{\"name\":\"  padded  \"}",
                "{\"name\":\"tab\\there\"}"
            })
    void malformedAddBodies_are400(String body) {
        LambdaResponse response = system.addAccount(body);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
        assertThat(json(response).path("error_description").asText()).isNotBlank();
        assertThat(sessionCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "{",
                "{\"code\":7}",
                "{}",
                "{\"code\":\"\"}",
                "{\"code\":\"only-a-code\"}",
                "{\"code\":\"code#short\"}",
                "{\"code\":\"spaces in code#state-0123456789abc\"}"
            })
    void malformedCallbackBodies_are400_withoutEchoingThem(String body) {
        LambdaResponse response = system.pasteBody(body);

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBody()).doesNotContain("spaces in code");
    }

    @Test
    void oversizedBody_is413() {
        LambdaResponse response = system.pasteBody("{\"code\":\"" + "a".repeat(17 * 1024) + "\"}");

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(json(response).path("error").asText()).isEqualTo("request_too_large");
    }

    @ParameterizedTest
    @ValueSource(ints = {65 * 1024, 1024 * 1024, 9 * 1024 * 1024})
    void anyBodyOver16KiB_upToApiGatewaysLimit_is413(int size) {
        LambdaResponse response = system.pasteBody("{\"code\":\"" + "a".repeat(size) + "\"}");

        assertThat(response.getStatusCode()).isEqualTo(413);
        assertThat(json(response).path("error").asText()).isEqualTo("request_too_large");
    }

    @Test
    void unknownRoute_andARouteOfAnotherFunction_are404() {
        ObjectNode unknown = ReauthSystem.event("start-reauth.json");
        unknown.put("routeKey", "DELETE /accounts/{name}");
        ObjectNode foreign = ReauthSystem.event("reload.json");

        assertThat(ReauthSystem.invoke(system.start, unknown).getStatusCode()).isEqualTo(404);
        assertThat(ReauthSystem.invoke(system.callback, foreign).getStatusCode())
                .isEqualTo(404);
    }

    @Test
    void reloadOfUnknownId_is404() {
        LambdaResponse response = system.reload("no-such-id");

        assertThat(response.getStatusCode()).isEqualTo(404);
        assertThat(json(response).path("error").asText()).isEqualTo("account_not_found");
    }

    @Test
    void reloadByName_ofAnUnknownName_is404_andOfAMalformedOne_is400_andNeitherPublishes() {
        system.receive(Duration.ofMillis(200));

        LambdaResponse unknown = system.reloadByName("no-such-name");
        LambdaResponse malformed = system.reloadByName("bad\u0000name");

        assertThat(unknown.getStatusCode()).isEqualTo(404);
        assertThat(json(unknown).path("error").asText()).isEqualTo("account_not_found");
        assertThat(malformed.getStatusCode()).isEqualTo(400);
        assertThat(json(malformed).path("error_description").asText())
                .isEqualTo(
                        "account name must be at most 128 characters, without control characters or surrounding spaces");
        // the queue is the class's: only a reload request would be these calls' doing
        assertThat(system.receive(Duration.ofSeconds(2)))
                .extracting(message -> ReauthSystem.JSON
                        .readTree(ReauthSystem.JSON
                                .readTree(message.body())
                                .path("Message")
                                .asText())
                        .path("type")
                        .asText())
                .doesNotContain("account.reload.requested");
    }

    @Test
    void browserCallbackWithoutCode_isAn400Page() {
        LambdaResponse response = system.browserCallback(Map.of("state", "state-0123456789abcdef"));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getHeaders().get("Content-Type")).startsWith("text/html");
    }

    private int sessionCount() {
        return system.aws
                .dynamo()
                .scan(ScanRequest.builder()
                        .tableName(system.aws.sessionsTable())
                        .build())
                .count();
    }
}
