package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentStateTest {

    @TempDir
    Path dir;

    @Test
    void whatIsRecorded_isThereAfterReloading() {
        Path file = dir.resolve("state.json");
        AgentState state = AgentState.load(file);
        state.applied("id-1", "work", 4, ProxyCredentials.fingerprint("refresh-4"));
        state.paused("id-1", "work", 4);
        state.applied("id-2", "other", 9, "");

        AgentState reloaded = AgentState.load(file);

        assertThat(reloaded.appliedVersion("id-1")).isEqualTo(4);
        assertThat(reloaded.pausedAt("id-1")).hasValue(4);
        assertThat(reloaded.entry("id-1"))
                .get()
                .extracting(AgentState.Entry::writtenFingerprint)
                .isEqualTo(ProxyCredentials.fingerprint("refresh-4"));
        assertThat(reloaded.appliedVersion("id-2")).isEqualTo(9);
        assertThat(reloaded.pausedAt("id-2")).isEmpty();
        assertThat(reloaded.appliedVersion("id-3")).isZero();
    }

    @Test
    void theFile_holdsNoToken_isOwnerOnly_andLeavesNoTemporaryFileBehind() throws Exception {
        Path file = dir.resolve("state.json");
        AgentState state = AgentState.load(file);
        state.applied("id-1", "work", 4, ProxyCredentials.fingerprint("refresh-secret-4"));
        state.resumed("id-1");

        assertThat(Files.readString(file)).doesNotContain("refresh-secret-4");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }
}
