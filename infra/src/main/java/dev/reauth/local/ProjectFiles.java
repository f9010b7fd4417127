package dev.reauth.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** Locates the repository root (where events/ and infra/ live) from the test JVM. */
public final class ProjectFiles {

    private ProjectFiles() {}

    public static Path root() {
        String configured = System.getProperty("reauth.projectRoot");
        if (configured != null && Files.isDirectory(Path.of(configured, "events"))) {
            return Path.of(configured);
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("events"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root (a folder with events/)");
        }
        return dir;
    }

    public static Path event(String name) {
        return root().resolve("events").resolve(name);
    }

    /** An events/ file as JSON, with a fresh request id, ready to adjust and send. */
    public static ObjectNode eventJson(String name) {
        try {
            var event = (ObjectNode) new ObjectMapper().readTree(Files.readString(event(name)));
            if (event.path("requestContext") instanceof ObjectNode context) {
                context.put("requestId", UUID.randomUUID().toString());
            }
            return event;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read events/" + name, e);
        }
    }
}
