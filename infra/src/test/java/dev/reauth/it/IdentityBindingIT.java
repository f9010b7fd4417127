package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.authorizationUrl;
import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.LocalOAuthProvider.Authorization;
import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.wire.Schema.Accounts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Each account is bound to the provider account that logged in: whoever sees an authorization URL
 * cannot complete it with their own provider account and swap their tokens into the fleet.
 */
class IdentityBindingIT extends SystemIT {

    private static final Login OPS = Login.of("ops@example.com");
    private static final Login OUTSIDER = Login.of("eve@example.net");

    @Test
    void add_recordsTheProviderAccount_andTheListAndSuccessLineNameIt() {
        String url = authorizationUrl(system.addAccount("{\"name\":\"bound-add\",\"mode\":\"max\"}"));

        LambdaResponse done =
                system.pasteCode(system.provider.authorize(url, OPS).pasted());

        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(json(done).path("message").asText())
                .isEqualTo("Account 'bound-add' (ops@example.com) has been successfully added");
        String id = json(done).path("accountId").asText();
        assertThat(system.account(id))
                .containsEntry(Accounts.PROVIDER_ACCOUNT_UUID, AttributeValue.fromS(OPS.accountUuid()))
                .containsEntry(Accounts.PROVIDER_EMAIL, AttributeValue.fromS("ops@example.com"))
                .containsEntry(Accounts.PROVIDER_ORGANIZATION_UUID, AttributeValue.fromS(OPS.organizationUuid()));
        var listed = json(system.listAccounts()).path("accounts").findValues("name").stream()
                .filter(n -> n.asText().equals("bound-add"))
                .count();
        assertThat(listed).isEqualTo(1);
        assertThat(json(system.listAccounts()).toString()).contains("\"email\":\"ops@example.com\"");
    }

    @Test
    void accountWithoutIdentity_recordsItAtItsNextReauthentication() {
        String id = system.seedAccount("legacy", Map.of());
        assertThat(system.account(id)).doesNotContainKey(Accounts.PROVIDER_ACCOUNT_UUID);

        LambdaResponse done = system.pasteCode(system.provider
                .authorize(authorizationUrl(system.startReauth("legacy")), OPS)
                .pasted());

        assertThat(json(done).path("message").asText())
                .isEqualTo("Account 'legacy' (ops@example.com) has been successfully re-authenticated");
        assertThat(system.account(id).get(Accounts.PROVIDER_ACCOUNT_UUID).s()).isEqualTo(OPS.accountUuid());
    }

    @Test
    void anotherProviderAccount_is409_writesNothing_publishesNothing_andTheSessionStaysUsable() {
        String id = bound("guarded");
        system.receive(Duration.ofSeconds(2));
        Map<String, AttributeValue> before = system.account(id);
        String url = authorizationUrl(system.startReauth("guarded"));

        LambdaResponse refused =
                system.pasteCode(system.provider.authorize(url, OUTSIDER).pasted());

        assertThat(refused.getStatusCode()).isEqualTo(409);
        assertThat(json(refused).path("error").asText()).isEqualTo("account_mismatch");
        assertThat(json(refused).path("error_description").asText())
                .contains("ops@example.com")
                .contains("eve@example.net")
                .contains("--allow-account-change");
        assertThat(system.account(id)).isEqualTo(before);
        assertThat(system.receive(Duration.ofSeconds(2))).isEmpty();

        // the same authorization URL, logged in as the right account, still completes it
        LambdaResponse retried =
                system.pasteCode(system.provider.authorize(url, OPS).pasted());
        assertThat(retried.getStatusCode()).as(retried.getBody()).isEqualTo(200);
    }

    @Test
    void anotherProviderAccount_onTheBrowserCallback_isRefused_withoutNamingTheBoundAccount() {
        String id = bound("guarded-browser");
        Map<String, AttributeValue> before = system.account(id);
        Authorization outsider =
                system.provider.authorize(authorizationUrl(system.startReauth("guarded-browser")), OUTSIDER);

        LambdaResponse page = system.browserCallback(Map.of("code", outsider.code(), "state", outsider.state()));

        assertThat(page.getStatusCode()).isEqualTo(409);
        assertThat(page.getBody()).contains("different provider account").doesNotContain("ops@example.com");
        assertThat(system.account(id)).isEqualTo(before);
    }

    @Test
    void allowAccountChange_movesTheAccountToTheNewProviderAccount() {
        String id = bound("moving");
        String url = authorizationUrl(system.startReauth("moving", "{\"allowAccountChange\":true}"));

        LambdaResponse done =
                system.pasteCode(system.provider.authorize(url, OUTSIDER).pasted());

        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        assertThat(system.account(id).get(Accounts.PROVIDER_ACCOUNT_UUID).s()).isEqualTo(OUTSIDER.accountUuid());
        assertThat(system.account(id).get(Accounts.PROVIDER_EMAIL).s()).isEqualTo("eve@example.net");
    }

    @Test
    void allowAccountChange_mustBeABoolean() {
        system.seedAccount("strict", Map.of());

        LambdaResponse response = system.startReauth("strict", "{\"allowAccountChange\":\"yes\"}");

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(json(response).path("error").asText()).isEqualTo("invalid_request");
    }

    /** An account bound to {@link #OPS} by one re-authentication. */
    private String bound(String name) {
        String id = system.seedAccount(name, Map.of());
        LambdaResponse done = system.pasteCode(system.provider
                .authorize(authorizationUrl(system.startReauth(name)), OPS)
                .pasted());
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        return id;
    }
}
