package dev.reauth.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.reauth.handler.CallbackHandler;
import dev.reauth.http.ReauthApi;
import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.TokenRequestFormat;
import dev.reauth.wire.Schema.Accounts;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A token endpoint that fails: 502, nothing written, and the session still usable with the real provider. */
class ProviderFaultsIT extends SystemIT {

    private static final String TOKEN_PATH = "/v1/oauth/token";
    private WireMockServer faulty;
    private CallbackHandler faultyCallback;

    @BeforeAll
    void startFaultyProvider() {
        faulty = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        faulty.start();
        ReauthApi api = system.apiWithTokenUrl(URI.create(faulty.baseUrl() + TOKEN_PATH), null, Duration.ofSeconds(5));
        faultyCallback = new CallbackHandler(api);
    }

    @AfterAll
    void stopFaultyProvider() {
        faulty.stop();
    }

    @BeforeEach
    void reset() {
        faulty.resetAll();
    }

    static Stream<Arguments> faults() {
        Supplier<ResponseDefinitionBuilder> ok =
                () -> aResponse().withStatus(200).withHeader("Content-Type", "application/json");
        return Stream.of(
                Arguments.of("500", aResponse().withStatus(500).withBody("{\"error\":\"server_error\"}")),
                Arguments.of("timeout", ok.get().withFixedDelay(15_000).withBody("{}")),
                Arguments.of(
                        "html instead of json",
                        aResponse()
                                .withStatus(200)
                                .withHeader("Content-Type", "text/html")
                                .withBody("<html><body>Cloudflare says hi</body></html>")),
                Arguments.of(
                        "json without access_token",
                        ok.get()
                                .withBody(
                                        "{\"refresh_token\":\"rt-leaky-secret\",\"expires_in\":28800,\"token_type\":\"Bearer\"}")),
                Arguments.of(
                        "negative expires_in",
                        ok.get()
                                .withBody(
                                        "{\"access_token\":\"at-leaky-secret\",\"refresh_token\":\"rt\",\"expires_in\":-5}")),
                Arguments.of(
                        "endpoint moved (404 page)", aResponse().withStatus(404).withBody("<h1>Not Found</h1>")),
                Arguments.of(
                        "client refused (401 invalid_client)",
                        aResponse()
                                .withStatus(401)
                                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"no such client\"}")),
                Arguments.of(
                        "malformed request (400 invalid_request: a form body to a JSON endpoint)",
                        aResponse()
                                .withStatus(400)
                                .withBody("{\"error\":\"invalid_request\",\"error_description\":\"no such client\"}")),
                Arguments.of("connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void providerFault_is502_nothingWritten_sessionStillUsable(String name, ResponseDefinitionBuilder fault) {
        // GIVEN a logged-in session, and a token endpoint that fails this way
        String account = "fault-" + name.replaceAll("[^a-z0-9]", "-");
        String id = system.seedAccount(account, Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("1")));
        LocalOAuthProvider.Authorization login = system.startAndLogIn(account);
        Map<String, AttributeValue> before = system.account(id);
        faulty.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(fault));

        // WHEN the callback meets the fault
        LambdaResponse failed = ReauthSystem.invoke(faultyCallback, pasted(login));

        // THEN 502 with nothing of the provider's answer in it, and nothing written
        assertThat(failed.getStatusCode()).isEqualTo(502);
        assertThat(json(failed).path("error").asText()).isEqualTo("provider_error");
        assertThat(failed.getBody()).doesNotContain("leaky", "Cloudflare", "no such client");
        assertThat(system.account(id)).isEqualTo(before);
        if (name.contains("invalid_request")) {
            // a refusal of the request itself is a configuration fault: pasting again cannot fix it
            assertThat(json(failed).path("error_description").asText())
                    .contains("OAuth configuration")
                    .doesNotContain("paste the code again");
        }

        // and the same session completes once the provider answers properly
        LambdaResponse retried = system.pasteCode(login.pasted());
        assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("2");
    }

    @Test
    void tokenRequest_isAnthropicsJsonBody_withTheVerifierOfTheAuthorizationUrlsChallenge() {
        system.seedAccount("dialect", Map.of());
        LambdaResponse started = system.startReauth("dialect");
        String url = json(started).path("authorizationUrl").asText();
        LocalOAuthProvider.Authorization login = system.provider.authorize(url);
        String verifier = system.session(login.state()).get("code_verifier").s();
        faulty.stubFor(post(urlEqualTo(TOKEN_PATH)).willReturn(aResponse().withStatus(503)));

        ReauthSystem.invoke(faultyCallback, pasted(login));

        assertThat(new CodeVerifier(verifier).s256Challenge())
                .isEqualTo(ReauthSystem.query(url).get("code_challenge"));
        faulty.verify(
                1,
                postRequestedFor(urlEqualTo(TOKEN_PATH))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(equalToJson(ReauthSystem.JSON
                                .createObjectNode()
                                .put("grant_type", "authorization_code")
                                .put("code", login.code())
                                .put("state", login.state())
                                .put("client_id", LocalOAuthProvider.CLIENT_ID)
                                .put("redirect_uri", system.config.provider().redirectUri())
                                .put("code_verifier", verifier)
                                .toString())));
    }

    @Test
    void formEncodedExchange_worksWithAStandardRfc6749TokenEndpoint() {
        String id = system.seedAccount("standard", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("standard");
        CallbackHandler standard = new CallbackHandler(system.apiWithTokenUrl(
                system.provider.standardTokenUrl(), TokenRequestFormat.FORM, Duration.ofSeconds(5)));

        LambdaResponse done = ReauthSystem.invoke(standard, pasted(login));

        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(system.decryptTokens(id, system.account(id)).accessToken()).isNotBlank();
    }

    @Test
    void pkceIsEnforced_aVerifierThatDoesNotMatchIsRefused() {
        // the provider must refuse a code exchanged with another session's verifier: proof that it checks PKCE
        system.seedAccount("pkce-a", Map.of());
        system.seedAccount("pkce-b", Map.of());
        LocalOAuthProvider.Authorization a = system.startAndLogIn("pkce-a");
        LocalOAuthProvider.Authorization b = system.startAndLogIn("pkce-b");

        // a's code with b's state: b's session (and verifier) is used for a's code
        LambdaResponse crossed = system.pasteCode(a.code() + "#" + b.state());

        assertThat(crossed.getStatusCode()).isEqualTo(400);
        assertThat(json(crossed).path("error").asText()).isEqualTo("invalid_grant");
    }

    private static ObjectNode pasted(LocalOAuthProvider.Authorization login) {
        ObjectNode event = ReauthSystem.event("callback-pasted-code.json");
        event.put(
                "body",
                ReauthSystem.JSON.createObjectNode().put("code", login.pasted()).toString());
        return event;
    }
}
