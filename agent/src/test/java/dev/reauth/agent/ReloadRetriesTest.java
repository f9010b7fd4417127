package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReloadRetriesTest {

    /** Tasks as the retries scheduled them, run by hand: the waits are recorded, nothing sleeps. */
    final Deque<Runnable> tasks = new ArrayDeque<>();

    final List<Duration> waits = new ArrayList<>();
    final ReloadRetries retries = new ReloadRetries(
            (task, delay) -> {
                tasks.add(task);
                waits.add(delay);
            },
            Duration.ofSeconds(1),
            Duration.ofSeconds(5));

    @Test
    void aFailingReload_isTriedAgainWithDoublingWaits_cappedAtTheLongest_untilItSucceeds() {
        // GIVEN a proxy whose reload fails four times, then succeeds
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        retries.owe(
                "acc-1",
                "work",
                7,
                () -> calls.incrementAndGet() <= 4
                        ? new ProxyReloader.Outcome(false, 503, "refused")
                        : new ProxyReloader.Outcome(true, 200, "reloaded"),
                done::incrementAndGet);

        // WHEN every scheduled retry runs
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }

        // THEN it was tried five times, 1, 2, 4, 5, 5 s apart, and is no longer owed
        assertThat(calls).hasValue(5);
        assertThat(waits)
                .containsExactly(
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(5));
        assertThat(done).hasValue(1);
        assertThat(retries.owes("acc-1")).isFalse();
    }

    @Test
    void aReloadThatThrows_isRetriedLikeAFailure() {
        AtomicInteger calls = new AtomicInteger();
        retries.owe(
                "acc-1",
                "work",
                7,
                () -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("connection reset");
                    }
                    return new ProxyReloader.Outcome(true, 200, "reloaded");
                },
                () -> {});
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }
        assertThat(calls).hasValue(2);
        assertThat(retries.owes("acc-1")).isFalse();
    }

    @Test
    void aNewerWrite_supersedesTheOwedReload_ofAnOlderVersion() {
        // GIVEN a reload of version 7 owed
        AtomicInteger calls = new AtomicInteger();
        retries.owe(
                "acc-1",
                "work",
                7,
                () -> {
                    calls.incrementAndGet();
                    return new ProxyReloader.Outcome(false, 0, "unreachable");
                },
                () -> {});

        // WHEN version 8 is written (and reloaded with its own write)
        retries.settled("acc-1", 8);
        while (!tasks.isEmpty()) {
            tasks.poll().run();
        }

        // THEN the owed retry of 7 does not run
        assertThat(calls).hasValue(0);
        assertThat(retries.owes("acc-1")).isFalse();
    }

    @Test
    void settlingAnOlderVersion_leavesANewerOwedReload() {
        retries.owe("acc-1", "work", 9, () -> new ProxyReloader.Outcome(true, 200, "ok"), () -> {});
        retries.settled("acc-1", 8);
        assertThat(retries.owes("acc-1")).isTrue();
    }
}
