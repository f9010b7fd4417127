package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.TokenBundle;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.sqs.model.Message;

/** The whole re-authentication, end to end on the emulator and the local PKCE-enforcing provider. */
class FullReauthIT extends SystemIT {

    /** A ccflare-style account: everything here but the token attributes belongs to the fleet. */
    private static Map<String, AttributeValue> fleetAttributes() {
        return Map.of(
                "priority",
                AttributeValue.fromN("3"),
                "custom_endpoint",
                AttributeValue.fromS("https://proxy.example.internal/v1"),
                "request_count",
                AttributeValue.fromN("1234"),
                "total_requests",
                AttributeValue.fromN("98765"),
                "last_used",
                AttributeValue.fromN("1795700000000"),
                "paused",
                AttributeValue.fromBool(false),
                "rate_limit_status",
                AttributeValue.fromS("allowed"),
                "usage",
                AttributeValue.fromM(Map.of(
                        "claude-opus",
                                AttributeValue.fromM(Map.of(
                                        "input_tokens",
                                        AttributeValue.fromN("5000"),
                                        "output_tokens",
                                        AttributeValue.fromN("800"))),
                        "window", AttributeValue.fromS("5h"))),
                Accounts.TOKEN_VERSION,
                AttributeValue.fromN("4"),
                Accounts.REQUIRES_REAUTH,
                AttributeValue.fromBool(true));
    }

    @Test
    void reauth_replacesOnlyTheTokens_sealsThemUnderTheAccountContext_andNotifiesTheFleetOnce() {
        // GIVEN an account with fleet-owned attributes and expired tokens
        String id = system.seedAccount("work-max", fleetAttributes());
        Map<String, AttributeValue> before = system.account(id);
        system.receive(Duration.ofMillis(200));
        system.calls.drain();

        // WHEN the operator starts, logs in, and pastes code#state
        LambdaResponse started = system.startReauth("work-max");
        List<String> startCalls = system.calls.drain();
        LocalOAuthProvider.Authorization login =
                system.provider.authorize(json(started).path("authorizationUrl").asText());
        Instant beforeCallback = Instant.now();
        LambdaResponse done = system.pasteCode(login.pasted());
        List<String> callbackCalls = system.calls.drain();

        // THEN the start answered as documented
        assertThat(started.getStatusCode()).isEqualTo(200);
        JsonNode startBody = json(started);
        assertThat(startBody.path("account").asText()).isEqualTo("work-max");
        assertThat(startBody.path("mode").asText()).isEqualTo("max");
        assertThat(Instant.parse(startBody.path("expiresAt").asText()))
                .isAfter(Instant.now().plus(Duration.ofMinutes(9)));

        // and the callback succeeded with the documented body
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        JsonNode body = json(done);
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("message").asText())
                .isEqualTo("Account 'work-max' (owner@example.com) has been successfully re-authenticated");
        assertThat(body.path("tokenVersion").asLong()).isEqualTo(5);
        assertThat(body.path("cacheFlush").asText()).isEqualTo("published");

        // and only the token attributes changed
        Map<String, AttributeValue> after = system.account(id);
        Set<String> tokenAttributes = Set.of(
                Accounts.TOKEN_CIPHERTEXT,
                Accounts.EXPIRES_AT,
                Accounts.TOKEN_VERSION,
                Accounts.TOKENS_UPDATED_AT,
                Accounts.REFRESH_TOKEN_ISSUED_AT,
                Accounts.REQUIRES_REAUTH,
                Accounts.PROVIDER_ACCOUNT_UUID,
                Accounts.PROVIDER_EMAIL,
                Accounts.PROVIDER_ORGANIZATION_UUID,
                Accounts.PROVIDER_ORGANIZATION_NAME,
                Accounts.REFRESH_BUCKET,
                Accounts.REFRESH_FAILURES);
        Map<String, AttributeValue> untouchedBefore = new HashMap<>(before);
        Map<String, AttributeValue> untouchedAfter = new HashMap<>(after);
        untouchedBefore.keySet().removeAll(tokenAttributes);
        untouchedAfter.keySet().removeAll(tokenAttributes);
        assertThat(untouchedAfter).isEqualTo(untouchedBefore);
        assertThat(after.get(Accounts.TOKEN_VERSION).n()).isEqualTo("5");
        assertThat(after.get(Accounts.REQUIRES_REAUTH).bool()).isFalse();
        long expiresAt = Long.parseLong(after.get(Accounts.EXPIRES_AT).n());
        assertThat(expiresAt).isGreaterThan(beforeCallback.toEpochMilli());

        // and the ciphertext opens with the documented encryption context, to the tokens the provider issued
        TokenBundle tokens = system.decryptTokens(id, after);
        assertThat(system.provider.secretsSeen()).contains(tokens.accessToken(), tokens.refreshToken());
        assertThat(tokens.apiKey()).isEmpty();
        assertThatThrownBy(() -> system.decryptTokens("another-account", after)).isInstanceOf(KmsException.class);

        // and the fleet got exactly one message with the right body and attributes
        List<Message> messages = system.receive(Duration.ofSeconds(5));
        assertThat(messages).hasSize(1);
        JsonNode envelope =
                ReauthSystem.JSON.valueToTree(parse(messages.getFirst().body()));
        JsonNode event = parse(envelope.path("Message").asText());
        assertThat(event.path("type").asText()).isEqualTo("account.tokens.rotated");
        assertThat(event.path("accountId").asText()).isEqualTo(id);
        assertThat(event.path("accountName").asText()).isEqualTo("work-max");
        assertThat(event.path("tokenVersion").asLong()).isEqualTo(5);
        assertThat(Instant.parse(event.path("occurredAt").asText())).isAfterOrEqualTo(beforeCallback.minusSeconds(1));
        assertThat(envelope.path("MessageAttributes")
                        .path("event_type")
                        .path("Value")
                        .asText())
                .isEqualTo("account.tokens.rotated");
        assertThat(envelope.path("MessageAttributes")
                        .path("account_id")
                        .path("Value")
                        .asText())
                .isEqualTo(id);

        // and each step stayed within its AWS call budget
        assertThat(startCalls).containsExactly("DynamoDb.Query", "DynamoDb.PutItem");
        // (the second publish: the account required re-authentication, so the alerts topic hears it recovered)
        assertThat(callbackCalls)
                .containsExactly(
                        "DynamoDb.UpdateItem",
                        "Kms.Encrypt",
                        "DynamoDb.TransactWriteItems",
                        "Sns.Publish",
                        "Sns.Publish");
    }

    @Test
    void browserRedirect_completesTheSameFlow_withAnHtmlPage() {
        String id = system.seedAccount("work-browser", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("work-browser");

        LambdaResponse page = system.browserCallback(Map.of("code", login.code(), "state", login.state()));

        assertThat(page.getStatusCode()).isEqualTo(200);
        assertThat(page.getHeaders())
                .containsEntry("Content-Type", "text/html; charset=utf-8")
                .containsEntry("Cache-Control", "no-store");
        assertThat(page.getBody())
                .contains("Account &#39;work-browser&#39; (owner@example.com) has been successfully re-authenticated")
                .doesNotContain(login.code())
                .doesNotContain(login.state());
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
    }

    @Test
    void providerErrorRedirect_showsOnlyTheValidatedCode_andLeavesTheSessionUsable() {
        system.seedAccount("work-denied", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("work-denied");

        LambdaResponse denied = system.browserCallback(Map.of(
                "error", "access_denied", "error_description", "<b>The user said no</b>", "state", login.state()));

        assertThat(denied.getStatusCode()).isEqualTo(400);
        // error_description comes from whoever built the link: never shown
        assertThat(denied.getBody())
                .contains("access_denied")
                .doesNotContain("The user said no")
                .doesNotContain("<b>");
        assertThat(system.pasteCode(login.pasted()).getStatusCode()).isEqualTo(200);
    }

    @Test
    void consoleAccount_getsItsApiKeySealedWithTheTokens() {
        String id =
                system.seedAccount("work-console", Map.of(Accounts.API_KEY, AttributeValue.fromS("sk-ant-old-key")));
        LambdaResponse started = system.startReauth("work-console");
        assertThat(json(started).path("mode").asText()).isEqualTo("console");
        LocalOAuthProvider.Authorization login =
                system.provider.authorize(json(started).path("authorizationUrl").asText());

        assertThat(system.pasteCode(login.pasted()).getStatusCode()).isEqualTo(200);

        TokenBundle tokens = system.decryptTokens(id, system.account(id));
        assertThat(tokens.apiKey()).hasValueSatisfying(key -> assertThat(key).startsWith("sk-ant-api03-local-"));
        assertThat(system.account(id).get(Accounts.API_KEY).s())
                .as("fleet attribute untouched")
                .isEqualTo("sk-ant-old-key");
    }

    @Test
    void addAccount_createsItWithSealedTokens_thenItCanBeReauthenticatedByName() {
        LambdaResponse started = system.addAccount("{\"name\":\"brand-new\",\"mode\":\"max\"}");
        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(200);
        LocalOAuthProvider.Authorization login =
                system.provider.authorize(json(started).path("authorizationUrl").asText());

        LambdaResponse done = system.pasteCode(login.pasted());

        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(json(done).path("message").asText())
                .isEqualTo("Account 'brand-new' (owner@example.com) has been successfully added");
        String id = json(done).path("accountId").asText();
        Map<String, AttributeValue> item = system.account(id);
        assertThat(item.get(Accounts.NAME).s()).isEqualTo("brand-new");
        assertThat(item.get(Accounts.TOKEN_VERSION).n()).isEqualTo("1");
        assertThat(system.decryptTokens(id, item).accessToken()).isNotBlank();
        assertThat(system.startReauth("brand-new").getStatusCode()).isEqualTo(200);
    }

    @Test
    void reload_publishesAReloadRequest_forAKnownAccount() {
        String id = system.seedAccount("work-reload", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("9")));
        system.receive(Duration.ofMillis(200));

        LambdaResponse response = system.reload(id);

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(json(response).path("message").asText())
                .isEqualTo("Token reload triggered for account 'work-reload'");
        List<Message> messages = system.receive(Duration.ofSeconds(5));
        assertThat(messages).hasSize(1);
        JsonNode event = parse(parse(messages.getFirst().body()).path("Message").asText());
        assertThat(event.path("type").asText()).isEqualTo("account.reload.requested");
        assertThat(event.path("tokenVersion").asLong()).isEqualTo(9);
    }

    @Test
    void reloadByName_findsTheAccountThroughTheNameIndex_andPublishesItsReloadRequest() {
        String id =
                system.seedAccount("work-reload-by-name", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("12")));
        system.seedAccount("work-reload-by-name-not-this", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("3")));
        system.receive(Duration.ofMillis(200));

        LambdaResponse response = system.reloadByName("work-reload-by-name");

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        assertThat(json(response).path("message").asText())
                .isEqualTo("Token reload triggered for account 'work-reload-by-name'");
        // the queue is the class's: this test's messages are the ones about its account
        List<Message> messages = system.receive(Duration.ofSeconds(5)).stream()
                .filter(message -> parse(parse(message.body()).path("Message").asText())
                        .path("accountName")
                        .asText()
                        .startsWith("work-reload-by-name"))
                .toList();
        assertThat(messages).hasSize(1);
        JsonNode notification = parse(messages.getFirst().body());
        JsonNode event = parse(notification.path("Message").asText());
        assertThat(event.path("type").asText()).isEqualTo("account.reload.requested");
        assertThat(event.path("accountId").asText()).isEqualTo(id);
        assertThat(event.path("accountName").asText()).isEqualTo("work-reload-by-name");
        assertThat(event.path("tokenVersion").asLong()).isEqualTo(12);
        assertThat(notification
                        .path("MessageAttributes")
                        .path("account_id")
                        .path("Value")
                        .asText())
                .isEqualTo(id);
    }

    @Test
    void listAccounts_showsTokenStatus_andNoTokenMaterial() {
        String id = system.seedAccount(
                "listed",
                Map.of(
                        Accounts.TOKEN_VERSION,
                        AttributeValue.fromN("6"),
                        Accounts.REQUIRES_REAUTH,
                        AttributeValue.fromBool(true),
                        Accounts.EXPIRES_AT,
                        AttributeValue.fromN("1795700000000"),
                        Accounts.API_KEY,
                        AttributeValue.fromS("sk-ant-listed-secret-key"),
                        Accounts.TOKEN_CIPHERTEXT,
                        AttributeValue.fromB(SdkBytes.fromUtf8String("ciphertext-bytes"))));

        LambdaResponse response = system.listAccounts();

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(response.getBody())
                .doesNotContain("sk-ant-listed-secret-key", "Y2lwaGVydGV4dC1ieXRlcw", "token_ciphertext", "api_key");
        JsonNode listed = null;
        for (JsonNode account : json(response).path("accounts")) {
            if (account.path("id").asText().equals(id)) {
                listed = account;
            }
        }
        assertThat(listed).isNotNull();
        assertThat(listed.path("name").asText()).isEqualTo("listed");
        assertThat(listed.path("mode").asText()).isEqualTo("console");
        assertThat(listed.path("tokenVersion").asLong()).isEqualTo(6);
        assertThat(listed.path("requiresReauth").asBoolean()).isTrue();
        assertThat(Instant.parse(listed.path("expiresAt").asText()).toEpochMilli())
                .isEqualTo(1795700000000L);
    }

    @Test
    void logCapture_seesTheFunctionsLogLines_soTheSecretCheckCanFail() {
        String id = system.seedAccount("work-logs", Map.of());
        system.pasteCode(system.startAndLogIn("work-logs").pasted());

        assertThat(LogCapture.lines())
                .anyMatch(line -> line.contains("\"event\":\"tokens.committed\"") && line.contains(id));
        assertNoSecretsLogged(system.secrets());
    }

    private static JsonNode parse(String json) {
        try {
            return ReauthSystem.JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
