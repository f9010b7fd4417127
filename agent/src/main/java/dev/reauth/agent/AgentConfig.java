package dev.reauth.agent;

import dev.reauth.wire.SecureUrl;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        Duration busyTimeout) {

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
                optional(env, "BETTER_CCFLARE_API_KEY_FILE").map(Path::of),
                Path.of(env.getOrDefault("AGENT_CREDENTIALS_DIR", ".")),
                optional(env, "REAUTH_API_URL").map(url -> secureUri("REAUTH_API_URL", url)),
                duration(env, "AGENT_FOREIGN_CHECK_INTERVAL", "PT30S"),
                duration(env, "AGENT_SQLITE_BUSY_TIMEOUT", "PT5S"));
    }

    /** The admin API key, read from its file (whitespace trimmed), if one is configured. */
    public Optional<String> adminApiKey() {
        return apiKeyFile.map(file -> {
            try {
                return Files.readString(file).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("BETTER_CCFLARE_API_KEY_FILE " + file + " is unreadable", e);
            }
        });
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
