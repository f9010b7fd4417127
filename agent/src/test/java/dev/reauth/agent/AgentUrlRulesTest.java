package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The agent sends the proxy's admin key and tokens over these URLs: https, or plain http to this machine only. */
class AgentUrlRulesTest {

    @ParameterizedTest
    @CsvSource({
        "REAUTH_API_URL, http://reauth.example.com",
        "BETTER_CCFLARE_URL, http://proxy.internal:8080",
        "BETTER_CCFLARE_URL, http://127.0.0.1.evil.example:8080"
    })
    void aPlainHttpUrl_toAnotherHost_isRefusedAtStartUp(String name, String value) {
        assertThatThrownBy(() -> AgentConfig.from(env(name, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(name + " must be an https URL (plain http only to a loopback host)");
    }

    @ParameterizedTest
    @CsvSource({"http://127.0.0.1:8080", "http://localhost:8080", "https://proxy.internal"})
    void httpsOrLoopback_isAllowed(String value) {
        assertThat(AgentConfig.from(env("BETTER_CCFLARE_URL", value)).betterCcflareUrl())
                .isEqualTo(URI.create(value));
    }

    private static Map<String, String> env(String name, String value) {
        Map<String, String> env = new HashMap<>();
        env.put("ACCOUNTS_TABLE", "accounts");
        env.put("AGENT_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/agent");
        env.put("HOME", "/tmp");
        env.put(name, value);
        return env;
    }
}
