package dev.reauth.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileStoreTest {

    @TempDir
    Path dir;

    @Test
    void write_replacesTheThreeFields_keepsTheFilesOtherFieldsAndPermissions() throws Exception {
        Path file = dir.resolve("work.json");
        Files.writeString(file, "{\"access_token\":\"a0\",\"refresh_token\":\"r0\",\"expires_at\":1,\"priority\":3}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        JsonFileStore store = new JsonFileStore(dir);

        Optional<ProxyStore.StoredAccount> before = store.write("work", new ProxyCredentials("a1", "r1", 5_000));

        assertThat(before).get().extracting(b -> b.credentials().refreshToken()).isEqualTo("r0");
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.path("access_token").asText()).isEqualTo("a1");
        assertThat(json.path("refresh_token").asText()).isEqualTo("r1");
        assertThat(json.path("expires_at").asLong()).isEqualTo(5_000);
        assertThat(json.path("priority").asInt()).isEqualTo(3);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r-----");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void anAccountWithoutAFile_orWithAnUnsafeName_isNotServed() throws Exception {
        Files.writeString(dir.resolve("work.json"), "{}");
        JsonFileStore store = new JsonFileStore(dir);

        assertThat(store.write("other", new ProxyCredentials("a", "r", 1))).isEmpty();
        assertThat(store.write("../work", new ProxyCredentials("a", "r", 1))).isEmpty();
        assertThat(store.accountNames()).containsExactly("work");
        assertThat(dir.resolve("other.json")).doesNotExist();
    }

    @Test
    void read_givesTheFilesCredentials() throws Exception {
        Files.writeString(
                dir.resolve("work.json"), "{\"access_token\":\"a0\",\"refresh_token\":\"r0\",\"expires_at\":77}");

        ProxyCredentials read =
                new JsonFileStore(dir).read("work").orElseThrow().credentials();

        assertThat(read.accessToken()).isEqualTo("a0");
        assertThat(read.refreshToken()).isEqualTo("r0");
        assertThat(read.expiresAtMillis()).isEqualTo(77);
        assertThat(read.toString()).doesNotContain("a0", "r0");
    }
}
