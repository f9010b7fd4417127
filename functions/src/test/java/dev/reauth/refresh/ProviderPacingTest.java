package dev.reauth.refresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reauth.config.ProviderPacing;
import dev.reauth.config.RefreshSafety;
import dev.reauth.config.RefreshSettings;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.InMemoryBackend;
import dev.reauth.domain.InMemoryLedger;
import dev.reauth.domain.ReauthException;
import dev.reauth.domain.RefreshSpread;
import dev.reauth.oauth.AccountMode;
import dev.reauth.wire.TokenBundle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 18, item 4: due refreshes spread over the first part of the lead window (never its last
 * part), and every provider call inside the stack-wide budget. The arithmetic, over in-memory ports
 * and a clock the test moves.
 */
class ProviderPacingTest {

    private static final Duration LEAD = Duration.ofMinutes(60);
    private static final Duration SCHEDULE = Duration.ofMinutes(5);
    private static final Instant EXPIRES = Instant.parse("2026-12-02T12:00:00Z");

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "acct-" + i).toList();
    }

    @Test
    void spread_startsEveryAccountInsideTheFirstPartOfTheLeadWindow_atAPlaceStableForItsId() {
        Duration spread = Duration.ofMinutes(30);
        Instant due = EXPIRES.minus(LEAD);
        for (String id : ids(1_000)) {
            Instant start = RefreshSpread.startAt(id, EXPIRES, LEAD, spread);
            assertThat(start).isBetween(due, due.plus(spread));
            assertThat(start).isBefore(due.plus(spread));
            assertThat(RefreshSpread.startAt(id, EXPIRES, LEAD, spread)).isEqualTo(start);
        }
        assertThat(RefreshSpread.startAt("acct-1", EXPIRES, LEAD, Duration.ZERO))
                .as("no spread: due as soon as it enters the window")
                .isEqualTo(due);
    }

    @Test
    void spread_of1000AccountsDueTogether_fillsEachFifthOfTheSpreadWithAboutAFifthOfThem() {
        Duration spread = Duration.ofMinutes(30);
        Instant due = EXPIRES.minus(LEAD);
        int[] perSixMinutes = new int[5];
        for (String id : ids(1_000)) {
            long offset = Duration.between(due, RefreshSpread.startAt(id, EXPIRES, LEAD, spread))
                    .toMinutes();
            perSixMinutes[(int) (offset / 6)]++;
        }
        // uniform would be 200 each; a hash that clumped (or no spread) puts far more into one
        assertThat(java.util.Arrays.stream(perSixMinutes).boxed().toList())
                .allSatisfy(count -> assertThat(count).isBetween(150, 250));
    }

    @Test
    void pacing_keepsHalfTheLead_andAtLeastTwoScheduleRuns_free() {
        assertThat(ProviderPacing.keptFree(LEAD, SCHEDULE)).isEqualTo(Duration.ofMinutes(30));
        assertThat(ProviderPacing.keptFree(Duration.ofMinutes(12), SCHEDULE)).isEqualTo(Duration.ofMinutes(10));

        assertThat(settings(new ProviderPacing(5, Duration.ofMinutes(30)))
                        .pacing()
                        .spread())
                .isEqualTo(Duration.ofMinutes(30));
        assertThatThrownBy(() -> settings(new ProviderPacing(5, Duration.ofMinutes(31))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("REFRESH_SPREAD")
                .hasMessageContaining("at most PT30M");
        assertThatThrownBy(() -> new ProviderPacing(-1, Duration.ZERO)).hasMessageContaining("PROVIDER_CALL_BUDGET");
    }

    @Test
    void scheduledRun_takesOnlyTheAccountsWhosePlaceInTheSpreadHasCome() {
        InMemoryBackend backend = new InMemoryBackend();
        InMemoryLedger ledger = new InMemoryLedger(backend);
        Instant now = Instant.now();
        Instant expiresAt = now.plus(Duration.ofMinutes(50)); // 10 minutes into the 60-minute lead window
        for (String id : ids(300)) {
            backend.seed(id, id, AccountMode.MAX, 1);
            ledger.keepAlive(id, bundle(id), expiresAt);
        }
        RefreshSettings settings = settings(new ProviderPacing(0, Duration.ofMinutes(30)));
        long expected = ids(300).stream()
                .filter(id -> !RefreshSpread.startAt(id, expiresAt, LEAD, Duration.ofMinutes(30))
                        .isAfter(now))
                .count();

        ScheduledRefresh.Summary run = new ScheduledRefresh(
                        ledger,
                        service(ledger, backend, settings, ProviderCallPace.unlimited()),
                        settings,
                        Duration.ofSeconds(1),
                        Clock.systemUTC())
                .run(Instant.now().plusSeconds(20));

        // a third of the spread has passed: about a third of the accounts, not all 300 at once
        assertThat(run.due()).isEqualTo(300);
        assertThat(expected).isBetween(70L, 130L);
        assertThat(run.refreshed()).isBetween((int) expected - 2, (int) expected);
        assertThat(backend.redeemedRefreshTokens).hasSize(run.refreshed());
    }

    @Test
    void pace_grantsAtMostTheBudgetInAnySecond_andWaitsForTheNextSecondForTheRest() {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:00.250Z"));
        CountingBudget budget = new CountingBudget(3);
        ProviderCallPace pace = new ProviderCallPace(budget, clock, clock::advance);

        List<Long> grantedInSecond = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            assertThat(pace.await(clock.instant().plusSeconds(60))).isTrue();
            grantedInSecond.add(clock.instant().getEpochSecond());
        }

        Map<Long, Integer> perSecond = new HashMap<>();
        grantedInSecond.forEach(s -> perSecond.merge(s, 1, Integer::sum));
        assertThat(perSecond.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3));
        assertThat(perSecond).hasSize(4); // 3 + 3 + 3 + 1
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-12-02T10:00:03Z"));
    }

    @Test
    void pace_givesUp_whenNoCallIsFreeBeforeTheDeadline_orTheCounterIsUnavailable() {
        MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:00.500Z"));
        CountingBudget budget = new CountingBudget(1);
        ProviderCallPace pace = new ProviderCallPace(budget, clock, clock::advance);
        assertThat(pace.await(clock.instant().plusSeconds(2))).isTrue();
        assertThat(pace.await(clock.instant().plusSeconds(2))).isTrue(); // the next second's
        assertThat(pace.await(clock.instant().plusMillis(900)))
                .as("the next free second is past the deadline")
                .isFalse();

        ProviderCallPace down = new ProviderCallPace(
                second -> {
                    throw new ReauthException.DependencyFailed("The sessions table is unavailable", null);
                },
                clock,
                clock::advance);
        assertThat(down.await(clock.instant().plusSeconds(5))).isFalse();
    }

    @Test
    void refresh_withNoCallFreeInTheBudget_sendsNothingToTheProvider_andIsTriedAgainLater() {
        InMemoryBackend backend = new InMemoryBackend();
        InMemoryLedger ledger = new InMemoryLedger(backend);
        backend.seed("acct-1", "work", AccountMode.MAX, 1);
        ledger.keepAlive("acct-1", bundle("acct-1"), Instant.now().plusSeconds(600));
        RefreshSettings settings = settings(new ProviderPacing(1, Duration.ZERO));
        ProviderCallPace exhausted = new ProviderCallPace(second -> false, Clock.systemUTC(), d -> {});

        RefreshOutcome outcome = service(ledger, backend, settings, exhausted)
                .refresh(new AccountId("acct-1"), OptionalLong.empty(), RefreshService.Trigger.ON_DEMAND);

        assertThat(outcome)
                .isInstanceOfSatisfying(
                        RefreshOutcome.Failed.class, f -> assertThat(f.result()).isEqualTo("provider_call_budget"));
        assertThat(backend.redeemedRefreshTokens).isEmpty();
        assertThat(backend.sealedBundles.get("acct-1").refreshToken()).isEqualTo("rt-acct-1");
    }

    private static RefreshSettings settings(ProviderPacing pacing) {
        return new RefreshSettings(
                "refresh-index",
                1,
                LEAD,
                4,
                Duration.ofMinutes(4),
                Duration.ZERO,
                Duration.ofSeconds(1),
                Optional.empty(),
                SCHEDULE,
                pacing);
    }

    private static RefreshService service(
            InMemoryLedger ledger, InMemoryBackend backend, RefreshSettings settings, ProviderCallPace pace) {
        Clock clock = Clock.systemUTC();
        RefreshSafety safety = RefreshSafety.defaults();
        return new RefreshService(
                ledger,
                backend,
                backend,
                backend,
                backend,
                settings,
                List.of("user:inference"),
                clock,
                Optional.empty(),
                safety,
                new TokenLanding(ledger, backend, Optional.empty(), safety, clock),
                DeathVerdict.immediate(ledger),
                pace);
    }

    private static TokenBundle bundle(String id) {
        return new TokenBundle("at-" + id, "rt-" + id, "Bearer", Optional.of("user:inference"), Optional.empty());
    }

    /** One counter per second, as the DynamoDB item is. */
    private static final class CountingBudget implements ProviderCallBudget {
        private final int limit;
        private final Map<Long, AtomicInteger> taken = new HashMap<>();

        CountingBudget(int limit) {
            this.limit = limit;
        }

        @Override
        public boolean tryTake(long epochSecond) {
            AtomicInteger count = taken.computeIfAbsent(epochSecond, s -> new AtomicInteger());
            if (count.get() >= limit) {
                return false;
            }
            count.incrementAndGet();
            return true;
        }
    }

    /** A clock the pace's sleeps move. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
