package dev.reauth.agent;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Notices within about a second that the proxy wrote its credentials (better-ccflare's SQLite file and
 * its WAL, or a credential file): a {@link WatchService} on their directory, plus a poll of the files'
 * size and modification time every {@code poll}, since the watch service is a slow poll itself on some
 * platforms and misses changes on network file systems. Every change runs {@code onChange} once on the
 * watch's own thread; changes that arrive while it runs coalesce into one more run.
 */
public final class CredentialWatch implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(CredentialWatch.class.getName());

    private final Path directory;
    private final Predicate<String> watched;
    private final Runnable onChange;
    private final ScheduledExecutorService runner;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final WatchService watchService;
    private final Thread watcher;
    private volatile List<String> lastSeen;

    private CredentialWatch(
            Path directory, Predicate<String> watched, Duration poll, Runnable onChange, boolean useWatchService) {
        this.directory = directory;
        this.watched = watched;
        this.onChange = onChange;
        this.runner = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                .daemon()
                .name("reauth-agent-credential-watch")
                .unstarted(r));
        this.lastSeen = fingerprint();
        this.watchService = useWatchService ? register(directory) : null;
        this.watcher = watchService == null
                ? null
                : Thread.ofPlatform()
                        .daemon()
                        .name("reauth-agent-watch-service")
                        .start(this::watchLoop);
        long every = Math.max(50, poll.toMillis());
        runner.scheduleWithFixedDelay(this::pollOnce, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Watches the files in {@code directory} whose names {@code watched} accepts.
     *
     * @param poll how often the fallback compares the files' size and modification time
     */
    public static CredentialWatch start(Path directory, Predicate<String> watched, Duration poll, Runnable onChange) {
        return start(directory, watched, poll, onChange, true);
    }

    /** As {@link #start(Path, Predicate, Duration, Runnable)}; without the watch service, the poll alone. */
    static CredentialWatch start(
            Path directory, Predicate<String> watched, Duration poll, Runnable onChange, boolean useWatchService) {
        return new CredentialWatch(directory, watched, poll, onChange, useWatchService);
    }

    /** better-ccflare's database: the file itself, its WAL and shared-memory index, its rollback journal. */
    public static Predicate<String> sqliteFiles(Path database) {
        String name = database.getFileName().toString();
        return file -> file.equals(name) || file.equals(name + "-wal") || file.equals(name + "-journal");
    }

    private static WatchService register(Path directory) {
        try {
            WatchService service = FileSystems.getDefault().newWatchService();
            directory.register(
                    service,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot watch {0} ({1}); polling it only",
                    directory,
                    e.getClass().getSimpleName());
            return null;
        }
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW
                            || (event.context() instanceof Path file && watched.test(file.toString()))) {
                        relevant = true;
                    }
                }
                if (relevant) {
                    trigger();
                }
                if (!key.reset()) {
                    LOG.log(Level.WARNING, "{0} can no longer be watched; polling it only", directory);
                    return;
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException stopped) {
            // closed
        }
    }

    private void pollOnce() {
        List<String> now = fingerprint();
        if (!now.equals(lastSeen)) {
            trigger();
        }
    }

    /** Size and modification time of every watched file: any write of the proxy changes one of them. */
    private List<String> fingerprint() {
        List<String> seen = new ArrayList<>();
        try (var files = Files.list(directory)) {
            files.filter(file -> watched.test(file.getFileName().toString()))
                    .sorted()
                    .forEach(file -> {
                        try {
                            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                            seen.add(file.getFileName() + ":" + attributes.size() + ":"
                                    + attributes.lastModifiedTime().toMillis());
                        } catch (IOException gone) {
                            seen.add(file.getFileName() + ":gone");
                        }
                    });
        } catch (IOException e) {
            seen.add("unlistable");
        }
        return seen;
    }

    private void trigger() {
        if (queued.compareAndSet(false, true)) {
            try {
                runner.execute(this::run);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                queued.set(false);
            }
        }
    }

    private void run() {
        queued.set(false);
        // taken before the run, so a write the run itself misses still shows as a change next time
        lastSeen = fingerprint();
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.log(
                    Level.WARNING,
                    "checking the proxy''s credentials failed ({0})",
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        runner.shutdownNow();
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        if (watcher != null) {
            watcher.interrupt();
        }
    }
}
