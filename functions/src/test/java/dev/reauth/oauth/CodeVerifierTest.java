package dev.reauth.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodeVerifierTest {

    @Test
    void s256Challenge_matchesRfc7636AppendixB() {
        // GIVEN the verifier of RFC 7636 Appendix B
        CodeVerifier verifier = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

        // WHEN / THEN its S256 challenge is the one the RFC gives
        assertThat(verifier.s256Challenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    @Test
    void generate_gives43UrlSafeCharacters_differentEachTime() {
        SecureRandom random = new SecureRandom();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String value = CodeVerifier.generate(random).value();
            assertThat(value).hasSize(43).matches("[A-Za-z0-9_-]+");
            seen.add(value);
        }
        assertThat(seen).hasSize(100);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "tooShort",
                "has space in it and is long enough to pass the length rule x",
                "has+plus/slash=equals-and-is-long-enough-to-pass-the-length-rule"
            })
    void constructor_refusesValuesOutsideRfc7636Alphabet(String bad) {
        assertThatThrownBy(() -> new CodeVerifier(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(bad.isEmpty() ? "\u0000" : bad);
    }

    @Test
    void constructor_refusesMoreThan128Characters() {
        assertThatThrownBy(() -> new CodeVerifier("a".repeat(129))).isInstanceOf(IllegalArgumentException.class);
        assertThat(new CodeVerifier("a".repeat(128)).value()).hasSize(128);
    }

    @Test
    void toString_hidesTheVerifier() {
        CodeVerifier verifier = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assertThat(verifier.toString()).doesNotContain(verifier.value());
    }
}
