package dev.reauth.agent;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

/**
 * better-ccflare's SQLite database. Tokens are written with the statements better-ccflare's own
 * re-authentication runs (3.5.4, OAuthFlow.completeReauth): an OAuth account gets refresh_token,
 * access_token, expires_at and refresh_token_issued_at (now); a console account gets api_key. Every
 * other column (priority, statistics, rate-limit state, settings) and every other table (request
 * history) is left alone. Each operation is one IMMEDIATE transaction with a busy timeout, so the
 * running proxy's own writes wait for it or it waits for them; the database is never created here.
 */
public final class BetterCcflareStore implements ProxyStore {

    private static final System.Logger LOG = System.getLogger(BetterCcflareStore.class.getName());

    /** The providers whose accounts re-authentication serves (Claude OAuth, and Claude console OAuth). */
    static final Set<String> PROVIDERS = Set.of("anthropic", "claude-console-api");

    private static final String SELECT = "SELECT id, name, provider, access_token, refresh_token, expires_at, api_key,"
            + " COALESCE(paused, 0) AS paused FROM accounts WHERE name = ? AND provider IN ('anthropic', 'claude-console-api')";

    private final SQLiteDataSource dataSource;
    private final Clock clock;

    public BetterCcflareStore(Path database, Duration busyTimeout, Clock clock) {
        if (!Files.isRegularFile(database)) {
            throw new IllegalArgumentException("no better-ccflare database at " + database);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setBusyTimeout((int) busyTimeout.toMillis());
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        dataSource = new SQLiteDataSource(config);
        dataSource.setUrl("jdbc:sqlite:" + database.toAbsolutePath());
        this.clock = clock;
    }

    @Override
    public Set<String> accountNames() {
        return inTransaction(connection -> {
            Set<String> names = new TreeSet<>();
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT name FROM accounts WHERE provider IN ('anthropic', 'claude-console-api')");
                    ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        });
    }

    @Override
    public Optional<StoredAccount> read(String name) {
        return inTransaction(connection -> find(connection, name));
    }

    @Override
    public Optional<StoredAccount> write(String name, ProxyCredentials credentials) {
        return inTransaction(connection -> {
            Optional<StoredAccount> before = find(connection, name);
            if (before.isEmpty()) {
                return before;
            }
            String id = before.get().proxyId();
            if (credentials.apiKey().isPresent()) {
                update(
                        connection,
                        "UPDATE accounts SET api_key = ? WHERE id = ?",
                        credentials.apiKey().get(),
                        id);
            } else {
                update(
                        connection,
                        "UPDATE accounts SET refresh_token = ?, access_token = ?, expires_at = ?,"
                                + " refresh_token_issued_at = ? WHERE id = ?",
                        credentials.refreshToken(),
                        credentials.accessToken(),
                        credentials.expiresAtMillis(),
                        clock.millis(),
                        id);
            }
            return before;
        });
    }

    @Override
    public boolean canPause() {
        return true;
    }

    /** As better-ccflare's own pause (AccountRepository.pause): paused = 1 and a pause_reason. */
    @Override
    public boolean pause(String name, String reason) {
        return inTransaction(connection -> {
            Optional<StoredAccount> account = find(connection, name);
            return account.isPresent()
                    && update(
                                    connection,
                                    "UPDATE accounts SET paused = 1, pause_reason = ? WHERE id = ? AND COALESCE(paused, 0) = 0",
                                    reason,
                                    account.get().proxyId())
                            == 1;
        });
    }

    /** As better-ccflare's own resume: paused = 0, pause_reason = NULL; only for the given reasons. */
    @Override
    public boolean resume(String name, Set<String> reasons) {
        return inTransaction(connection -> {
            Optional<StoredAccount> account = find(connection, name);
            if (account.isEmpty() || reasons.isEmpty()) {
                return false;
            }
            List<Object> values = new ArrayList<>();
            values.add(account.get().proxyId());
            values.addAll(reasons);
            String placeholders =
                    String.join(", ", reasons.stream().map(r -> "?").toList());
            return update(
                            connection,
                            "UPDATE accounts SET paused = 0, pause_reason = NULL WHERE id = ?"
                                    + " AND COALESCE(paused, 0) = 1 AND pause_reason IN (" + placeholders + ")",
                            values.toArray())
                    == 1;
        });
    }

    /** The pause_reason of the named account (null when none), for logs and tests. */
    public Optional<String> pauseReason(String name) {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT pause_reason FROM accounts WHERE name = ? AND provider IN ('anthropic', 'claude-console-api')")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.ofNullable(rows.getString(1)) : Optional.empty();
                }
            }
        });
    }

    private static Optional<StoredAccount> find(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT)) {
            select.setString(1, name);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                StoredAccount account = new StoredAccount(
                        rows.getString("id"),
                        rows.getString("name"),
                        rows.getString("provider"),
                        new ProxyCredentials(
                                rows.getString("access_token"),
                                rows.getString("refresh_token"),
                                rows.getLong("expires_at"),
                                Optional.ofNullable(rows.getString("api_key"))),
                        rows.getInt("paused") != 0);
                if (rows.next()) {
                    // better-ccflare 3.5.4 does not make names unique: writing to either could be wrong
                    LOG.log(
                            Level.WARNING,
                            "better-ccflare holds more than one account named {0}; not touching either",
                            name);
                    return Optional.empty();
                }
                return Optional.of(account);
            }
        }
    }

    private static int update(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                update.setObject(i + 1, values[i]);
            }
            return update.executeUpdate();
        }
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            // the driver's message names SQL and SQLite codes, never bound values
            throw new ProxyStoreException("better-ccflare database: " + e.getMessage(), e);
        }
    }
}
