package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountIdTest {

    private static final String MALFORMED = "account id is missing or malformed";

    @ParameterizedTest
    @ValueSource(strings = {"5f0c7a1e-demo-account-id", "0d6b1c4e-8a3f-4b8e-9d2c-7f1e5a9b3c21", "legacy 42"})
    void anOrdinaryId_isKeptAsGiven(String given) {
        AccountId id = new AccountId(given);

        assertThat(id.value()).isEqualTo(given);
        assertThat(id).hasToString(given).isEqualTo(new AccountId(given));
    }

    @Test
    void exactly128Characters_isAllowed_and129_isNot() {
        assertThat(new AccountId("i".repeat(128)).value()).hasSize(128);

        assertThatThrownBy(() -> new AccountId("i".repeat(129)))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessage(MALFORMED);
    }

    @Test
    void missingOrBlank_isMalformed() {
        for (String missing : new String[] {null, "", "   "}) {
            assertThatThrownBy(() -> new AccountId(missing))
                    .as(String.valueOf(missing))
                    .isInstanceOf(ReauthException.InvalidRequest.class)
                    .hasMessage(MALFORMED)
                    .satisfies(e -> assertThat(((ReauthException) e).error()).isEqualTo("invalid_request"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad\u0000id", "id\r\n", "id\u001b]0;x\u0007", "del\u007f", "c1\u009b"})
    void controlCharacters_areRefused_withoutEchoingTheId(String given) {
        assertThatThrownBy(() -> new AccountId(given))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessage(MALFORMED);
    }
}
