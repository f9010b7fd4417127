package dev.reauth.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class OAuthStateTest {

    @Test
    void hash_isStableAndDoesNotContainTheState() {
        OAuthState state = OAuthState.generate(new SecureRandom());
        assertThat(state.hash()).isEqualTo(new OAuthState(state.value()).hash()).doesNotContain(state.value());
        assertThat(state.hashMatches(state.hash())).isTrue();
        assertThat(state.hashMatches(OAuthState.generate(new SecureRandom()).hash()))
                .isFalse();
    }

    @Test
    void hash_isRfc7636sS256_soStoredSessionKeysNeverChangeShape() {
        // the RFC 7636 Appendix B value, used here as a state: its hash is the RFC's challenge
        OAuthState state = new OAuthState("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

        assertThat(state.hash())
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
                .isEqualTo(new CodeVerifier(state.value()).s256Challenge());
    }

    @Test
    void matches_comparesValues() {
        OAuthState state = new OAuthState("abcdefghijklmnopqrstuvwxyz");
        assertThat(state.matches(new OAuthState("abcdefghijklmnopqrstuvwxyz"))).isTrue();
        assertThat(state.matches(new OAuthState("abcdefghijklmnopqrstuvwxyZ"))).isFalse();
        assertThat(state.matches(null)).isFalse();
    }

    @Test
    void constructor_refusesShortOrUnsafeValues_withoutEchoingThem() {
        assertThatThrownBy(() -> new OAuthState("short")).hasMessageNotContaining("short");
        assertThatThrownBy(() -> new OAuthState("<script>alert(1)</script>"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toString_hidesTheState() {
        OAuthState state = OAuthState.generate(new SecureRandom());
        assertThat(state.toString()).doesNotContain(state.value());
    }
}
