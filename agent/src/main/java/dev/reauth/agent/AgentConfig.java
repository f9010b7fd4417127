package dev.reauth.agent;

import dev.reauth.wire.SecureUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's configuration, read once from the environment; a missing or malformed variable fails
 * start-up naming it.
 *
 * @param queueUrl        an SQS queue already subscribed to the topic, or empty to create and subscribe {@code queueName}
 * @param apiKeyFile      a file holding better-ccflare's admin API key (when better-ccflare has API keys)
 * @param reauthApiUrl    reauth's API, for handing a second refresher's tokens back; empty: only report them
 * @param watchPoll       how often the fallback poll looks at the proxy's credential files (the watch service reacts at once)
 * @param stackRefreshLead the stack's RefreshLead, when given: the agent warns at start when the proxy's own refresh
 *                        window reaches past it (the proxy would refresh first)
 */
public record AgentConfig(
        String accountsTable,
        String nameIndex,
        Optional<String> queueUrl,
        Optional<String> topicArn,
        String queueName,
        Path stateFile,
        Proxy proxy,
        Path betterCcflareDb,
        URI betterCcflareUrl,
        Optional<Path> apiKeyFile,
        Path credentialsDir,
        Optional<URI> reauthApiUrl,
        Duration foreignCheckInterval,
        Duration busyTimeout,
        Duration watchPoll,
        Optional<Duration> stackRefreshLead) {

    /** better-ccflare 3.5.4 refreshes a token on its own once it is within this of expiry (no switch turns it off). */
    public static final Duration BETTER_CCFLARE_REFRESH_WINDOW = Duration.ofMinutes(30);

    /** Which proxy store the agent writes. */
    public enum Proxy {
        BETTER_CCFLARE,
        JSON_FILES
    }

    public static AgentConfig from(Map<String, String> env) {
        Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
        Path stateHome =
                Optional.ofNullable(env.get("XDG_STATE_HOME")).map(Path::of).orElse(home.resolve(".local/state"));
        Path configHome =
                Optional.ofNullable(env.get("XDG_CONFIG_HOME")).map(Path::of).orElse(home.resolve(".config"));
        Optional<String> queueUrl = optional(env, "AGENT_QUEUE_URL");
        Optional<String> topicArn = optional(env, "TOKEN_EVENTS_TOPIC_ARN");
        if (queueUrl.isEmpty() && topicArn.isEmpty()) {
            throw new IllegalArgumentException(
                    "set AGENT_QUEUE_URL (a queue subscribed to the topic) or TOKEN_EVENTS_TOPIC_ARN (to subscribe one)");
        }
        Proxy proxy = switch (env.getOrDefault("AGENT_PROXY", "better-ccflare")) {
            case "better-ccflare" -> Proxy.BETTER_CCFLARE;
            case "json-files" -> Proxy.JSON_FILES;
            default -> throw new IllegalArgumentException("AGENT_PROXY must be better-ccflare or json-files");
        };
        if (proxy == Proxy.JSON_FILES && optional(env, "AGENT_CREDENTIALS_DIR").isEmpty()) {
            throw new IllegalArgumentException("AGENT_CREDENTIALS_DIR is required with AGENT_PROXY=json-files");
        }
        Optional<Path> apiKeyFile = optional(env, "BETTER_CCFLARE_API_KEY_FILE").map(Path::of);
        apiKeyFile.ifPresent(AgentConfig::readAdminKey);
        return new AgentConfig(
                required(env, "ACCOUNTS_TABLE"),
                env.getOrDefault("ACCOUNTS_NAME_INDEX", "name-index"),
                queueUrl,
                topicArn,
                env.getOrDefault("AGENT_QUEUE_NAME", "reauth-agent-" + hostName()),
                optional(env, "AGENT_STATE_FILE").map(Path::of).orElse(stateHome.resolve("reauth-agent/state.json")),
                proxy,
                optional(env, "BETTER_CCFLARE_DB_PATH")
                        .map(Path::of)
                        .orElse(configHome.resolve("better-ccflare/better-ccflare.db")),
                secureUri("BETTER_CCFLARE_URL", env.getOrDefault("BETTER_CCFLARE_URL", "http://127.0.0.1:8080")),
                apiKeyFile,
                Path.of(env.getOrDefault("AGENT_CREDENTIALS_DIR", ".")),
                optional(env, "REAUTH_API_URL").map(url -> secureUri("REAUTH_API_URL", url)),
                duration(env, "AGENT_FOREIGN_CHECK_INTERVAL", "PT30S"),
                duration(env, "AGENT_SQLITE_BUSY_TIMEOUT", "PT5S"),
                duration(env, "AGENT_WATCH_POLL", "PT0.5S"),
                optional(env, "REAUTH_REFRESH_LEAD").map(v -> duration(env, "REAUTH_REFRESH_LEAD", v)));
    }

    /**
     * Whether the proxy refreshes before reauth: better-ccflare refreshes within
     * {@link #BETTER_CCFLARE_REFRESH_WINDOW} of expiry, so reauth's lead must be longer. Empty when all is
     * well or the lead is unknown; otherwise the warning to print.
     */
    public Optional<String> leadWarning() {
        if (proxy != Proxy.BETTER_CCFLARE || stackRefreshLead.isEmpty()) {
            return Optional.empty();
        }
        Duration lead = stackRefreshLead.get();
        if (lead.compareTo(BETTER_CCFLARE_REFRESH_WINDOW) > 0) {
            return Optional.empty();
        }
        return Optional.of("the stack's RefreshLead (" + lead + ") is not above better-ccflare's own refresh window ("
                + BETTER_CCFLARE_REFRESH_WINDOW + "): better-ccflare will refresh before reauth and the agent will"
                + " hand its tokens over each time; set the stack's RefreshLead above " + BETTER_CCFLARE_REFRESH_WINDOW
                + " (for example PT45M)");
    }

    /** The admin API key, read from its file (whitespace trimmed), if one is configured. */
    public Optional<String> adminApiKey() {
        return apiKeyFile.map(AgentConfig::readAdminKey);
    }

    /**
     * Reads the admin key file: one key, printable ASCII without spaces (it goes into an HTTP header).
     * The message names the file and what is wrong with it, never the key.
     */
    static String readAdminKey(Path file) {
        String key;
        try {
            key = Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("BETTER_CCFLARE_API_KEY_FILE " + file + " is unreadable ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("BETTER_CCFLARE_API_KEY_FILE " + file + " is empty");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("BETTER_CCFLARE_API_KEY_FILE " + file
                        + " must hold one API key and nothing else (found a space, line break or non-ASCII"
                        + " character at position " + (i + 1) + ")");
            }
        }
        return key;
    }

    /** The agent sends the proxy's admin key and tokens to these: https, or http to a loopback host only. */
    private static URI secureUri(String name, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be an absolute URL");
        }
        if (!SecureUrl.allows(uri)) {
            throw new IllegalArgumentException(name + " must be an https URL (plain http only to a loopback host)");
        }
        return uri;
    }

    private static String required(Map<String, String> env, String name) {
        return optional(env, name).orElseThrow(() -> new IllegalArgumentException(name + " is required"));
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }

    private static Duration duration(Map<String, String> env, String name, String fallback) {
        try {
            return Duration.parse(env.getOrDefault(name, fallback));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT30S");
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9_-]", "-");
        } catch (IOException e) {
            return "local";
        }
    }
}
