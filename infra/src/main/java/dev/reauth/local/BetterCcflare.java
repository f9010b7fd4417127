package dev.reauth.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real better-ccflare (the pinned npm package, installed by {@code infra/better-ccflare}) in a
 * directory of its own: its database, config and log file there, its HOME and TMPDIR there, bound to
 * 127.0.0.1 only, with a clean environment (no proxy variables, no .env found). It cannot reach the
 * internet here; its usage poller fails, logs, and backs off, which changes nothing in its accounts.
 */
public final class BetterCcflare implements AutoCloseable {

    private static final Pattern API_KEY = Pattern.compile("x-api-key: (btr-[A-Za-z0-9]+)");

    private final Path binary;
    private final Path dir;
    private final Map<String, String> extraEnvironment;
    private Process server;
    private int port;

    private BetterCcflare(Path binary, Path dir, Map<String, String> extraEnvironment) {
        this.binary = binary;
        this.dir = dir;
        this.extraEnvironment = extraEnvironment;
    }

    /** Installs (once) and prepares an instance in {@code dir}; better-ccflare itself creates its database there. */
    public static BetterCcflare create(Path dir) {
        return create(dir, Map.of());
    }

    /** As {@link #create(Path)}, with extra environment for the server (for example HTTPS_PROXY). */
    public static BetterCcflare create(Path dir, Map<String, String> extraEnvironment) {
        BetterCcflare instance = new BetterCcflare(install(), dir, extraEnvironment);
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Files.createDirectories(dir.resolve("cwd/a/b"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String listed = instance.cli("--list");
        if (!Files.isRegularFile(instance.database())) {
            throw new IllegalStateException("better-ccflare --list made no database: " + listed);
        }
        return instance;
    }

    /** The path of the installed binary (runs infra/better-ccflare: installs it on first use). */
    public static Path install() {
        try {
            Process p = new ProcessBuilder(
                            ProjectFiles.root().resolve("infra/better-ccflare").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("infra/better-ccflare failed");
            }
            return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path database() {
        return dir.resolve("better-ccflare.db");
    }

    /** Runs a better-ccflare command on this instance's database; its output (stdout and stderr). */
    public String cli(String... args) {
        return cliWithInput("", args);
    }

    /** As {@link #cli(String...)}, answering its prompts with {@code input} (--add-account NAME --mode zai asks for the key). */
    public String cliWithInput(String input, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        try {
            Process p = builder(command, Map.of()).redirectErrorStream(true).start();
            try (var stdin = p.getOutputStream()) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("better-ccflare " + String.join(" ", args) + " did not finish");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code --generate-api-key NAME --admin}: once better-ccflare has a key, its /api routes need one. */
    public String generateAdminKey(String name) {
        String out = cli("--generate-api-key", name, "--admin");
        Matcher m = API_KEY.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no API key in better-ccflare's answer");
        }
        return m.group(1);
    }

    /**
     * Adds a Claude OAuth account as {@code better-ccflare --add-account NAME --mode claude-oauth
     * --priority N} leaves it. Its login cannot complete here (no provider), so this inserts the row
     * that command's last step writes: the column list and values of better-ccflare 3.5.4's
     * OAuthFlow.createAccountWithOAuth (provider 'anthropic', no API key, counters 0, no custom
     * endpoint, created_at and refresh_token_issued_at now); every other column takes the default its
     * own migrations gave the table. Returns the account's id.
     */
    public String addOAuthAccount(
            String name, int priority, String accessToken, String refreshToken, long expiresAtMillis) {
        String id = UUID.randomUUID().toString();
        long now = System.currentTimeMillis();
        sql(
                "INSERT INTO accounts (id, name, provider, api_key, refresh_token, access_token, expires_at, created_at,"
                        + " request_count, total_requests, priority, custom_endpoint, refresh_token_issued_at)"
                        + " VALUES (?, ?, 'anthropic', NULL, ?, ?, ?, ?, 0, 0, ?, NULL, ?)",
                id,
                name,
                refreshToken,
                accessToken,
                expiresAtMillis,
                now,
                priority,
                now);
        return id;
    }

    /** Runs one statement on the database (a separate connection, with a busy timeout). */
    public int sql(String statement, Object... values) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database());
                PreparedStatement s = c.prepareStatement(statement)) {
            c.createStatement().execute("PRAGMA busy_timeout = 5000");
            for (int i = 0; i < values.length; i++) {
                s.setObject(i + 1, values[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Starts {@code --serve} on a free loopback port and waits until it answers HTTP. */
    public BetterCcflare serve() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            server = builder(List.of(binary.toString(), "--serve", "--port", Integer.toString(port)), extraEnvironment)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("serve.log").toFile())
                    .start();
            HttpClient http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                if (!server.isAlive()) {
                    throw new IllegalStateException(
                            "better-ccflare exited: " + Files.readString(dir.resolve("serve.log")));
                }
                try {
                    // any answer will do: /health says 503 while better-ccflare has no usable account
                    http.send(
                            HttpRequest.newBuilder(url().resolve("/health")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    return this;
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("better-ccflare did not answer HTTP within 60 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** better-ccflare's own log lines (its logger writes JSON lines to TMPDIR/better-ccflare-logs/app.log). */
    public List<String> logLines() {
        try {
            Path log = dir.resolve("tmp/better-ccflare-logs/app.log");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessBuilder builder(List<String> command, Map<String, String> extra) {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(dir.resolve("cwd/a/b").toFile());
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", dir.toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("TMPDIR", dir.resolve("tmp").toString());
        env.put("BETTER_CCFLARE_DB_PATH", database().toString());
        env.put("BETTER_CCFLARE_HOST", "127.0.0.1");
        env.putAll(extra);
        return pb;
    }

    @Override
    public void close() {
        if (server != null) {
            server.destroy();
            try {
                if (!server.waitFor(10, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
