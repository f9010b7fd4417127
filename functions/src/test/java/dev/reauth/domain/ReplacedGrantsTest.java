package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reauth.oauth.AuthorizationCode;
import dev.reauth.oauth.CodeVerifier;
import dev.reauth.oauth.OAuthState;
import dev.reauth.oauth.TokenResponse;
import dev.reauth.wire.TokenBundle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplacedGrantsTest {

    private final List<String> revoked = new ArrayList<>();
    private RevocationOutcome answer = RevocationOutcome.REVOKED;
    private boolean providerThrows;

    private final AuthorizationServer provider = new AuthorizationServer() {
        @Override
        public TokenResponse exchange(AuthorizationCode code, OAuthState state, CodeVerifier verifier, String uri) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String createApiKey(String accessToken) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenResponse refresh(String refreshToken, List<String> scopes) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RevocationOutcome revoke(String refreshToken) {
            if (providerThrows) {
                throw new IllegalStateException("boom");
            }
            revoked.add(refreshToken);
            return answer;
        }
    };

    /** Opens "ciphertext" that is the refresh token's bytes. */
    private final TokenVault vault = new TokenVault() {
        @Override
        public byte[] seal(String accountId, TokenBundle bundle) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TokenBundle open(String accountId, byte[] ciphertext) {
            if (ciphertext.length == 0) {
                throw new ReauthException.InvalidRequest("unreadable", "unreadable");
            }
            return new TokenBundle(
                    "a", new String(ciphertext, StandardCharsets.UTF_8), "Bearer", Optional.empty(), Optional.empty());
        }
    };

    private ReplacedGrants grants(Optional<ReplacedGrants.Held> held) {
        return new ReplacedGrants(id -> held, vault, provider);
    }

    private static Optional<ReplacedGrants.Held> holding(long version, String refreshToken) {
        return Optional.of(new ReplacedGrants.Held(version, refreshToken.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theTokenReadBeforeTheWrite_isRevoked_whenTheCommitIsTheVersionRightAfterIt() {
        ReplacedGrants grants = grants(holding(4, "old-refresh"));

        ReplacedGrants.Replaced replaced = grants.before("acct-1").orElseThrow();
        grants.revoke(replaced, 5);

        assertThat(revoked).containsExactly("old-refresh");
        assertThat(replaced.toString()).doesNotContain("old-refresh");
    }

    @Test
    void whenAnotherWriteCameBetween_nothingIsRevoked() {
        ReplacedGrants grants = grants(holding(4, "old-refresh"));

        grants.revoke(grants.before("acct-1").orElseThrow(), 6);

        assertThat(revoked).isEmpty();
    }

    @Test
    void anAccountWithoutTokens_orWithUnreadableOnes_replacesNothing() {
        assertThat(grants(Optional.empty()).before("acct-1")).isEmpty();
        assertThat(grants(Optional.of(new ReplacedGrants.Held(4, new byte[0]))).before("acct-1"))
                .isEmpty();
    }

    @Test
    void aFailingOrRefusingProvider_neverFailsTheCaller() {
        ReplacedGrants grants = grants(holding(4, "old-refresh"));
        ReplacedGrants.Replaced replaced = grants.before("acct-1").orElseThrow();

        answer = RevocationOutcome.FAILED;
        grants.revoke(replaced, 5);
        providerThrows = true;
        grants.revoke(replaced, 5);

        assertThat(revoked).containsExactly("old-refresh");
    }
}
