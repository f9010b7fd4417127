package dev.reauth.refresh;

import dev.reauth.config.RefreshSettings;
import dev.reauth.domain.AccountId;
import dev.reauth.domain.Alert;
import dev.reauth.domain.RefreshSpread;
import dev.reauth.log.StructuredLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One run of the schedule: find the accounts whose access token expires within the lead window
 * (one query per index bucket, never a scan), take those whose place in the spread has come,
 * refresh them with bounded concurrency (each provider call within the stack-wide budget), pause every
 * provider call while the provider asks to slow down, and stop taking new work when a refresh could
 * no longer finish before the deadline (its provider calls plus the fewest AWS calls that land the
 * answer), so the function never times out mid-refresh. What is left waits for the next run. Every
 * run first lands rescued tokens, and ends with a heartbeat metric whose absence alarms.
 */
public final class ScheduledRefresh {

    private static final StructuredLog LOG = StructuredLog.of(ScheduledRefresh.class);

    /** What a run did, also emitted as metrics. */
    public record Summary(
            int due,
            int refreshed,
            int current,
            int failed,
            int dead,
            int throttled,
            int leftForNextRun,
            List<Long> latenciesMillis,
            int rescueLanded,
            int rescuePending)
            implements RefreshMetrics.RunSummary {

        public Summary(
                int due,
                int refreshed,
                int current,
                int failed,
                int dead,
                int throttled,
                int leftForNextRun,
                List<Long> latenciesMillis) {
            this(due, refreshed, current, failed, dead, throttled, leftForNextRun, latenciesMillis, 0, 0);
        }
    }

    private final RefreshLedger ledger;
    private final RefreshService service;
    private final RefreshSettings settings;
    private final Duration perRefreshBudget;
    private final Clock clock;
    private final Optional<RescueDrain> rescues;
    private final Duration functionTimeout;

    public ScheduledRefresh(
            RefreshLedger ledger,
            RefreshService service,
            RefreshSettings settings,
            Duration perRefreshBudget,
            Clock clock) {
        this(ledger, service, settings, perRefreshBudget, clock, Optional.empty(), Duration.ofSeconds(30));
    }

    /**
     * @param perRefreshBudget the longest one refresh can take (provider timeout plus AWS calls): no new
     *                         refresh starts later than this before the deadline
     * @param rescues          lands rescued tokens first, before any claim (none: no rescue queue)
     * @param functionTimeout  how long a run gets where no Lambda context says
     */
    public ScheduledRefresh(
            RefreshLedger ledger,
            RefreshService service,
            RefreshSettings settings,
            Duration perRefreshBudget,
            Clock clock,
            Optional<RescueDrain> rescues,
            Duration functionTimeout) {
        this.rescues = rescues;
        this.functionTimeout = functionTimeout;
        this.ledger = ledger;
        this.service = service;
        this.settings = settings;
        this.perRefreshBudget = perRefreshBudget;
        this.clock = clock;
    }

    /** How long a run gets outside Lambda, where no context says: the function's configured timeout. */
    public Duration functionTimeout() {
        return functionTimeout;
    }

    /** Runs once; returns by {@code deadline}. */
    public Summary run(Instant deadline) {
        Instant started = clock.instant();
        // rescued tokens land before any provider call: an account with a pending rescue must not be
        // refreshed with the spent refresh token still stored
        RescueDrain.Drained drained = rescues.map(RescueDrain::drain).orElse(RescueDrain.Drained.NOTHING);
        Optional<Instant> drainedAt = Optional.of(started);
        List<DueAccount> due = ledger.findDue(started.plus(settings.lead()));
        alertStale(due, started);
        List<DueAccount> work = due.stream()
                .filter(account -> account.isActionableAt(started))
                // its newest tokens wait in the rescue queue (KMS or DynamoDB still refused them): the stored
                // refresh token is spent, and presenting it would kill the account; the next run lands them
                .filter(account -> !drained.pendingAccounts().contains(account.id()))
                .filter(account -> isSpreadDue(account, started))
                .sorted(Comparator.comparing(DueAccount::expiresAt))
                .toList();

        AtomicInteger refreshed = new AtomicInteger();
        AtomicInteger current = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger dead = new AtomicInteger();
        AtomicInteger throttled = new AtomicInteger();
        AtomicInteger rescued = new AtomicInteger();
        AtomicReference<Instant> pausedUntil = new AtomicReference<>(Instant.MIN);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        Instant lastStart = deadline.minus(perRefreshBudget);
        Semaphore slots = new Semaphore(settings.concurrency());
        int taken = 0;
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (DueAccount account : work) {
                if (!acquire(slots, lastStart) || !waitOutPause(pausedUntil, lastStart)) {
                    break;
                }
                taken++;
                workers.submit(() -> {
                    long t0 = System.nanoTime();
                    try {
                        RefreshOutcome outcome = service.refresh(
                                new AccountId(account.id()),
                                OptionalLong.of(account.tokenVersion()),
                                RefreshService.Trigger.SCHEDULED,
                                deadline,
                                drainedAt);
                        switch (outcome) {
                            case RefreshOutcome.Refreshed r -> refreshed.incrementAndGet();
                            case RefreshOutcome.Current c -> current.incrementAndGet();
                            case RefreshOutcome.InFlight i -> current.incrementAndGet();
                            case RefreshOutcome.Dead d -> dead.incrementAndGet();
                            case RefreshOutcome.Failed f -> {
                                failed.incrementAndGet();
                                if (RefreshService.TOKENS_RESCUED.equals(f.result())) {
                                    rescued.incrementAndGet();
                                }
                            }
                            case RefreshOutcome.Throttled t -> {
                                throttled.incrementAndGet();
                                Instant until = clock.instant().plus(t.retryAfter());
                                pausedUntil.accumulateAndGet(until, (a, b) -> a.isAfter(b) ? a : b);
                            }
                        }
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                        LOG.error("refresh.unexpected_failure", e, "accountId", account.id());
                    } finally {
                        latencies.add((System.nanoTime() - t0) / 1_000_000);
                        slots.release();
                    }
                });
            }
            workers.shutdown();
            awaitUntil(workers, deadline);
        }
        Summary summary = new Summary(
                due.size(),
                refreshed.get(),
                current.get(),
                failed.get(),
                dead.get(),
                throttled.get(),
                work.size() - taken,
                List.copyOf(latencies),
                drained.landed(),
                // the rescues still waiting as the run ends: those its drain left, and those it deposited
                drained.pending() + rescued.get());
        LOG.info(
                "refresh.run_finished",
                "due",
                summary.due(),
                "refreshed",
                summary.refreshed(),
                "failed",
                summary.failed(),
                "dead",
                summary.dead(),
                "leftForNextRun",
                summary.leftForNextRun(),
                "rescueLanded",
                summary.rescueLanded(),
                "rescuePending",
                summary.rescuePending(),
                "millis",
                Duration.between(started, clock.instant()).toMillis());
        RefreshMetrics.emit(clock.instant(), summary);
        return summary;
    }

    /**
     * Whether the account's place in the spread has come: accounts due together start spread over the
     * first part of the lead window (REFRESH_SPREAD), never in its last part, which stays free for
     * retries before the access token expires.
     */
    private boolean isSpreadDue(DueAccount account, Instant now) {
        return !RefreshSpread.startAt(
                        account.id(),
                        account.expiresAt(),
                        settings.lead(),
                        settings.pacing().spread())
                .isAfter(now);
    }

    /** Tells a person once when an account has been due for two lead windows without a successful refresh. */
    private void alertStale(List<DueAccount> due, Instant now) {
        for (DueAccount account : due) {
            Instant staleAt = account.expiresAt().plus(settings.lead());
            if (!now.isBefore(staleAt) && !account.alertsSent().contains(Alert.Kind.STALE.wire())) {
                service.alert(Alert.stale(
                        account.id(),
                        account.name(),
                        account.expiresAt().minus(settings.lead()),
                        now,
                        account.expiresAt()));
            }
        }
    }

    private boolean acquire(Semaphore slots, Instant lastStart) {
        try {
            long wait = Duration.between(clock.instant(), lastStart).toMillis();
            return wait > 0
                    && slots.tryAcquire(wait, TimeUnit.MILLISECONDS)
                    && clock.instant().isBefore(lastStart);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** While the provider asked to slow down, no new refresh starts; false when the pause outlasts the run. */
    private boolean waitOutPause(AtomicReference<Instant> pausedUntil, Instant lastStart) {
        Instant until = pausedUntil.get();
        if (!until.isAfter(clock.instant())) {
            return true;
        }
        if (!until.isBefore(lastStart)) {
            return false;
        }
        try {
            Thread.sleep(Duration.between(clock.instant(), until));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits for the refreshes in flight. None is interrupted: each one bounds itself (provider timeout,
     * landing deadline), and one that holds a provider's answer must be left to land or rescue it.
     */
    private void awaitUntil(ExecutorService workers, Instant deadline) {
        try {
            long wait = Math.max(0, Duration.between(clock.instant(), deadline).toMillis());
            if (!workers.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                LOG.warn("refresh.run_deadline_reached_waiting_for_refreshes_in_flight");
                // the executor's close() waits for them
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
