package dev.reauth.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokenBundleJsonTest {

    private static final TokenBundle CONSOLE = new TokenBundle(
            "sk-ant-oat01-access",
            "sk-ant-ort01-refresh",
            "Bearer",
            Optional.of("org:create_api_key user:profile user:inference"),
            Optional.of("sk-ant-api03-key"));

    @Test
    void write_isTheLayoutTheFleetReads_fieldByFieldInOrder() {
        String json = new String(TokenBundleJson.write(CONSOLE), StandardCharsets.UTF_8);

        assertThat(json)
                .isEqualTo("{\"access_token\":\"sk-ant-oat01-access\",\"refresh_token\":\"sk-ant-ort01-refresh\","
                        + "\"token_type\":\"Bearer\",\"scope\":\"org:create_api_key user:profile user:inference\","
                        + "\"api_key\":\"sk-ant-api03-key\"}");
    }

    @Test
    void roundTrip_keepsEveryField_withAndWithoutTheOptionalOnes() {
        TokenBundle max = new TokenBundle("a", "r", "bearer", Optional.empty(), Optional.empty());

        assertThat(TokenBundleJson.read(TokenBundleJson.write(CONSOLE))).isEqualTo(CONSOLE);
        assertThat(TokenBundleJson.read(TokenBundleJson.write(max))).isEqualTo(max);
        assertThat(new String(TokenBundleJson.write(max), StandardCharsets.UTF_8))
                .doesNotContain("scope", "api_key");
    }

    @Test
    void roundTrip_keepsCharactersJsonMustEscape() {
        TokenBundle odd = new TokenBundle(
                "a\"b\\c\nd", "r\u00e9\u2603\ud83d\ude00", "Bearer", Optional.of("x\ty"), Optional.empty());

        assertThat(TokenBundleJson.read(TokenBundleJson.write(odd))).isEqualTo(odd);
    }

    @Test
    void read_defaultsTheTokenTypeToBearer() {
        TokenBundle read = TokenBundleJson.read(
                "{\"access_token\":\"a\",\"refresh_token\":\"r\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(read.tokenType()).isEqualTo("Bearer");
        assertThat(read.scope()).isEmpty();
        assertThat(read.apiKey()).isEmpty();
    }

    @Test
    void read_refusesABundleWithoutATokenOrNotJson_withoutQuotingIt() {
        assertThatThrownBy(() ->
                        TokenBundleJson.read("{\"refresh_token\":\"secret-refresh\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access_token")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() ->
                        TokenBundleJson.read("{\"access_token\":\"secret-access\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("refresh_token")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> TokenBundleJson.read("secret-access not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }

    @Test
    void read_refusesATokenThatIsNotAString() {
        assertThatThrownBy(() -> TokenBundleJson.read(
                        "{\"access_token\":42,\"refresh_token\":\"r\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access_token");
    }

    @Test
    void toString_showsNoSecret() {
        assertThat(CONSOLE.toString()).doesNotContain("sk-ant");
    }
}
