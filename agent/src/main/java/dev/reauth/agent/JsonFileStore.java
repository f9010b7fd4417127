package dev.reauth.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Credential files, one per account ({@code DIR/NAME.json}: {@code access_token}, {@code refresh_token},
 * {@code expires_at} in epoch ms, and {@code api_key} for console accounts), for proxies that
 * hot-reload such files. An account is served when its file exists. A write replaces those fields and
 * keeps any other field the file has; it goes to a temporary file in the same directory, is forced to
 * disk, then renamed over the old file (atomic on POSIX), and the directory is forced: a reader sees
 * the old file or the new one, never part of either.
 */
public final class JsonFileStore implements ProxyStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,199}");

    private final Path directory;

    public JsonFileStore(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no credential directory at " + directory);
        }
        this.directory = directory;
    }

    @Override
    public Set<String> accountNames() {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                if (NAME.matcher(name).matches()) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw new ProxyStoreException(
                    "credential directory " + directory + ": " + e.getClass().getSimpleName(), e);
        }
        return names;
    }

    @Override
    public Optional<StoredAccount> read(String name) {
        return fileOf(name).flatMap(file -> parse(file).map(json -> account(name, json)));
    }

    @Override
    public synchronized Optional<StoredAccount> write(String name, ProxyCredentials credentials) {
        Optional<Path> file = fileOf(name);
        Optional<ObjectNode> current = file.flatMap(JsonFileStore::parse);
        if (current.isEmpty()) {
            return Optional.empty();
        }
        StoredAccount before = account(name, current.get());
        ObjectNode next = current.get().deepCopy();
        next.put("access_token", credentials.accessToken());
        next.put("refresh_token", credentials.refreshToken());
        next.put("expires_at", credentials.expiresAtMillis());
        credentials.apiKey().ifPresent(key -> next.put("api_key", key));
        try {
            AtomicFiles.replace(
                    file.get(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(next));
        } catch (IOException e) {
            throw new ProxyStoreException(
                    "credential file for " + name + ": " + e.getClass().getSimpleName(), e);
        }
        return Optional.of(before);
    }

    private Optional<Path> fileOf(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        Path file = directory.resolve(name + ".json");
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    private static Optional<ObjectNode> parse(Path file) {
        try {
            JsonNode json = JSON.readTree(file.toFile());
            return json instanceof ObjectNode object ? Optional.of(object) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // Jackson's message may quote the file's content
            throw new ProxyStoreException("credential file " + file.getFileName() + " is not a JSON object", null);
        }
    }

    private static StoredAccount account(String name, ObjectNode json) {
        return new StoredAccount(
                name,
                name,
                "file",
                new ProxyCredentials(
                        text(json, "access_token"),
                        text(json, "refresh_token"),
                        json.path("expires_at").asLong(0),
                        Optional.ofNullable(text(json, "api_key"))),
                false);
    }

    private static String text(ObjectNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
