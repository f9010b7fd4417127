package dev.reauth.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * better-ccflare's SQLite database (ccflare's too), opened read-only: the rows of its
 * {@code accounts} table, as far as an import needs them. The columns are read from the table
 * itself: {@code provider}, {@code priority} and {@code api_key} came with later versions and may be
 * missing; without {@code provider} every account is Anthropic's, as ccflare's was.
 */
final class BetterCcflareDatabase {

    private static final Set<String> REQUIRED = Set.of("id", "name", "access_token", "refresh_token", "expires_at");
    private static final int BUSY_TIMEOUT_MILLIS = 5_000;

    /** One account row. Holds tokens: {@link #toString()} shows none. */
    record Row(
            String id,
            String name,
            String provider,
            Long priority,
            String accessToken,
            String refreshToken,
            Long expiresAt,
            String apiKey) {
        @Override
        public String toString() {
            return "Row[name=" + name + ", provider=" + provider + ", ***]";
        }
    }

    private BetterCcflareDatabase() {}

    /** Every account row, by name; the file is never written (not even created when missing). */
    static List<Row> read(Path database) {
        if (!Files.isRegularFile(database)) {
            throw new CliFailure(
                    ExitCode.USAGE,
                    "no better-ccflare database at " + database
                            + " (better-ccflare keeps it in $BETTER_CCFLARE_DB_PATH, else ~/.config/better-ccflare/better-ccflare.db)");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        // without CREATE, a file that vanished meanwhile is an error, not a new empty database
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        try (Connection connection =
                DriverManager.getConnection("jdbc:sqlite:" + database.toAbsolutePath(), config.toProperties())) {
            Set<String> columns = columns(connection);
            if (columns.isEmpty()) {
                throw new CliFailure(
                        ExitCode.FAILED, database + " is not a better-ccflare database: it has no accounts table");
            }
            Set<String> missing = new TreeSet<>(REQUIRED);
            missing.removeAll(columns);
            if (!missing.isEmpty()) {
                throw new CliFailure(
                        ExitCode.FAILED,
                        database + " is not a better-ccflare database this command knows: its accounts"
                                + " table has no " + String.join(", ", missing));
            }
            String select = "SELECT id, name, " + orNull(columns, "provider") + ", " + orNull(columns, "priority")
                    + ", access_token, refresh_token, expires_at, " + orNull(columns, "api_key")
                    + " FROM accounts ORDER BY name, id";
            List<Row> rows = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet result = statement.executeQuery(select)) {
                while (result.next()) {
                    rows.add(new Row(
                            result.getString(1),
                            result.getString(2),
                            result.getString(3),
                            number(result, 4),
                            result.getString(5),
                            result.getString(6),
                            number(result, 7),
                            result.getString(8)));
                }
            }
            return rows;
        } catch (SQLException e) {
            // SQLite's messages name the failure ("file is not a database", "database is locked"), never a value
            throw new CliFailure(
                    ExitCode.FAILED, "cannot read the better-ccflare database at " + database + ": " + e.getMessage());
        }
    }

    private static Set<String> columns(Connection connection) throws SQLException {
        Set<String> columns = new TreeSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("PRAGMA table_info(accounts)")) {
            while (result.next()) {
                columns.add(result.getString("name"));
            }
        }
        return columns;
    }

    private static String orNull(Set<String> columns, String column) {
        return columns.contains(column) ? column : "NULL";
    }

    private static Long number(ResultSet result, int column) throws SQLException {
        long value = result.getLong(column);
        return result.wasNull() ? null : value;
    }
}
