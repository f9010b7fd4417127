package dev.reauth.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderConfigTest {

    private static final CodeVerifier VERIFIER = new CodeVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    private static final OAuthState STATE = new OAuthState("s7aTe-value_0123456789abcdefABCDEF");

    @Test
    void maxAccountUrl_matchesAnthropicOauthMdExactly() {
        String url = ProviderConfig.anthropic().authorizationUrl(AccountMode.MAX, VERIFIER, STATE);

        assertThat(url)
                .isEqualTo("https://claude.com/cai/oauth/authorize"
                        + "?code=true"
                        + "&client_id=9d1c250a-e61b-44d9-88ed-5944d1962f5e"
                        + "&response_type=code"
                        + "&redirect_uri=https%3A%2F%2Fplatform.claude.com%2Foauth%2Fcode%2Fcallback"
                        + "&scope=org%3Acreate_api_key+user%3Aprofile+user%3Ainference+user%3Asessions%3Aclaude_code"
                        + "+user%3Amcp_servers+user%3Afile_upload+user%3Aplugins"
                        + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
                        + "&code_challenge_method=S256"
                        + "&state=s7aTe-value_0123456789abcdefABCDEF");
    }

    @Test
    void consoleAccountUrl_usesTheConsoleAuthorizeEndpoint_withTheSameQuery() {
        ProviderConfig preset = ProviderConfig.anthropic();
        String max = preset.authorizationUrl(AccountMode.MAX, VERIFIER, STATE);
        String console = preset.authorizationUrl(AccountMode.CONSOLE, VERIFIER, STATE);

        assertThat(console).isEqualTo("https://platform.claude.com/oauth/authorize" + max.substring(max.indexOf('?')));
    }

    @Test
    void everyValueDecodesBackExactlyOnce_soNothingIsDoubleEncoded() {
        String url = ProviderConfig.anthropic().authorizationUrl(AccountMode.MAX, VERIFIER, STATE);
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        assertThat(query.keySet())
                .containsExactly(
                        "code",
                        "client_id",
                        "response_type",
                        "redirect_uri",
                        "scope",
                        "code_challenge",
                        "code_challenge_method",
                        "state");
        assertThat(query.get("redirect_uri")).isEqualTo("https://platform.claude.com/oauth/code/callback");
        assertThat(query.get("scope"))
                .isEqualTo("org:create_api_key user:profile user:inference user:sessions:claude_code"
                        + " user:mcp_servers user:file_upload user:plugins");
    }

    @Test
    void presetWithoutLeadingParams_startsWithClientId() {
        ProviderConfig a = ProviderConfig.anthropic();
        ProviderConfig plain = new ProviderConfig(
                a.clientId(),
                URI.create("http://127.0.0.1:9/default/authorize"),
                a.authorizeUrlConsole(),
                a.tokenUrl(),
                "http://127.0.0.1/cb",
                a.scopes(),
                TokenRequestFormat.FORM,
                a.apiKeyUrl(),
                Map.of());
        assertThat(plain.authorizationUrl(AccountMode.MAX, VERIFIER, STATE))
                .startsWith("http://127.0.0.1:9/default/authorize?client_id=");
    }

    @org.junit.jupiter.api.Test
    void aCustomExpiresIn_isAskedForOnlyWithinAYear_andOnlyForTheScopesThatAllowIt() {
        java.util.Optional<java.time.Duration> year = java.util.Optional.of(java.time.Duration.ofDays(365));
        assertThat(ProviderConfig.customExpiresIn(year, java.util.List.of("user:inference", "user:profile")))
                .contains(31_536_000L);
        assertThat(ProviderConfig.customExpiresIn(year, java.util.List.of("user:inference", "org:create_api_key")))
                .isEmpty();
        assertThat(ProviderConfig.customExpiresIn(year, java.util.List.of())).isEmpty();
        assertThat(ProviderConfig.customExpiresIn(
                        java.util.Optional.of(java.time.Duration.ofDays(366)), java.util.List.of("user:inference")))
                .isEmpty();
        assertThat(ProviderConfig.customExpiresIn(java.util.Optional.empty(), java.util.List.of("user:inference")))
                .isEmpty();
    }
}
