package dev.reauth.fleet;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds staleness when a message is lost: every {@code interval} the token source compares its
 * cached token_versions with the table's (one projection read per 100 cached accounts) and flushes
 * what moved. A server serves a rotated account's old token for at most interval + one read
 * (default 60 s) even if SNS never delivers.
 */
public final class VersionWatcher implements AutoCloseable {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);
    private static final System.Logger LOG = System.getLogger(VersionWatcher.class.getName());

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("token-version-watcher").factory());

    public VersionWatcher(TokenSource tokens, Duration interval) {
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        var moved = tokens.checkVersions();
                        if (!moved.isEmpty()) {
                            LOG.log(
                                    Level.INFO,
                                    "token_version moved without a message for {0} account(s); flushed",
                                    moved.size());
                        }
                    } catch (RuntimeException e) {
                        LOG.log(
                                Level.WARNING,
                                "token_version check failed: {0}",
                                e.getClass().getSimpleName());
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
