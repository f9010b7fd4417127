package dev.reauth.it;

import static dev.reauth.it.ReauthSystem.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.LocalOAuthProvider.Login;
import dev.reauth.wire.Schema.Accounts;
import org.junit.jupiter.api.Test;

/**
 * A link belongs to the account's state when it was issued: once the account's tokens are written
 * another way (an operator's re-authentication, a refresh), its old link has ended and answers 410.
 */
class LinkFollowsAccountIT extends LinkSystemIT {

    private static final Login OWNER = Login.OWNER;

    @Test
    void aRecoveredAccountsOldLink_is410_andStartsNothing() {
        String id = boundAccount("recovered-elsewhere", OWNER);
        String token = system.issuedLinkToken("recovered-elsewhere");
        assertThat(system.linkPage(token).getStatusCode()).isEqualTo(200);

        LambdaResponse done = system.pasteCode(system.provider
                .authorize(ReauthSystem.authorizationUrl(system.startReauth("recovered-elsewhere")), OWNER)
                .pasted());
        assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
        String versionAfterRecovery =
                system.account(id).get(Accounts.TOKEN_VERSION).n();

        assertThat(system.linkPage(token).getStatusCode()).isEqualTo(410);
        LambdaResponse start = system.linkStart(token);
        assertThat(start.getStatusCode()).isEqualTo(410);
        assertThat(json(start).path("error").asText()).isEqualTo("link_revoked");
        assertThat(system.account(id).get(Accounts.TOKEN_VERSION).n()).isEqualTo(versionAfterRecovery);
    }

    @Test
    void aRefreshAfterTheLinkWasIssued_endsTheLink() {
        String id = system.liveAccount("refreshed-since");
        String token = system.issuedLinkToken("refreshed-since");
        long version =
                Long.parseLong(system.account(id).get(Accounts.TOKEN_VERSION).n());

        LambdaResponse refreshed = system.refreshNow(id, version);
        assertThat(json(refreshed).path("status").asText())
                .as(refreshed.getBody())
                .isEqualTo("refreshed");

        assertThat(system.linkStart(token).getStatusCode()).isEqualTo(410);
    }

    @Test
    void aLinkOfAnAccountWhoseTokensDidNotMove_stillWorks() {
        boundAccount("unchanged", OWNER);
        String token = system.issuedLinkToken("unchanged");

        LambdaResponse started = system.linkStart(token);

        assertThat(started.getStatusCode()).as(started.getBody()).isEqualTo(200);
    }
}
