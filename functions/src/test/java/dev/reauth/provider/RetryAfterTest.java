package dev.reauth.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void retryAfterMs_winsOverRetryAfter() {
        assertThat(HttpAuthorizationServer.retryAfter("7500", "30")).contains(Duration.ofMillis(7500));
    }

    @Test
    void retryAfter_inSeconds_isRead() {
        assertThat(HttpAuthorizationServer.retryAfter(null, "30")).contains(Duration.ofSeconds(30));
    }

    @Test
    void anHttpDate_garbage_orNothing_isNoHint() {
        assertThat(HttpAuthorizationServer.retryAfter(null, "Fri, 27 Nov 2026 12:00:00 GMT"))
                .isEmpty();
        assertThat(HttpAuthorizationServer.retryAfter("soon", null)).isEmpty();
        assertThat(HttpAuthorizationServer.retryAfter(null, null)).isEmpty();
        assertThat(HttpAuthorizationServer.retryAfter(null, "-5")).isEmpty();
    }

    @Test
    void aLongWait_isClampedToFiveMinutes() {
        assertThat(HttpAuthorizationServer.retryAfter(null, "999999")).contains(Duration.ofMinutes(5));
        assertThat(HttpAuthorizationServer.retryAfter("300001", null)).contains(Duration.ofMinutes(5));
        assertThat(HttpAuthorizationServer.retryAfter(null, "99999999999999999"))
                .contains(Duration.ofMinutes(5));
        assertThat(HttpAuthorizationServer.retryAfter(null, "300")).contains(Duration.ofMinutes(5));
    }

    @Test
    void aShortWait_isRaisedToFiveSeconds() {
        assertThat(HttpAuthorizationServer.retryAfter(null, "0")).contains(Duration.ofSeconds(5));
        assertThat(HttpAuthorizationServer.retryAfter("1500", null)).contains(Duration.ofSeconds(5));
        assertThat(HttpAuthorizationServer.retryAfter(null, "20")).contains(Duration.ofSeconds(20));
    }
}
