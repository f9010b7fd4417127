package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reauth.local.LambdaRuntimeEmulator;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.local.ProjectFiles;
import dev.reauth.local.TemplateFunction;
import dev.reauth.wire.Schema.Accounts;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The packaged jar run as Lambda runs it: each function of template.yaml under the Runtime Interface
 * Emulator and the Java runtime interface client, fed the events/ files as raw JSON. A broken jar,
 * handler name or event mapping fails here.
 */
class LambdaRuntimeIT extends SystemIT {

    private LambdaRuntimeEmulator start;
    private LambdaRuntimeEmulator callback;
    private LambdaRuntimeEmulator reload;
    private LambdaRuntimeEmulator list;

    @BeforeAll
    void startFunctions() {
        start = LambdaRuntimeEmulator.start(TemplateFunction.of("StartReauthFunction", system.environment, List.of()));
        callback = LambdaRuntimeEmulator.start(TemplateFunction.of("CallbackFunction", system.environment, List.of()));
        reload = LambdaRuntimeEmulator.start(TemplateFunction.of("ReloadFunction", system.environment, List.of()));
        list = LambdaRuntimeEmulator.start(TemplateFunction.of("ListAccountsFunction", system.environment, List.of()));
    }

    @AfterAll
    void stopFunctions() {
        for (LambdaRuntimeEmulator function : List.of(start, callback, reload, list)) {
            String output = function.output();
            system.secrets()
                    .forEach(secret -> assertThat(output)
                            .as("function output holds no secret")
                            .doesNotContain(secret));
            function.close();
        }
    }

    @Test
    void everyFunction_servesItsRoutes_fromThePackagedJar() {
        String id = system.seedAccount("rie-demo", Map.of(Accounts.TOKEN_VERSION, AttributeValues.n(2)));

        ObjectNode startEvent = event("start-reauth.json");
        startEvent.putObject("pathParameters").put("name", "rie-demo");
        JsonNode started = invoke(start, startEvent);
        assertThat(started.path("statusCode").asInt()).as(started.toString()).isEqualTo(200);
        String url = body(started).path("authorizationUrl").asText();
        LocalOAuthProvider.Authorization login = system.provider.authorize(url);

        ObjectNode pasted = event("callback-pasted-code.json");
        pasted.put(
                "body",
                ReauthSystem.JSON.createObjectNode().put("code", login.pasted()).toString());
        JsonNode done = invoke(callback, pasted);
        assertThat(done.path("statusCode").asInt()).as(done.toString()).isEqualTo(200);
        assertThat(body(done).path("tokenVersion").asLong()).isEqualTo(3);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("3");

        ObjectNode reloadEvent = event("reload.json");
        reloadEvent.putObject("pathParameters").put("id", id);
        JsonNode reloaded = invoke(reload, reloadEvent);
        assertThat(reloaded.path("statusCode").asInt()).isEqualTo(200);
        assertThat(body(reloaded).path("message").asText()).isEqualTo("Token reload triggered for account 'rie-demo'");
        ObjectNode byName = event("reload-by-name.json");
        byName.putObject("pathParameters").put("name", "rie-demo");
        JsonNode reloadedByName = invoke(reload, byName);
        assertThat(reloadedByName.path("statusCode").asInt())
                .as(reloadedByName.toString())
                .isEqualTo(200);
        assertThat(body(reloadedByName).path("message").asText())
                .isEqualTo("Token reload triggered for account 'rie-demo'");

        JsonNode listed = invoke(list, event("list-accounts.json"));
        assertThat(listed.path("statusCode").asInt()).isEqualTo(200);
        assertThat(body(listed).path("accounts").findValuesAsText("name")).contains("rie-demo");
        assertThat(listed.path("body").asText()).doesNotContain("token_ciphertext");
    }

    @Test
    void browserRedirect_andProviderErrorEvents_renderPages() {
        system.seedAccount("rie-browser", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("rie-browser");

        ObjectNode browser = event("callback-browser.json");
        browser.putObject("queryStringParameters").put("code", login.code()).put("state", login.state());
        JsonNode page = invoke(callback, browser);
        JsonNode denied = invoke(callback, event("callback-provider-error.json"));

        assertThat(page.path("statusCode").asInt()).isEqualTo(200);
        assertThat(page.path("headers").path("Content-Type").asText()).startsWith("text/html");
        assertThat(page.path("body").asText()).contains("successfully re-authenticated");
        assertThat(denied.path("statusCode").asInt()).isEqualTo(400);
        assertThat(denied.path("body").asText()).contains("access_denied");
    }

    @Test
    void errorEvents_mapToTheirStatuses_unchanged() {
        assertThat(invoke(start, event("start-reauth-unknown-account.json"))
                        .path("statusCode")
                        .asInt())
                .isEqualTo(404);
        assertThat(invoke(callback, event("callback-expired-session.json"))
                        .path("statusCode")
                        .asInt())
                .as("a session that does not exist (long expired and deleted)")
                .isEqualTo(400);
        assertThat(invoke(reload, event("reload.json")).path("statusCode").asInt())
                .isEqualTo(404);
    }

    @Test
    void functionLogs_areJsonLines_carryingTheRequestId() {
        ObjectNode unknown = event("start-reauth-unknown-account.json");
        String requestId = unknown.path("requestContext").path("requestId").asText();

        invoke(start, unknown);

        assertThat(start.output().lines())
                .anyMatch(line -> line.startsWith("{") && line.contains("\"requestId\":\"" + requestId + "\""));
    }

    private static ObjectNode event(String file) {
        return ProjectFiles.eventJson(file);
    }

    private static JsonNode invoke(LambdaRuntimeEmulator function, ObjectNode event) {
        try {
            return ReauthSystem.JSON.readTree(function.invoke(event.toString()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode body(JsonNode response) {
        try {
            return ReauthSystem.JSON.readTree(response.path("body").asText());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shorthand for numeric attribute values. */
    private static final class AttributeValues {
        static AttributeValue n(long value) {
            return AttributeValue.fromN(Long.toString(value));
        }
    }
}
