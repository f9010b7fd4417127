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
        assertThat(state.hashMatches(OAuthState.generate(new SecureRandom()).hash())).isFalse();
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
        assertThatThrownBy(() -> new OAuthState("<script>alert(1)</script>")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toString_hidesTheState() {
        OAuthState state = OAuthState.generate(new SecureRandom());
        assertThat(state.toString()).doesNotContain(state.value());
    }
}
