package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.local.RefreshGrants;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A re-authentication revokes exactly the refresh token it replaced, at the provider's revoke
 * endpoint, after the new tokens are committed; with the revoke endpoint down, the re-authentication
 * still succeeds, and the failure is logged.
 */
class RevokeOnReplaceIT {

    @Test
    void aReauthentication_revokesExactlyTheReplacedRefreshToken_andItsGrantIsGone() {
        LogCapture.install();
        try (ReauthSystem system = new ReauthSystem(null, Map.of("OAUTH_REVOKE_URL", ReauthSystem.LOCAL_REVOKE_URL))) {
            ReauthSystem revoking = system;
            RefreshGrants grants = system.provider.refreshGrants();
            String id = revoking.liveAccount("revoke-me");
            // the first login replaced nothing
            assertThat(grants.revokedAtEndpointCount()).isZero();
            String replaced = system.decryptTokens(id, system.account(id)).refreshToken();

            LambdaResponse done =
                    revoking.pasteCode(revoking.startAndLogIn("revoke-me").pasted());

            assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
            String current = system.decryptTokens(id, system.account(id)).refreshToken();
            assertThat(grants.revokedAtEndpoint(replaced)).isTrue();
            assertThat(grants.revokedAtEndpoint(current)).isFalse();
            assertThat(grants.revokedAtEndpointCount()).isEqualTo(1);
            // the replaced grant is gone; the new one refreshes
            assertThat(revoking.refreshNow(id, null).getStatusCode()).isEqualTo(200);
            assertThat(system.decryptTokens(id, system.account(id)).refreshToken())
                    .isNotEqualTo(current);
            assertThat(LogCapture.lines()).anyMatch(line -> line.contains("\"revoke.revoked\""));
        }
    }

    @Test
    void withTheRevokeEndpointDown_theReauthenticationStillSucceeds_andTheFailureIsLogged() {
        LogCapture.install();
        // a loopback port nothing listens on
        try (ReauthSystem system =
                new ReauthSystem(null, Map.of("OAUTH_REVOKE_URL", "http://127.0.0.1:9/v1/oauth/token/revoke"))) {
            ReauthSystem down = system;
            String id = down.liveAccount("revoke-down");
            long before = Long.parseLong(system.account(id).get("token_version").n());

            LambdaResponse done =
                    down.pasteCode(down.startAndLogIn("revoke-down").pasted());

            assertThat(done.getStatusCode()).as(done.getBody()).isEqualTo(200);
            assertThat(Long.parseLong(system.account(id).get("token_version").n()))
                    .isEqualTo(before + 1);
            assertThat(system.provider.refreshGrants().revokedAtEndpointCount()).isZero();
            assertThat(LogCapture.lines()).anyMatch(line -> line.contains("\"revoke.failed\""));
        }
    }
}
