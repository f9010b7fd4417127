package dev.reauth.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountNameTest {

    private static final String SHAPE =
            "account name must be at most 128 characters, without control characters or surrounding spaces";

    @ParameterizedTest
    @ValueSource(strings = {"work", "a", "Work Account 2", "ops@example.com", "Ärger-🙂", "with/slash", "by-name"})
    void anOrdinaryName_isKeptAsGiven(String given) {
        AccountName name = new AccountName(given);

        assertThat(name.value()).isEqualTo(given);
        assertThat(name).hasToString(given).isEqualTo(new AccountName(given));
    }

    @Test
    void exactly128Characters_isAllowed_and129_isNot() {
        assertThat(new AccountName("n".repeat(128)).value()).hasSize(128);

        assertThatThrownBy(() -> new AccountName("n".repeat(129)))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessage(SHAPE);
    }

    @Test
    void missing_isRequired() {
        for (String missing : new String[] {null, "", " ", "\t\n"}) {
            assertThatThrownBy(() -> new AccountName(missing))
                    .as(String.valueOf(missing))
                    .isInstanceOf(ReauthException.InvalidRequest.class)
                    .hasMessage("account name is required")
                    .satisfies(e -> assertThat(((ReauthException) e).error()).isEqualTo("invalid_request"));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "bad\u0000name",
                "line\nbreak",
                "esc\u001b[3Dname",
                "del\u007f",
                "c1\u0085control",
                " leading",
                "trailing ",
                "\u2003em-space-led"
            })
    void controlCharactersAndSurroundingSpaces_areRefused_withoutEchoingTheName(String given) {
        assertThatThrownBy(() -> new AccountName(given))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessage(SHAPE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"work", "a", "ops@example.com", "team_2.backup-1", "..a", "n64"})
    void aNewAccount_takesANameWithinTheRule(String given) {
        assertThat(AccountName.forNewAccount(given).value()).isEqualTo(given);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "with/slash",
                ".",
                "..",
                "evil\u202Egnp.exe",
                "zero\u200Bwidth",
                "Ärger",
                "Work Account 2",
                "semi;colon"
            })
    void aNewAccount_refusesANameOutsideTheRule_inOneLine_withoutEchoingIt(String given) {
        String name = given.translateEscapes();
        assertThatThrownBy(() -> AccountName.forNewAccount(name))
                .isInstanceOf(ReauthException.InvalidRequest.class)
                .hasMessage(
                        "account name must be 1 to 64 of A-Z a-z 0-9 . _ @ -, and not . or .. (nothing was created)");
    }

    @Test
    void aNewAccount_mayTake64Characters_not65() {
        assertThat(AccountName.forNewAccount("n".repeat(64)).value()).hasSize(64);
        assertThatThrownBy(() -> AccountName.forNewAccount("n".repeat(65)))
                .isInstanceOf(ReauthException.InvalidRequest.class);
    }

    @Test
    void aStoredNameOutsideTheRule_stillNamesItsAccount_andIsReportedAsOutside() {
        AccountName stored = new AccountName("with/slash");

        assertThat(stored.value()).isEqualTo("with/slash");
        assertThat(stored.isWithinNewNameRule()).isFalse();
        assertThat(new AccountName("fine-name").isWithinNewNameRule()).isTrue();
    }
}
