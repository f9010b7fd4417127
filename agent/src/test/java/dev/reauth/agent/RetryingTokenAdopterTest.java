package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent hands a proxy's own tokens over again while reauth fails transiently, and only then. */
class RetryingTokenAdopterTest {

    static final ProxyCredentials TOKENS =
            new ProxyCredentials("access", "refresh", 1_000L, java.util.Optional.empty());

    /** A clock the pauses move forward. */
    static final class HandClock extends Clock {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final HandClock clock = new HandClock();
    final List<Duration> pauses = new ArrayList<>();
    final Deque<TokenAdopter.Outcome> answers = new ArrayDeque<>();
    int calls;

    RetryingTokenAdopter adopter(Duration budget) {
        TokenAdopter reauth = (id, base, tokens) -> {
            calls++;
            return answers.isEmpty() ? new TokenAdopter.Outcome.Failed("HTTP 503", true) : answers.poll();
        };
        return new RetryingTokenAdopter(reauth, Duration.ofMillis(250), Duration.ofSeconds(2), budget, clock, pause -> {
            pauses.add(pause);
            clock.now = clock.now.plus(pause);
        });
    }

    @Test
    void adopt_retriesTransientFailures_untilReauthAdopts() {
        answers.add(new TokenAdopter.Outcome.Failed("HTTP 503 dependency_unavailable", true));
        answers.add(new TokenAdopter.Outcome.Failed("unreachable: ConnectException", true));
        answers.add(new TokenAdopter.Outcome.Failed("HTTP 500", true));
        answers.add(new TokenAdopter.Outcome.Adopted(9));

        TokenAdopter.Outcome outcome = adopter(Duration.ofMinutes(2)).adopt("acc-1", 8, TOKENS);

        assertThat(outcome).isEqualTo(new TokenAdopter.Outcome.Adopted(9));
        assertThat(calls).isEqualTo(4);
        assertThat(pauses).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1));
    }

    @Test
    void adopt_pausesDoubleUpToTheLongest_andStopAfterTheBudget() {
        TokenAdopter.Outcome outcome = adopter(Duration.ofSeconds(10)).adopt("acc-1", 8, TOKENS);

        assertThat(outcome).isInstanceOf(TokenAdopter.Outcome.Failed.class);
        // 0.25 + 0.5 + 1 + 2 + 2 + 2 + 2 = 9.75 s; one more 2 s pause would pass the 10 s budget
        assertThat(pauses)
                .containsExactly(
                        Duration.ofMillis(250),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2));
        assertThat(calls).isEqualTo(8);
    }

    @Test
    void adopt_doesNotRetry_aConflictOrARefusalThatTryingAgainCannotChange() {
        answers.add(new TokenAdopter.Outcome.Conflict());
        assertThat(adopter(Duration.ofMinutes(2)).adopt("acc-1", 8, TOKENS))
                .isInstanceOf(TokenAdopter.Outcome.Conflict.class);
        answers.add(new TokenAdopter.Outcome.Failed("HTTP 403 forbidden"));
        assertThat(adopter(Duration.ofMinutes(2)).adopt("acc-1", 8, TOKENS))
                .isEqualTo(new TokenAdopter.Outcome.Failed("HTTP 403 forbidden", false));

        assertThat(calls).isEqualTo(2);
        assertThat(pauses).isEmpty();
    }

    @Test
    void adopt_withNoBudget_triesOnce() {
        assertThat(adopter(Duration.ZERO).adopt("acc-1", 8, TOKENS)).isInstanceOf(TokenAdopter.Outcome.Failed.class);
        assertThat(calls).isEqualTo(1);
    }

    @Test
    void construction_refusesAFirstPauseLongerThanTheLongest() {
        assertThatThrownBy(() -> new RetryingTokenAdopter(
                        TokenAdopter.NONE,
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(2),
                        Duration.ofMinutes(1),
                        clock,
                        pause -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
