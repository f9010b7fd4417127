package dev.reauth.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Log files of the local tools (the function log, the AWS emulator's) in .tools/logs: the last few of each kind kept. */
final class ToolLogs {

    private ToolLogs() {}

    /** A new log named {@code prefix...log}; the oldest of that kind beyond the last {@code kept} are removed. */
    static Path create(String prefix, int kept) throws IOException {
        Path logs =
                Files.createDirectories(ProjectFiles.root().resolve(".tools").resolve("logs"));
        List<Path> old;
        try (var files = Files.list(logs)) {
            old = files.filter(f -> f.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparing((Path f) -> f.toFile().lastModified())
                            .reversed())
                    .toList();
        }
        for (Path stale : old.subList(Math.min(old.size(), kept - 1), old.size())) {
            Files.deleteIfExists(stale);
        }
        return Files.createTempFile(logs, prefix, ".log");
    }
}
