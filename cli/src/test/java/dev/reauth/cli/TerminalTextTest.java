package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TerminalTextTest {

    @Test
    void clean_removesAnsiColoursCursorMovesAndWindowTitles() {
        assertThat(TerminalText.clean("\u001b[31mred\u001b[0m")).isEqualTo("red");
        assertThat(TerminalText.clean("ok\u001b[2K\u001b[1Ahidden")).isEqualTo("okhidden");
        assertThat(TerminalText.clean("\u001b]0;pwned\u0007title")).isEqualTo("title");
        assertThat(TerminalText.clean("\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\"))
                .isEqualTo("link");
        assertThat(TerminalText.clean("a\u009b31mb")).isEqualTo("ab");
    }

    @Test
    void clean_removesControlAndBidiCharacters_butKeepsOrdinaryText() {
        assertThat(TerminalText.clean("bell\u0007 back\bspace\u0000 del\u007f")).isEqualTo("bell backspace del");
        assertThat(TerminalText.clean("line\nbreak\r\ttab")).isEqualTo("line break  tab");
        assertThat(TerminalText.clean("admin\u202Etxt.exe")).isEqualTo("admintxt.exe");
        assertThat(TerminalText.clean("Account 'work' (ops@exämple.com) — ok ✓"))
                .isEqualTo("Account 'work' (ops@exämple.com) — ok ✓");
    }

    @Test
    void cleanJson_cleansEveryStringValue_atAnyDepth() throws Exception {
        var json = new ObjectMapper()
                .readTree("{\"message\":\"\\u001b[2Jdone\",\"accounts\":[{\"name\":\"a\\u001b[8mb\","
                        + "\"identity\":{\"email\":\"x\\u0007@y\"},\"tokenVersion\":3}]}");

        var clean = TerminalText.clean(json);

        assertThat(clean.path("message").asText()).isEqualTo("done");
        assertThat(clean.path("accounts").get(0).path("name").asText()).isEqualTo("ab");
        assertThat(clean.path("accounts").get(0).path("identity").path("email").asText())
                .isEqualTo("x@y");
        assertThat(clean.path("accounts").get(0).path("tokenVersion").asLong()).isEqualTo(3);
    }
}
