package dev.reauth.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the agent has done to the proxy, per reauth account id, kept in a small JSON file written
 * atomically (temporary file, fsync, rename): the token_version it last applied, the fingerprint
 * (SHA-256) of the refresh token it wrote, the version at which it paused the account, and the
 * fingerprint of foreign tokens it already reported. It holds no token.
 */
public final class AgentState {

    /** One account's record. {@code pausedAtVersion} is null unless the agent paused the account. */
    public record Entry(
            String name,
            long appliedVersion,
            String writtenFingerprint,
            Long pausedAtVersion,
            String reportedFingerprint) {

        static Entry empty(String name) {
            return new Entry(name, 0, "", null, "");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private AgentState(Path file) {
        this.file = file;
    }

    /** Loads the state file, or starts empty when there is none. */
    public static AgentState load(Path file) {
        AgentState state = new AgentState(file);
        if (!Files.exists(file)) {
            return state;
        }
        try {
            JsonNode accounts = JSON.readTree(file.toFile()).path("accounts");
            for (Iterator<Map.Entry<String, JsonNode>> it = accounts.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                state.entries.put(
                        e.getKey(),
                        new Entry(
                                v.path("name").asText(""),
                                v.path("appliedVersion").asLong(0),
                                v.path("refreshTokenSha256").asText(""),
                                v.hasNonNull("pausedAtVersion")
                                        ? v.get("pausedAtVersion").asLong()
                                        : null,
                                v.path("reportedSha256").asText("")));
            }
            return state;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "agent state file " + file + " is unreadable; move it away to start afresh", e);
        }
    }

    public synchronized long appliedVersion(String accountId) {
        return entry(accountId).map(Entry::appliedVersion).orElse(0L);
    }

    public synchronized Optional<Entry> entry(String accountId) {
        return Optional.ofNullable(entries.get(accountId));
    }

    public synchronized Map<String, Entry> entries() {
        return Map.copyOf(entries);
    }

    /** The version at which the agent paused the account, if it did and has not un-paused it. */
    public synchronized OptionalLong pausedAt(String accountId) {
        Entry e = entries.get(accountId);
        return e == null || e.pausedAtVersion() == null ? OptionalLong.empty() : OptionalLong.of(e.pausedAtVersion());
    }

    public synchronized void applied(String accountId, String name, long version, String fingerprint) {
        Entry e = entries.getOrDefault(accountId, Entry.empty(name));
        save(accountId, new Entry(name, version, fingerprint, e.pausedAtVersion(), ""));
    }

    public synchronized void paused(String accountId, String name, long version) {
        Entry e = entries.getOrDefault(accountId, Entry.empty(name));
        save(accountId, new Entry(name, e.appliedVersion(), e.writtenFingerprint(), version, e.reportedFingerprint()));
    }

    public synchronized void resumed(String accountId) {
        Entry e = entries.get(accountId);
        if (e != null) {
            save(
                    accountId,
                    new Entry(e.name(), e.appliedVersion(), e.writtenFingerprint(), null, e.reportedFingerprint()));
        }
    }

    public synchronized void reported(String accountId, String fingerprint) {
        Entry e = entries.get(accountId);
        if (e != null) {
            save(
                    accountId,
                    new Entry(e.name(), e.appliedVersion(), e.writtenFingerprint(), e.pausedAtVersion(), fingerprint));
        }
    }

    private void save(String accountId, Entry entry) {
        entries.put(accountId, entry);
        ObjectNode root = JSON.createObjectNode();
        ObjectNode accounts = root.putObject("accounts");
        entries.forEach((id, e) -> {
            ObjectNode node = accounts.putObject(id);
            node.put("name", e.name());
            node.put("appliedVersion", e.appliedVersion());
            node.put("refreshTokenSha256", e.writtenFingerprint());
            if (e.pausedAtVersion() != null) {
                node.put("pausedAtVersion", e.pausedAtVersion());
            }
            node.put("reportedSha256", e.reportedFingerprint());
        });
        try {
            AtomicFiles.replace(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException("agent state file " + file, e);
        }
    }
}
