package dev.reauth.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.annotations.Event;
import dev.reauth.http.ReauthApi;
import dev.reauth.http.RequestEdge;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;

/** What the HTTP edge does with events the files do not show as they are: other routes, sizes, encodings, garbage. */
class ApiEdgesTest {

    private static final String ADD_BODY = "\"{\\\"name\\\": \\\"new-account\\\", \\\"mode\\\": \\\"max\\\"}\"";

    private final ApiFixture fixture = new ApiFixture();
    private final ReauthApi api = fixture.api;

    @ParameterizedTest
    @Event(value = "events/reload.json", type = APIGatewayV2HTTPEvent.class)
    void aRouteAnotherFunctionServes_is404_andDoesNothing(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test).sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.headers()).isEqualTo(ApiEventsTest.JSON_HEADERS);
        assertThat(response.body()).isEqualTo("{\"error\":\"not_found\",\"error_description\":\"No such route\"}");
        assertThat(fixture.backend.published).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/add-account.json", type = APIGatewayV2HTTPEvent.class)
    void aBase64Body_isDecoded_asApiGatewaySendsIt(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile file = EventFile.of(test);
        assertThat(file.text()).contains(ADD_BODY, "\"isBase64Encoded\": false");
        String encoded = Base64.getEncoder().encodeToString(event.getBody().getBytes(StandardCharsets.UTF_8));

        EventFile.Response response = file.with(text -> text.replace(ADD_BODY, "\"" + encoded + "\"")
                        .replace("\"isBase64Encoded\": false", "\"isBase64Encoded\": true"))
                .sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json()).containsEntry("account", "new-account");
    }

    @ParameterizedTest
    @Event(value = "events/add-account.json", type = APIGatewayV2HTTPEvent.class)
    void aBodyOver16KiB_is413_beforeAnythingIsParsed(APIGatewayV2HTTPEvent event, TestInfo test) {
        String padded = "\"{\\\"name\\\": \\\"new-account\\\", \\\"pad\\\": \\\""
                + "x".repeat(RequestEdge.MAX_BODY_BYTES) + "\\\"}\"";

        EventFile.Response response =
                EventFile.of(test).with(text -> text.replace(ADD_BODY, padded)).sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.headers()).isEqualTo(ApiEventsTest.JSON_HEADERS);
        assertThat(response.json()).containsEntry("error", "request_too_large");
        assertThat(fixture.backend.sessions).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/add-account.json", type = APIGatewayV2HTTPEvent.class)
    void aBodyThatIsNotAJsonObject_is400_withoutEchoingIt(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test)
                .with(text -> text.replace(ADD_BODY, "\"name=sk-ant-secret\""))
                .sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body())
                .isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"The body must be a JSON object\"}");
    }

    @ParameterizedTest
    @Event(value = "events/add-account.json", type = APIGatewayV2HTTPEvent.class)
    void anEventThatIsNotAnHttpApiRequest_is400(APIGatewayV2HTTPEvent event, TestInfo test) {
        for (String garbage : new String[] {"[1,2]", "not json", "", "{\"routeKey\":\"POST /accounts\"} trailing"}) {
            EventFile.Response response =
                    EventFile.of(test).with(text -> garbage).sendTo(new StartReauthHandler(api));

            assertThat(response.status()).as(garbage).isEqualTo(400);
            assertThat(response.headers()).isEqualTo(ApiEventsTest.JSON_HEADERS);
            assertThat(response.body())
                    .isEqualTo("{\"error\":\"invalid_request\","
                            + "\"error_description\":\"The event is not an API Gateway HTTP API request\"}");
        }
    }

    @ParameterizedTest
    @Event(value = "events/add-account.json", type = APIGatewayV2HTTPEvent.class)
    void anIamRoute_withoutAnIamAuthorizer_is403_andStartsNothing(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile file = EventFile.of(test);
        assertThat(file.text()).contains("\"authorizer\": {");

        EventFile.Response response = file.with(text -> text.replace("\"authorizer\": {", "\"unsigned\": {"))
                .sendTo(new StartReauthHandler(api));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json()).containsEntry("error", "forbidden");
        assertThat(fixture.backend.sessions).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/add-account.json", type = APIGatewayV2HTTPEvent.class)
    void addingAnAccount_underANameWithASlashOrABidiOverride_is400_andStartsNothing(
            APIGatewayV2HTTPEvent event, TestInfo test) {
        for (String name : new String[] {"a/b", "evil\\u202Egnp", ".."}) {
            EventFile.Response response = EventFile.of(test)
                    .with(text -> text.replace("\\\"new-account\\\"", "\\\"" + name + "\\\""))
                    .sendTo(new StartReauthHandler(api));

            assertThat(response.status()).as(name).isEqualTo(400);
            assertThat(response.json())
                    .containsEntry("error", "invalid_request")
                    .extractingByKey("error_description")
                    .asString()
                    .startsWith("account name must be 1 to 64 of");
        }
        assertThat(fixture.backend.sessions).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/list-accounts.json", type = APIGatewayV2HTTPEvent.class)
    void listAccounts_marksAStoredNameOutsideTheRule_forTheNameCheck_andRenamesNothing(
            APIGatewayV2HTTPEvent event, TestInfo test) {
        fixture.backend.seed("5f0c7a1e-old-slash-name", "team/old", dev.reauth.oauth.AccountMode.MAX, 1);

        EventFile.Response response = EventFile.of(test).sendTo(new ListAccountsHandler(api));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"name\":\"team/old\"")
                .containsOnlyOnce("\"nameOutsideRule\":true")
                .contains("\"name\":\"demo\",\"mode\"");
    }

    @ParameterizedTest
    @Event(value = "events/reload-by-name.json", type = APIGatewayV2HTTPEvent.class)
    void reloadByName_onAnotherFunction_is404_andDoesNothing(APIGatewayV2HTTPEvent event, TestInfo test) {
        for (var other : List.of(new StartReauthHandler(api), new CallbackHandler(api), new RefreshHandler(api))) {
            EventFile.Response response = EventFile.of(test).sendTo(other);

            assertThat(response.status()).as(other.getClass().getSimpleName()).isEqualTo(404);
            assertThat(response.json()).containsEntry("error", "not_found");
        }
        assertThat(fixture.backend.published).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/reload-by-name.json", type = APIGatewayV2HTTPEvent.class)
    void reloadByName_ofAMalformedName_is400_withAFixedDescription_andTellsNobody(
            APIGatewayV2HTTPEvent event, TestInfo test) {
        for (String name : new String[] {"", " demo", "de\\u0000mo", "n".repeat(129)}) {
            EventFile.Response response = EventFile.of(test)
                    .with(text -> text.replace("\"name\": \"demo\"", "\"name\": \"" + name + "\""))
                    .sendTo(new ReloadHandler(api));

            assertThat(response.status()).as(name).isEqualTo(400);
            assertThat(response.headers()).isEqualTo(ApiEventsTest.JSON_HEADERS);
            assertThat(response.json())
                    .containsEntry("error", "invalid_request")
                    .extractingByKey("error_description")
                    .isIn(
                            "account name is required",
                            "account name must be at most 128 characters, without control characters or surrounding spaces");
        }
        assertThat(fixture.backend.published).isEmpty();
    }

    @ParameterizedTest
    @Event(value = "events/reload-by-name.json", type = APIGatewayV2HTTPEvent.class)
    void reloadByName_withoutItsPathParameter_is400(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test)
                .with(text -> text.replace("\"name\": \"demo\"", "\"other\": \"demo\""))
                .sendTo(new ReloadHandler(api));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body())
                .isEqualTo("{\"error\":\"invalid_request\",\"error_description\":\"account name is required\"}");
    }

    @ParameterizedTest
    @Event(value = "events/refresh.json", type = APIGatewayV2HTTPEvent.class)
    void aMalformedAccountId_is400_andNoLeaseIsClaimed(APIGatewayV2HTTPEvent event, TestInfo test) {
        EventFile.Response response = EventFile.of(test)
                .with(text -> text.replace("\"id\": \"5f0c7a1e-demo-account-id\"", "\"id\": \"bad\\u0000id\""))
                .sendTo(new RefreshHandler(api));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json()).containsEntry("error", "invalid_request");
        assertThat(fixture.backend.redeemedRefreshTokens).isEmpty();
    }
}
