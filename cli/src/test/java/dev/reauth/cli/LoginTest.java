package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoginTest {

    @Test
    void pastedCode_withThisLoginsState_isSentAsPasted() {
        assertThat(Login.forThisLogin("abc#s1", Optional.of("s1"))).contains("abc#s1");
    }

    @Test
    void pastedCode_withAnotherLoginsState_isNotSent() {
        assertThat(Login.forThisLogin("abc#s0", Optional.of("s1"))).isEmpty();
        assertThat(Login.forThisLogin("abc#", Optional.of("s1"))).isEmpty();
    }

    @Test
    void aCodeAlone_isCompletedWithThisLoginsState() {
        assertThat(Login.forThisLogin("abc", Optional.of("s1"))).contains("abc#s1");
    }

    @Test
    void stateIsReadFromTheAuthorizationUrl_decoded() {
        URI url = URI.create("https://claude.ai/oauth/authorize?code=true&client_id=c&state=a%2Bb-_c&scope=x");
        assertThat(Login.queryParameter(url, "state")).contains("a+b-_c");
        assertThat(Login.queryParameter(URI.create("https://claude.ai/oauth/authorize?code=true"), "state"))
                .isEmpty();
    }
}
