package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite sink on a database with better-ccflare 3.5.4's accounts columns (as its own migrations
 * leave them; AgentIT runs the real better-ccflare on the database it creates itself).
 */
class BetterCcflareStoreTest {

    static final String ACCOUNTS = """
            CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL, provider TEXT DEFAULT 'anthropic', api_key TEXT,
              refresh_token TEXT, access_token TEXT, expires_at INTEGER, created_at INTEGER NOT NULL, last_used INTEGER,
              request_count INTEGER DEFAULT 0, total_requests INTEGER DEFAULT 0, priority INTEGER DEFAULT 0,
              rate_limited_until INTEGER, session_start INTEGER, session_request_count INTEGER DEFAULT 0, paused INTEGER DEFAULT 0,
              rate_limit_reset INTEGER, rate_limit_status TEXT, rate_limit_remaining INTEGER, auto_fallback_enabled INTEGER DEFAULT 0,
              custom_endpoint TEXT, auto_refresh_enabled INTEGER DEFAULT 0, model_mappings TEXT, cross_region_mode TEXT DEFAULT 'geographic',
              model_fallbacks TEXT, billing_type TEXT DEFAULT NULL, refresh_token_issued_at INTEGER,
              auto_pause_on_overage_enabled INTEGER DEFAULT 0, peak_hours_pause_enabled INTEGER NOT NULL DEFAULT 0, pause_reason TEXT,
              rate_limited_reason TEXT, rate_limited_at INTEGER)""";

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    Path db;
    BetterCcflareStore store;

    @BeforeEach
    void createDatabase() throws SQLException {
        db = dir.resolve("better-ccflare.db");
        sql(
                "PRAGMA journal_mode=WAL",
                ACCOUNTS,
                "INSERT INTO accounts (id, name, provider, refresh_token, access_token, expires_at, created_at, request_count, total_requests,"
                        + " priority, custom_endpoint, refresh_token_issued_at, last_used, session_start, session_request_count, rate_limit_status,"
                        + " model_mappings) VALUES ('id-work', 'work', 'anthropic', 'old-refresh', 'old-access', 1000, 500, 42, 4242, 7,"
                        + " 'https://example.test', 400, 900, 800, 3, 'allowed', '{\"opus\":\"sonnet\"}')",
                "INSERT INTO accounts (id, name, provider, api_key, created_at) VALUES ('id-console', 'billing', 'claude-console-api', 'old-key', 1)",
                "INSERT INTO accounts (id, name, provider, api_key, created_at) VALUES ('id-zai', 'zai', 'zai', 'zai-key', 1)");
        store = new BetterCcflareStore(db, Duration.ofSeconds(2), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void write_setsTheTokenColumnsAndIssueTime_andLeavesEveryOtherColumnAsItWas() throws SQLException {
        Map<String, Object> before = row("id-work");

        Optional<ProxyStore.StoredAccount> previous =
                store.write("work", new ProxyCredentials("new-access", "new-refresh", 5_000_000));

        assertThat(previous).get().satisfies(p -> {
            assertThat(p.proxyId()).isEqualTo("id-work");
            assertThat(p.kind()).isEqualTo("anthropic");
            assertThat(p.credentials().refreshToken()).isEqualTo("old-refresh");
        });
        Map<String, Object> after = row("id-work");
        assertThat(after)
                .containsEntry("access_token", "new-access")
                .containsEntry("refresh_token", "new-refresh")
                .containsEntry("expires_at", 5_000_000L)
                .containsEntry("refresh_token_issued_at", NOW.toEpochMilli());
        Map<String, Object> untouchedBefore = new LinkedHashMap<>(before);
        Map<String, Object> untouchedAfter = new LinkedHashMap<>(after);
        for (String token : new String[] {"access_token", "refresh_token", "expires_at", "refresh_token_issued_at"}) {
            untouchedBefore.remove(token);
            untouchedAfter.remove(token);
        }
        assertThat(untouchedAfter)
                .isEqualTo(untouchedBefore)
                .containsEntry("priority", 7L)
                .containsEntry("request_count", 42L);
    }

    @Test
    void write_ofAConsoleAccountsKey_setsApiKeyOnly() throws SQLException {
        Map<String, Object> before = row("id-console");

        store.write("billing", new ProxyCredentials("a", "r", 9, Optional.of("new-key")));

        Map<String, Object> after = row("id-console");
        assertThat(after.get("api_key")).isEqualTo("new-key");
        after.remove("api_key");
        before.remove("api_key");
        assertThat(after).isEqualTo(before);
    }

    @Test
    void write_toAnUnknownOrForeignProviderName_writesNothing() throws SQLException {
        Map<String, Object> zai = row("id-zai");

        assertThat(store.write("nobody", new ProxyCredentials("a", "r", 1))).isEmpty();
        assertThat(store.write("zai", new ProxyCredentials("a", "r", 1))).isEmpty();

        assertThat(row("id-zai")).isEqualTo(zai);
        assertThat(store.accountNames()).containsExactly("billing", "work");
    }

    @Test
    void write_refusesANameHeldTwice() throws SQLException {
        sql("INSERT INTO accounts (id, name, provider, created_at) VALUES ('id-work-2', 'work', 'anthropic', 1)");

        assertThat(store.write("work", new ProxyCredentials("a", "r", 1))).isEmpty();

        assertThat(row("id-work")).containsEntry("access_token", "old-access");
    }

    @Test
    void pause_setsPausedAndReason_butNotOverAnotherPause() throws SQLException {
        assertThat(store.pause("work", "reauth_required")).isTrue();
        assertThat(row("id-work")).containsEntry("paused", 1L).containsEntry("pause_reason", "reauth_required");

        sql("UPDATE accounts SET pause_reason = 'failure_threshold' WHERE id = 'id-work'");
        assertThat(store.pause("work", "reauth_required")).isFalse();
        assertThat(row("id-work")).containsEntry("pause_reason", "failure_threshold");
    }

    @Test
    void resume_clearsThePause_onlyForTheGivenReasons() throws SQLException {
        sql("UPDATE accounts SET paused = 1, pause_reason = 'overage' WHERE id = 'id-work'");
        assertThat(store.resume("work", Set.of("reauth_required", "manual"))).isFalse();
        assertThat(row("id-work")).containsEntry("paused", 1L);

        sql("UPDATE accounts SET pause_reason = 'reauth_required' WHERE id = 'id-work'");
        assertThat(store.resume("work", Set.of("reauth_required", "manual"))).isTrue();
        Map<String, Object> row = row("id-work");
        assertThat(row).containsEntry("paused", 0L);
        assertThat(row.get("pause_reason")).isNull();
    }

    @Test
    void write_waitsForAnotherWritersTransaction_thenWrites() throws Exception {
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.executeUpdate("UPDATE accounts SET request_count = 43 WHERE id = 'id-work'");
            }
            Thread release = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                    other.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            store.write("work", new ProxyCredentials("new-access", "new-refresh", 5));
            release.join();
        }
        assertThat(row("id-work")).containsEntry("access_token", "new-access").containsEntry("request_count", 43L);
    }

    @Test
    void write_failsCleanly_whenTheDatabaseStaysLockedPastTheTimeout() throws Exception {
        BetterCcflareStore impatient = new BetterCcflareStore(db, Duration.ofMillis(200), Clock.systemUTC());
        try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.executeUpdate("UPDATE accounts SET request_count = 43 WHERE id = 'id-work'");
            }
            assertThatThrownBy(() -> impatient.write("work", new ProxyCredentials("new-access", "new-refresh", 5)))
                    .isInstanceOf(ProxyStoreException.class)
                    .hasMessageNotContaining("new-access");
            other.rollback();
        }
        assertThat(row("id-work")).containsEntry("access_token", "old-access");
    }

    @Test
    void constructor_refusesAMissingDatabase_ratherThanCreatingOne() {
        assertThatThrownBy(() ->
                        new BetterCcflareStore(dir.resolve("absent.db"), Duration.ofSeconds(1), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dir.resolve("absent.db")).doesNotExist();
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private Map<String, Object> row(String id) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT * FROM accounts WHERE id = '" + id + "'")) {
            rows.next();
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= rows.getMetaData().getColumnCount(); i++) {
                Object value = rows.getObject(i);
                row.put(rows.getMetaData().getColumnName(i), value instanceof Integer n ? Long.valueOf(n) : value);
            }
            return row;
        }
    }
}
