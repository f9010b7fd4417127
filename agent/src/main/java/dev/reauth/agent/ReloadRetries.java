package dev.reauth.agent;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reloads that failed after the agent wrote the tokens, tried again until the proxy takes them: the
 * first retry after {@code first}, each later one after twice the wait before, at most {@code max}.
 * A newer write of the same account supersedes a pending retry (its own reload covers it).
 */
public final class ReloadRetries implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ReloadRetries.class.getName());

    /** Runs a task after a delay (a scheduled executor in production, a hand-driven queue in tests). */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, Duration delay);
    }

    private final Scheduler scheduler;
    private final Duration first;
    private final Duration max;
    private final ScheduledExecutorService owned;
    /** account id to the token_version whose reload is still owed */
    private final Map<String, Long> owed = new ConcurrentHashMap<>();

    public ReloadRetries(Scheduler scheduler, Duration first, Duration max) {
        this(scheduler, first, max, null);
    }

    private ReloadRetries(Scheduler scheduler, Duration first, Duration max, ScheduledExecutorService owned) {
        if (first.isZero() || first.isNegative() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("reload retry waits must be positive, the first at most the longest");
        }
        this.scheduler = scheduler;
        this.first = first;
        this.max = max;
        this.owned = owned;
    }

    /** Retries on a daemon thread of its own. */
    public static ReloadRetries onOwnThread(Duration first, Duration max) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("reauth-agent-reload-retry").unstarted(r));
        return new ReloadRetries(
                (task, delay) -> executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS),
                first,
                max,
                executor);
    }

    /**
     * The reload of {@code version} failed after its write: try {@code reload} again until it succeeds or a
     * newer write supersedes it.
     */
    public void owe(
            String accountId, String name, long version, Supplier<ProxyReloader.Outcome> reload, Runnable done) {
        owed.put(accountId, version);
        schedule(accountId, name, version, reload, done, 1, first);
    }

    /** A later write of the account reloaded (or is reloading) on its own: nothing older is owed. */
    public void settled(String accountId, long version) {
        owed.computeIfPresent(accountId, (id, pending) -> pending <= version ? null : pending);
    }

    /** Whether a reload of this account is still owed (for tests and status). */
    public boolean owes(String accountId) {
        return owed.containsKey(accountId);
    }

    private void schedule(
            String accountId,
            String name,
            long version,
            Supplier<ProxyReloader.Outcome> reload,
            Runnable done,
            int attempt,
            Duration wait) {
        scheduler.schedule(() -> attempt(accountId, name, version, reload, done, attempt, wait), wait);
    }

    private void attempt(
            String accountId,
            String name,
            long version,
            Supplier<ProxyReloader.Outcome> reload,
            Runnable done,
            int attempt,
            Duration wait) {
        Long pending = owed.get(accountId);
        if (pending == null || pending != version) {
            return; // superseded by a newer write, or settled
        }
        ProxyReloader.Outcome outcome;
        try {
            outcome = reload.get();
        } catch (RuntimeException e) {
            outcome = new ProxyReloader.Outcome(
                    false, 0, "failed: " + e.getClass().getSimpleName());
        }
        if (outcome.success()) {
            owed.remove(accountId, version);
            LOG.log(
                    Level.INFO,
                    "account {0}: reload of token_version {1} succeeded on retry {2} ({3})",
                    name,
                    version,
                    attempt,
                    outcome.detail());
            done.run();
            return;
        }
        Duration next = wait.multipliedBy(2).compareTo(max) > 0 ? max : wait.multipliedBy(2);
        LOG.log(
                Level.WARNING,
                "account {0}: reload of token_version {1} failed again on retry {2} (status {3}, {4}); next try in {5} ms",
                name,
                version,
                attempt,
                outcome.status(),
                outcome.detail(),
                next.toMillis());
        schedule(accountId, name, version, reload, done, attempt + 1, next);
    }

    @Override
    public void close() {
        if (owned != null) {
            owned.shutdownNow();
        }
    }
}
