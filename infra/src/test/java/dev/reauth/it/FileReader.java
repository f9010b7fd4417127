package dev.reauth.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A proxy's file watcher, in a hurry: reads and parses a credential file in a tight loop, noting every bad read. */
final class FileReader {

    private final Path file;
    private final Thread thread;
    private volatile boolean running = true;
    private final AtomicLong reads = new AtomicLong();
    private final List<String> bad = new CopyOnWriteArrayList<>();
    private final Set<String> accessTokens = ConcurrentHashMap.newKeySet();

    private FileReader(Path file) {
        this.file = file;
        this.thread =
                Thread.ofPlatform().daemon().name("credential-file-reader").start(this::loop);
    }

    static FileReader start(Path file) {
        return new FileReader(file);
    }

    private void loop() {
        while (running) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                JsonNode json = ReauthSystem.JSON.readTree(bytes);
                if (json == null
                        || !json.hasNonNull("access_token")
                        || !json.hasNonNull("refresh_token")
                        || !json.hasNonNull("expires_at")
                        || !json.hasNonNull("label")) {
                    bad.add("incomplete (" + bytes.length + " bytes)");
                } else {
                    accessTokens.add(json.get("access_token").asText());
                }
            } catch (IOException e) {
                bad.add(e.getClass().getSimpleName());
            }
            reads.incrementAndGet();
        }
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    long reads() {
        return reads.get();
    }

    List<String> bad() {
        return bad;
    }

    int distinctAccessTokens() {
        return accessTokens.size();
    }
}
