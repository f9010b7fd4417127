package dev.reauth.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rows of an SQLite database exactly as stored: every column rendered by SQLite's own quote(), so a
 * comparison sees type and value byte for byte (an integer 3 is "3", the text '3' is "'3'").
 */
final class SqliteRows {

    /** The columns better-ccflare's re-authentication writes. */
    static final Set<String> TOKEN_COLUMNS =
            Set.of("access_token", "refresh_token", "expires_at", "refresh_token_issued_at");

    private SqliteRows() {}

    static Map<String, String> row(Path db, String table, String id) throws SQLException {
        List<String> columns = columns(db, table);
        String select = "SELECT "
                + String.join(
                        ", ", columns.stream().map(c -> "quote(" + c + ")").toList()) + " FROM " + table
                + " WHERE id = ?";
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                var s = c.prepareStatement(select)) {
            s.setString(1, id);
            try (ResultSet rows = s.executeQuery()) {
                if (!rows.next()) {
                    throw new AssertionError("no row " + id + " in " + table);
                }
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.put(columns.get(i), rows.getString(i + 1));
                }
                return row;
            }
        }
    }

    /** The whole table, one quoted line per row in rowid order. */
    static String table(Path db, String table) throws SQLException {
        List<String> columns = columns(db, table);
        String select = "SELECT "
                + String.join(
                        " || '|' || ",
                        columns.stream().map(c -> "quote(" + c + ")").toList()) + " FROM " + table + " ORDER BY rowid";
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery(select)) {
            while (rows.next()) {
                out.append(rows.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static Map<String, String> without(Map<String, String> row, Set<String> columns) {
        Map<String, String> rest = new LinkedHashMap<>(row);
        rest.keySet().removeAll(columns);
        return rest;
    }

    private static List<String> columns(Path db, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rows.next()) {
                columns.add(rows.getString("name"));
            }
        }
        return columns;
    }
}
