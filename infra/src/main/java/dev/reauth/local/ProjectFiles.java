package dev.reauth.local;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root (where events/ and infra/ live) from the test JVM. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

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
}
