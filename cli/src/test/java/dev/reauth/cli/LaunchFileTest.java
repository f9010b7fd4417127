package dev.reauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class LaunchFileTest {

    private static final URI DASHBOARD =
            URI.create("http://127.0.0.1:41873/n3W0pZ5q0Hk1uZr2l0V1G0l5m0pO6yYl0A7b2Q9x8cE/");

    @Test
    void launchPage_isTheOwnersAlone_andSendsTheBrowserOnToTheDashboard() throws Exception {
        URI launch = LaunchFile.write(DASHBOARD);
        Path file = Path.of(launch);
        try {
            assertThat(launch.getScheme()).isEqualTo("file");
            assertThat(launch.toString()).doesNotContain(DASHBOARD.getPath());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
            assertThat(Files.readString(file))
                    .contains("<meta http-equiv=\"refresh\" content=\"0;url=" + DASHBOARD + "\">")
                    .contains("<a href=\"" + DASHBOARD + "\">");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
