package dev.reauth.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    @Test
    void retryAfterMs_winsOverRetryAfter() {
        assertThat(HttpAuthorizationServer.retryAfter("1500", "30")).contains(Duration.ofMillis(1500));
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
    void anAbsurdWait_isCappedAtAnHour() {
        assertThat(HttpAuthorizationServer.retryAfter(null, "999999")).contains(Duration.ofHours(1));
    }
}
