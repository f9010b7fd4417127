package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialWatchTest {

    @TempDir
    Path dir;

    @Test
    void aWriteToTheDatabasesWal_runsTheCheck_throughTheWatchService() throws Exception {
        // GIVEN a database and its WAL being watched, with the poll fallback far away (the watch service alone)
        Path db = Files.writeString(dir.resolve("better-ccflare.db"), "db");
        Files.writeString(dir.resolve("better-ccflare.db-wal"), "");
        Semaphore runs = new Semaphore(0);
        try (CredentialWatch watch =
                CredentialWatch.start(dir, CredentialWatch.sqliteFiles(db), Duration.ofHours(1), runs::release)) {
            // WHEN the proxy appends to its WAL
            Files.writeString(dir.resolve("better-ccflare.db-wal"), "frame");

            // THEN the check runs
            assertThat(runs.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void thePollAloneNoticesAChange_whenTheWatchServiceMissesIt() throws Exception {
        // GIVEN a watch without the watch service (as where it cannot watch), polling the file
        Path file = Files.writeString(dir.resolve("account.json"), "{}");
        Semaphore runs = new Semaphore(0);
        try (CredentialWatch watch = CredentialWatch.start(
                dir, name -> name.equals("account.json"), Duration.ofMillis(100), runs::release, false)) {
            // WHEN the file's size changes
            Files.writeString(file, "{\"access_token\":\"new\"}");

            // THEN the check runs
            assertThat(runs.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void sqliteFiles_acceptsTheDatabaseItsWalAndJournal_only() {
        var accepted = CredentialWatch.sqliteFiles(Path.of("/x/better-ccflare.db"));
        assertThat(accepted.test("better-ccflare.db")).isTrue();
        assertThat(accepted.test("better-ccflare.db-wal")).isTrue();
        assertThat(accepted.test("better-ccflare.db-journal")).isTrue();
        assertThat(accepted.test("better-ccflare.db-shm")).isFalse();
        assertThat(accepted.test("other.db")).isFalse();
    }
}
