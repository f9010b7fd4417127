package dev.reauth.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.domain.ReauthException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An adoption's AWS step waits out a short blip, and nothing else. */
class DependencyRetryTest {

    final List<Duration> pauses = new ArrayList<>();
    int calls;

    DependencyRetry retry() {
        return new DependencyRetry(4, Duration.ofMillis(200), pauses::add);
    }

    String failingTimes(int failures) {
        calls++;
        if (calls <= failures) {
            throw new ReauthException.DependencyFailed("KMS unavailable", null);
        }
        return "sealed";
    }

    @Test
    void call_retriesADependencyFailure_withDoublingPauses() {
        assertThat(retry().call("seal", () -> failingTimes(3))).isEqualTo("sealed");
        assertThat(calls).isEqualTo(4);
        assertThat(pauses).containsExactly(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
    }

    @Test
    void call_givesTheFailureToTheCaller_afterItsAttempts() {
        assertThatThrownBy(() -> retry().call("seal", () -> failingTimes(4)))
                .isInstanceOf(ReauthException.DependencyFailed.class);
        assertThat(calls).isEqualTo(4);
    }

    @Test
    void call_doesNotRetry_otherFailures() {
        assertThatThrownBy(() -> retry().call("read", () -> {
                    calls++;
                    throw new ReauthException.AccountNotFound("no account");
                }))
                .isInstanceOf(ReauthException.AccountNotFound.class);
        assertThat(calls).isEqualTo(1);
        assertThat(pauses).isEmpty();
    }
}
