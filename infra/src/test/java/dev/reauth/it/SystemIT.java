package dev.reauth.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the integration tests: one {@link ReauthSystem} per class, and after the class, proof
 * that no line logged while it ran contains any code, state, verifier, token or API key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SystemIT {

    protected ReauthSystem system;

    @BeforeAll
    void startSystem() {
        LogCapture.install();
        system = new ReauthSystem();
    }

    @AfterAll
    void noSecretWasLogged() {
        try {
            assertNoSecretsLogged(system.secrets());
        } finally {
            system.close();
        }
    }

    static void assertNoSecretsLogged(Set<String> secrets) {
        List<String> lines = LogCapture.lines();
        for (String secret : secrets) {
            assertThat(lines).as("log lines containing a secret").noneMatch(line -> line.contains(secret));
        }
    }
}
