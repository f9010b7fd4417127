package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ApiEndpointTest {

    private final List<String> stacksRead = new ArrayList<>();
    private final Function<String, URI> stacks = name -> {
        stacksRead.add(name);
        return URI.create("https://" + name + ".execute-api.eu-west-1.amazonaws.com");
    };
    private final Map<String, String> env =
            Map.of("REAUTH_API_URL", "https://from-env.example.com", "REAUTH_STACK", "env-stack");

    @Test
    void flags_beatTheEnvironment() {
        assertThat(ApiEndpoint.resolve("https://flag.example.com", null, env, stacks))
                .isEqualTo(new ApiEndpoint.Api(URI.create("https://flag.example.com"), "--api-url"));
        assertThat(ApiEndpoint.resolve(null, "prod", env, stacks))
                .isEqualTo(new ApiEndpoint.Api(
                        URI.create("https://prod.execute-api.eu-west-1.amazonaws.com"), "--stack prod"));
        assertThat(stacksRead).containsExactly("prod");
    }

    @Test
    void withoutFlags_theApiUrlVariableBeatsTheStackVariable_andTheLocalRunIsTheDefault() {
        assertThat(ApiEndpoint.resolve(null, null, env, stacks).source()).isEqualTo("$REAUTH_API_URL");
        assertThat(ApiEndpoint.resolve(null, null, Map.of("REAUTH_STACK", "s1"), stacks))
                .isEqualTo(new ApiEndpoint.Api(
                        URI.create("https://s1.execute-api.eu-west-1.amazonaws.com"), "$REAUTH_STACK=s1"));
        assertThat(ApiEndpoint.resolve(null, null, Map.of(), stacks).uri()).isEqualTo(ApiEndpoint.LOCAL_RUN);
    }

    @Test
    void plainHttp_isRefusedForAHostThatIsNotLoopback_withTheUsageExitCode() {
        for (String url : new String[] {
            "http://api.example.com", "http://localhost.evil.example:8787", "http://10.0.0.8:8787", "http://128.0.0.1"
        }) {
            assertThatThrownBy(() -> ApiEndpoint.resolve(url, null, Map.of(), stacks))
                    .as(url)
                    .isInstanceOfSatisfying(
                            CliFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("must be https://");
        }
        for (String url : new String[] {
            "http://127.0.0.1:8787", "http://127.0.0.2:9", "http://localhost:8787", "http://[::1]:8787"
        }) {
            assertThat(ApiEndpoint.resolve(url, null, Map.of(), stacks).uri())
                    .as(url)
                    .isEqualTo(URI.create(url));
        }
    }

    @Test
    void notAUrl_isAUsageError() {
        for (String url : new String[] {"api.example.com", "ftp://api.example.com", "https://"}) {
            assertThatThrownBy(() -> ApiEndpoint.resolve(url, null, Map.of(), stacks))
                    .as(url)
                    .isInstanceOfSatisfying(
                            CliFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCode.USAGE));
        }
    }
}
