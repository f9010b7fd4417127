package dev.reauth.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A page, readable by its owner only, that sends the browser on to the dashboard: the browser is given
 * this file's address, so the dashboard's secret never stands on a command line other users can read
 * (ps, /proc/PID/cmdline), neither the launcher's nor a browser it starts.
 */
final class LaunchFile {

    private LaunchFile() {}

    /** Writes the page for {@code target} (deleted when the CLI exits) and answers its file: address. */
    static URI write(URI target) {
        try {
            Path file = Files.createTempFile(
                    "reauth-dashboard-",
                    ".html",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            file.toFile().deleteOnExit();
            // the address holds only [A-Za-z0-9_-], digits, ':' and '/': nothing to escape in the attribute
            String page = "<!doctype html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url="
                    + target + "\"><title>reauth dashboard</title><a href=\"" + target
                    + "\">Open the reauth dashboard</a>\n";
            Files.writeString(file, page, StandardCharsets.UTF_8);
            return file.toUri();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the dashboard's launch page in the temporary folder", e);
        }
    }
}
