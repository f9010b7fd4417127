package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderHostsTest {

    private static final URI DEPLOYED = URI.create("https://abc123.execute-api.eu-west-1.amazonaws.com");
    private static final URI LOCAL = URI.create("http://127.0.0.1:8787");

    @Test
    void anthropicPresetHosts_areOpened_overHttps() {
        ProviderHosts hosts = ProviderHosts.forApi(DEPLOYED, Map.of());
        for (String url : new String[] {
            "https://claude.ai/oauth/authorize?state=s",
            "https://claude.com/cai/oauth/authorize",
            "https://console.anthropic.com/oauth/authorize",
            "https://platform.claude.com/oauth/authorize"
        }) {
            assertThat(hosts.check(url)).isEqualTo(URI.create(url));
        }
    }

    @Test
    void otherHosts_lookalikes_plainHttp_andUserInfo_areRefused() {
        ProviderHosts hosts = ProviderHosts.forApi(DEPLOYED, Map.of());
        for (String url : new String[] {
            "https://claude.ai.evil.example/oauth/authorize",
            "https://evil.example/claude.ai",
            "http://claude.ai/oauth/authorize",
            "https://claude.ai@evil.example/",
            "javascript:alert(1)",
            "http://127.0.0.1:9999/authorize",
            "not a url"
        }) {
            assertThatThrownBy(() -> hosts.check(url))
                    .as(url)
                    .isInstanceOfSatisfying(
                            CliFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCode.SERVER_ERROR));
        }
        assertThatThrownBy(() -> hosts.check("https://login.evil.example/authorize"))
                .hasMessageContaining("login.evil.example, which is not a provider host")
                .hasMessageContaining("REAUTH_PROVIDER_HOSTS");
    }

    @Test
    void loopbackProvider_isOpened_onlyWhileTheApiIsOnLoopback() {
        assertThat(ProviderHosts.forApi(LOCAL, Map.of()).check("http://127.0.0.1:41234/default/authorize?state=s"))
                .hasHost("127.0.0.1");
        assertThat(ProviderHosts.forApi(LOCAL, Map.of()).check("https://claude.ai/oauth/authorize"))
                .hasHost("claude.ai");
        assertThatThrownBy(() -> ProviderHosts.forApi(DEPLOYED, Map.of()).check("http://localhost:41234/authorize"))
                .isInstanceOf(CliFailure.class);
    }

    @Test
    void providerHostsVariable_addsExactHosts() {
        ProviderHosts hosts =
                ProviderHosts.forApi(DEPLOYED, Map.of("REAUTH_PROVIDER_HOSTS", " login.example.org, SSO.Example.net "));

        assertThat(hosts.check("https://login.example.org/authorize")).hasHost("login.example.org");
        assertThat(hosts.check("https://sso.example.net/authorize")).hasHost("sso.example.net");
        assertThatThrownBy(() -> hosts.check("https://evil.login.example.org/authorize"))
                .isInstanceOf(CliFailure.class);
        assertThatThrownBy(() -> hosts.check("http://login.example.org/authorize"))
                .isInstanceOf(CliFailure.class);
    }
}
