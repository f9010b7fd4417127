package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.LocalOAuthProvider;
import dev.reauth.wire.Schema.Accounts;
import dev.reauth.wire.Schema.Sessions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A session is single-use, expires, and survives a wrong paste. */
class SessionLifecycleIT extends SystemIT {

    @Test
    void consumedSession_replayed_is409_andNothingChanges() {
        String id = system.seedAccount("replayed", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("replayed");
        assertThat(system.pasteCode(login.pasted()).getStatusCode()).isEqualTo(200);
        Map<String, AttributeValue> afterFirst = system.account(id);

        LambdaResponse replay = system.pasteCode(login.pasted());

        assertThat(replay.getStatusCode()).isEqualTo(409);
        assertThat(json(replay).path("error").asText()).isEqualTo("session_used");
        assertThat(system.account(id)).isEqualTo(afterFirst);
        assertThat(system.session(login.state()))
                .as("verifier removed once used")
                .doesNotContainKey(Sessions.CODE_VERIFIER);
    }

    @Test
    void expiredSession_is410_andNothingIsWrittenOrExchanged() {
        String id = system.seedAccount("expired", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("expired");
        Map<String, AttributeValue> before = system.account(id);
        int tokenRequests = system.provider.tokenRequests();
        system.clock.advance(Duration.ofMinutes(11));
        try {
            LambdaResponse late = system.pasteCode(login.pasted());

            assertThat(late.getStatusCode()).isEqualTo(410);
            assertThat(json(late).path("error").asText()).isEqualTo("session_expired");
            assertThat(system.account(id)).isEqualTo(before);
            assertThat(system.provider.tokenRequests()).isEqualTo(tokenRequests);
        } finally {
            system.clock.advance(Duration.ofMinutes(-11));
        }
    }

    @Test
    void wrongPastedCode_is400_nothingWritten_andTheRightCodeThenSucceeds() {
        String id = system.seedAccount("typo", Map.of(Accounts.TOKEN_VERSION, AttributeValue.fromN("2")));
        LocalOAuthProvider.Authorization login = system.startAndLogIn("typo");
        Map<String, AttributeValue> before = system.account(id);

        LambdaResponse wrong = system.pasteCode("not-the-real-code#" + login.state());

        assertThat(wrong.getStatusCode()).isEqualTo(400);
        assertThat(json(wrong).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(json(wrong).path("error_description").asText()).contains("paste the code again");
        assertThat(system.account(id)).isEqualTo(before);

        LambdaResponse right = system.pasteCode(login.pasted());

        assertThat(right.getStatusCode()).as(right.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo("3");
    }

    @Test
    void codeAndStateGivenSeparately_work_andAMismatchIs400() {
        system.seedAccount("separate", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("separate");
        String body = ReauthSystem.JSON
                .createObjectNode()
                .put("code", login.code())
                .put("state", login.state())
                .toString();
        String mismatch = ReauthSystem.JSON
                .createObjectNode()
                .put("code", login.pasted())
                .put("state", "some-other-state-0123456789")
                .toString();

        assertThat(system.pasteBody(mismatch).getStatusCode()).isEqualTo(400);
        assertThat(system.pasteBody(body).getStatusCode()).isEqualTo(200);
    }

    @Test
    void unknownState_is400() {
        LambdaResponse response = system.pasteCode("some-code#never-issued-state-0123456789");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).path("error").asText()).isEqualTo("invalid_state");
    }

    @Test
    void sessionStoresOnlyTheStateHash_withTtlAndInitiator() {
        system.seedAccount("stored", Map.of());
        LocalOAuthProvider.Authorization login = system.startAndLogIn("stored");

        Map<String, AttributeValue> session = system.session(login.state());

        assertThat(session.values()).noneMatch(v -> login.state().equals(v.s()));
        assertThat(session.get(Sessions.INITIATOR).s()).isEqualTo("arn:aws:iam::123456789012:user/operator");
        long ttl = Long.parseLong(session.get(Sessions.TTL).n());
        long expiresAt = Long.parseLong(session.get(Sessions.EXPIRES_AT).n());
        assertThat(ttl * 1000).isGreaterThan(expiresAt);
    }
}
