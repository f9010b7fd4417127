package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    @TempDir
    Path dir;

    Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(
                Map.of("HOME", dir.toString(), "ACCOUNTS_TABLE", "accounts", "AGENT_QUEUE_URL", "http://127.0.0.1/q"));
        env.putAll(extra);
        return env;
    }

    @Test
    void aKeyFileWithTwoLines_failsAtStart_namingTheFileNotTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("admin-key"), "btr-first-secret\nbtr-second-secret\n");
        assertThatThrownBy(() -> AgentConfig.from(env(Map.of("BETTER_CCFLARE_API_KEY_FILE", file.toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("BETTER_CCFLARE_API_KEY_FILE " + file)
                .hasMessageContaining("one API key and nothing else")
                .hasMessageNotContaining("btr-");
    }

    @Test
    void anEmptyOrMissingKeyFile_failsAtStart_withWhatIsWrong() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty-key"), "  \n");
        assertThatThrownBy(() -> AgentConfig.from(env(Map.of("BETTER_CCFLARE_API_KEY_FILE", empty.toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is empty");
        Path missing = dir.resolve("no-such-key");
        assertThatThrownBy(() -> AgentConfig.from(env(Map.of("BETTER_CCFLARE_API_KEY_FILE", missing.toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is unreadable");
    }

    @Test
    void aKeyFileWithOneKeyAndANewline_isRead_stripped() throws Exception {
        Path file = Files.writeString(dir.resolve("admin-key"), "btr-abc123\n");
        AgentConfig config = AgentConfig.from(env(Map.of("BETTER_CCFLARE_API_KEY_FILE", file.toString())));
        assertThat(config.adminApiKey()).contains("btr-abc123");
    }

    @Test
    void aStackLeadNotAboveBetterCcflaresWindow_isWarnedAbout_andALongerOneIsNot() {
        assertThat(AgentConfig.from(env(Map.of("REAUTH_REFRESH_LEAD", "PT30M"))).leadWarning())
                .hasValueSatisfying(warning ->
                        assertThat(warning).contains("PT30M").contains("above better-ccflare's own refresh window"));
        assertThat(AgentConfig.from(env(Map.of("REAUTH_REFRESH_LEAD", "PT10M"))).leadWarning())
                .isPresent();
        assertThat(AgentConfig.from(env(Map.of("REAUTH_REFRESH_LEAD", "PT45M"))).leadWarning())
                .isEmpty();
        assertThat(AgentConfig.from(env(Map.of())).stackRefreshLead()).isEmpty();
        assertThat(AgentConfig.from(env(Map.of())).watchPoll()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aMalformedLead_failsAtStart_namingTheVariable() {
        assertThatThrownBy(() -> AgentConfig.from(env(Map.of("REAUTH_REFRESH_LEAD", "45 minutes"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REAUTH_REFRESH_LEAD");
    }
}
